package app

import (
	"cmp"
	"errors"
	"maps"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"registrar/app/i18n"
	"registrar/app/mail"
	"registrar/app/school"
	"registrar/db"
)

// blind reports whether the user reviews blind: school.Visibility says what that hides.
func blind(u school.User, e school.Edition) bool {
	return school.VisibilityFor(e, u.Role).Blind()
}

// hideFromStaff removes from an application what the user may not see: health answers
// (dietary and accessibility needs) from every reviewer, and in blind review the identifying
// details the edition hides (questions tell which answers are short texts).
func hideFromStaff(a *school.Application, u school.User, e school.Edition, questions []school.Question) {
	if u.Role == school.RoleReviewer {
		a.Dietary, a.Accessibility = "", ""
	}
	school.VisibilityFor(e, u.Role).Hide(a, questions)
}

// hideUnreviewedScores removes the scores a reviewer may not see yet: those of the applications
// they have not reviewed themselves, so that no one is swayed.
func (s *Server) hideUnreviewedScores(c *fiber.Ctx, e school.Edition, scores map[int64]db.ScoreSummary) error {
	u := currentUser(c)
	if u.Role != school.RoleReviewer {
		return nil
	}
	reviewed, err := s.store.ReviewedBy(c.UserContext(), e.ID, u.ID)
	if err != nil {
		return err
	}
	maps.DeleteFunc(scores, func(id int64, _ db.ScoreSummary) bool { return !reviewed[id] })
	return nil
}

// staffFiles links the application's files for the back office, each to open in the browser:
// the CV first, then the file answers in the order of the questions. While blind review hides
// file names, a file goes by its question only, since a file's name may name its author.
func staffFiles(a school.Application, questions []school.Question, L *i18n.Translator, hideNames bool) []fileLink {
	base := "/admin/applications/" + strconv.FormatInt(a.ID, 10) + "/files/"
	var files []fileLink
	if a.CVUploadID != 0 {
		files = append(files, fileLink{Label: L.T("field_cv"), Name: a.CVFileName,
			URL: base + strconv.FormatInt(a.CVUploadID, 10) + "?inline=1"})
	}
	for _, q := range questions {
		for _, ans := range a.Answers {
			if ans.QuestionID == q.ID && ans.UploadID != 0 {
				link := fileLink{Label: q.Label(L.Lang), Name: ans.FileName,
					URL: base + strconv.FormatInt(ans.UploadID, 10) + "?inline=1"}
				if hideNames {
					link.Label, link.Name = L.T("staff_file_pdf", "Label", link.Label), ""
				}
				files = append(files, link)
			}
		}
	}
	return files
}

type applicationsPage struct {
	User          school.User
	Edition       school.Edition
	Blind         bool
	Shown         school.Visibility
	Rows          []school.Application
	Scores        map[int64]db.ScoreSummary
	Total         int
	Page          int
	Pages         int
	Filter        db.ApplicationFilter
	Statuses      []school.Status
	Sectors       []school.Sector
	Countries     []country
	Sorts         []string
	PrevURL       string
	NextURL       string
	CanDecide     bool
	Done          string // how many a bulk action changed
	Region        string
	Regions       []option
	ExportColumns []option
	RankedBy      string // which score ranks applications for fill seats, for organisers
}

// scoreBound reads a score filter: a number from 1 to 5, or 0 for none.
func scoreBound(v string) float64 {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 1 || f > 5 {
		return 0
	}
	return f
}

func formatBound(f float64) string {
	if f == 0 {
		return ""
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

func (s *Server) listApplications(c *fiber.Ctx) error {
	e, err := s.pathEdition(c)
	if err != nil {
		return err
	}
	L := s.i18n.Translator(langOf(c))
	f := db.ApplicationFilter{EditionID: e.ID, Query: c.Query("q"), Sort: c.Query("sort"), PerPage: 50}
	if st := school.Status(c.Query("status")); st != "" && slices.Contains(school.Statuses, st) {
		f.Status = st
	}
	if n := c.Query("nationality"); s.countries.valid(n) {
		f.Nationality = n
	}
	if sc := school.Sector(c.Query("sector")); slices.Contains(school.Sectors, sc) {
		f.Sector = sc
	}
	region := c.Query("region")
	if f.Countries = regionCountries(region); f.Countries == nil {
		region = ""
	}
	if r := c.Query("reviewed"); r == "yes" || r == "no" {
		f.Reviewed, f.Required = r, e.RequiredReviews
	}
	f.OfferMade = c.Query("offered") == "yes"
	if err := s.referencesFilter(c, e, &f); err != nil {
		return err
	}
	u := currentUser(c)
	// Who applied before is for organisers only (see pastApplications).
	if r := c.Query("returning"); (r == "applied" || r == "alumni") && u.Role != school.RoleReviewer {
		if f.PastEditions, err = s.editionScope(c); err != nil {
			return err
		}
		f.Returning = r
	}
	f.MinScore = scoreBound(c.Query("min_score"))
	f.MaxScore = scoreBound(c.Query("max_score"))
	f.Page, _ = strconv.Atoi(c.Query("page"))
	f.Page = max(f.Page, 1)
	if u.Role == school.RoleReviewer {
		f.ScoredBy = u.ID
	}
	sorts := db.ApplicationSortKeys
	shown := school.VisibilityFor(e, u.Role)
	if shown.Blind() {
		// What a search or a filter finds would tell who is who.
		if !shown.Visible(school.IdentName) || !shown.Visible(school.IdentEmail) {
			f.Query = ""
		}
		if !shown.Visible(school.IdentNationality) {
			f.Nationality, f.Countries, region = "", nil, ""
		}
		sorts = db.BlindSortKeys
		if shown.Visible(school.IdentName) {
			sorts = slices.Concat(sorts, []string{"name"})
		}
	}
	if !slices.Contains(sorts, f.Sort) {
		f.Sort = sorts[0]
	}
	rows, total, err := s.store.ApplicationList(c.UserContext(), f)
	if err != nil {
		return err
	}
	ids := make([]int64, len(rows))
	for i, a := range rows {
		ids[i] = a.ID
	}
	scores, err := s.store.EditionScores(c.UserContext(), e.ID, ids)
	if err != nil {
		return err
	}
	if err := s.hideUnreviewedScores(c, e, scores); err != nil {
		return err
	}
	data := applicationsPage{User: u, Edition: e, Blind: shown.Blind(), Shown: shown, Rows: rows, Scores: scores, Total: total,
		Page: f.Page, Pages: max(1, int(math.Ceil(float64(total)/float64(f.PerPage)))), Filter: f,
		Statuses: school.Statuses, Sectors: school.Sectors, Countries: s.countries[L.Lang],
		Sorts: sorts, CanDecide: u.Role != school.RoleReviewer, Done: c.Query("done"),
		Region: region, Regions: regionOptions(L.Lang), ExportColumns: exportChoices(L, u, e)}
	if data.CanDecide {
		ranking, err := s.store.EditionRanking(c.UserContext(), e.ID)
		if err != nil {
			return err
		}
		data.RankedBy = rankingText(L, ranking)
	}
	for i := range data.Rows {
		hideFromStaff(&data.Rows[i], u, e, nil) // the list shows no answers
	}
	pageURL := func(p int) string {
		q := url.Values{}
		for k, v := range map[string]string{"status": string(f.Status), "nationality": f.Nationality,
			"sector": string(f.Sector), "q": f.Query, "sort": f.Sort, "region": region,
			"reviewed": f.Reviewed, "offered": map[bool]string{true: "yes"}[f.OfferMade], "returning": f.Returning, "references": f.References, "min_score": formatBound(f.MinScore), "max_score": formatBound(f.MaxScore)} {
			if v != "" {
				q.Set(k, v)
			}
		}
		q.Set("page", strconv.Itoa(p))
		return c.Path() + "?" + q.Encode()
	}
	if f.Page > 1 {
		data.PrevURL = pageURL(f.Page - 1)
	}
	if f.Page < data.Pages {
		data.NextURL = pageURL(f.Page + 1)
	}
	return s.renderPage(c, "admin/applications", s.newPage(c, L.T("admin_applications_title", "Edition", e.Title(L.Lang)), "admin", data))
}

type applicationPage struct {
	User        school.User
	Edition     school.Edition
	Application school.Application
	Blind       bool
	Shown       school.Visibility
	Summary     []mail.SummaryLine
	History     []historyLine
	Files       []fileLink
	Staged      db.StagedDecision
	Decisions   []school.Status
	CanDecide   bool
	Notice      string
	Reviews     []reviewLine
	Reviewed    bool // the user has reviewed this application, or declared a conflict
	Conflict    bool // the user has declared a conflict of interest
	Notes       []db.Note
	CVURL       string     // shown inline
	Documents   []fileLink // visa letter, certificate
	// DecisionError says what was wrong with the decision form sent.
	DecisionError string
	Past          []pastLine     // the applicant's applications to earlier editions
	Referees      *staffReferees // the references asked for and, to whom may read them, the letters

	// FollowUps are the follow-up answers, for organisers only: they hold passport details.
	FollowUps *staffFollowUpSection
}

// pastLine is one of an applicant's applications to an earlier edition.
type pastLine struct {
	Edition, Reference, URL, Outcome, Attended, FoundBy string
}

// pastApplications lists the applicant's applications to earlier editions the user may see.
// Only organisers see them: a reviewer scores the application as it stands, and in blind review
// an earlier application would tell who the applicant is.
func (s *Server) pastApplications(c *fiber.Ctx, a school.Application, L *i18n.Translator) ([]pastLine, error) {
	if currentUser(c).Role == school.RoleReviewer {
		return nil, nil
	}
	scope, err := s.editionScope(c)
	if err != nil {
		return nil, err
	}
	past, err := s.store.PastApplications(c.UserContext(), a.ID, scope)
	if err != nil {
		return nil, err
	}
	lines := make([]pastLine, len(past))
	for i, p := range past {
		attended := "no"
		switch {
		case p.Status == school.StatusAttended:
			attended = "yes"
		case p.Status.Selected() && s.now().Before(p.Edition.EndedAt()):
			attended = "returning_not_yet"
		}
		foundBy := "returning_by_name"
		if p.ByEmail {
			foundBy = "returning_by_email"
		}
		lines[i] = pastLine{Edition: p.Edition.Title(L.Lang), Reference: p.Reference,
			URL: "/admin/applications/" + strconv.FormatInt(p.ID, 10), Outcome: L.T("status_" + string(p.Status)),
			Attended: L.T(attended), FoundBy: L.T(foundBy)}
	}
	return lines, nil
}

func (s *Server) showApplication(c *fiber.Ctx) error {
	return s.renderApplication(c, fiber.StatusOK, "")
}

// renderApplication shows an application to staff, with status and, when the decision form
// came back, what to fix in it.
func (s *Server) renderApplication(c *fiber.Ctx, status int, decisionError string) error {
	a, e, err := s.staffApplication(c)
	if err != nil {
		return err
	}
	// Retired questions too: the answers given to them stay readable.
	questions, _, err := s.store.AllQuestions(c.UserContext(), e.ID)
	if err != nil {
		return err
	}
	history, err := s.store.ApplicationHistory(c.UserContext(), a.ID)
	if err != nil {
		return err
	}
	L := s.i18n.Translator(langOf(c))
	u := currentUser(c)
	data := applicationPage{User: u, Edition: e, Blind: blind(u, e), Shown: school.VisibilityFor(e, u.Role), DecisionError: decisionError}
	hideFromStaff(&a, u, e, questions)
	data.Application = a
	data.Summary = s.emails.StaffSummary(a, e, questions, L)
	if data.Reviews, data.Reviewed, data.Conflict, err = s.visibleReviews(c, a, e); err != nil {
		return err
	}
	for _, h := range history {
		// Who else reviewed is part of the reviews a reviewer does not see yet.
		if (h.Action == "review" || h.Action == "conflict_declared") && u.Role == school.RoleReviewer &&
			data.Reviews == nil && h.Actor != userActor(u) {
			continue
		}
		if data.Shown.HidesHistory(h.Action) {
			continue
		}
		line := historyLine{At: L.Moment(h.At), Text: staffHistoryText(L, h)}
		if data.Blind { // when someone sent the form can tell who they are
			line.At = L.Date(h.At)
		}
		data.History = append(data.History, line)
	}
	data.Files = staffFiles(a, questions, L, !data.Shown.Visible(school.IdentFileNames))
	if data.Past, err = s.pastApplications(c, a, L); err != nil {
		return err
	}
	if data.Referees, err = s.staffRefereesOf(c, e, a); err != nil {
		return err
	}
	if data.FollowUps, err = s.staffFollowUps(c, e, a, L); err != nil {
		return err
	}
	data.CanDecide = u.Role != school.RoleReviewer
	data.Decisions = decisionKinds
	if data.CanDecide {
		if data.Notes, err = s.store.Notes(c.UserContext(), a.ID); err != nil {
			return err
		}
		base := "/admin/applications/" + strconv.FormatInt(a.ID, 10)
		if data.Documents, err = s.documentLinks(c.UserContext(), L, a, base, false); err != nil {
			return err
		}
	}
	if a.CVUploadID != 0 { // the first of the files
		data.CVURL = data.Files[0].URL
	}
	if data.CanDecide {
		staged, err := s.store.StagedDecisionFor(c.UserContext(), a.ID)
		if err != nil && !errors.Is(err, db.ErrNotFound) {
			return err
		}
		data.Staged = staged
	}
	if done := c.Query("done"); done == "staged" || done == "unstaged" || done == "fee_waived" || done == "fee_charged" {
		data.Notice = L.T("decision_notice_" + done)
	}
	return s.renderStatus(c, status, "admin/application", s.newPage(c, a.Reference, "admin", data))
}

// staffHistoryText is a line of an application's history in staff words: what the applicant
// did is told about them, not to them, and every line says who made it.
func staffHistoryText(L *i18n.Translator, h db.AuditEntry) string {
	switch h.Action {
	case "status", "submit":
		return L.T("status_"+h.To) + " · " + actorName(L, h)
	case "edit", "erasure_requested", "status_link_sent": // the text names the applicant
		return L.T("staff_history_" + h.Action)
	case "follow_ups_corrected": // the questions changed, never the answers
		return L.T("staff_history_"+h.Action, "Questions", school.CorrectedQuestions(h.Detail, L.Lang)) + " · " + actorName(L, h)
	}
	return L.T("history_"+h.Action) + " · " + actorName(L, h)
}

// actorName says who made an audit entry: a staff member by name (or address) and role, the
// applicant, or Registrar itself.
func actorName(L *i18n.Translator, h db.AuditEntry) string {
	switch {
	case h.Staff.ID != 0:
		return L.T("actor_staff", "Name", cmp.Or(h.Staff.Name, h.Staff.Email), "Role", L.T("actor_role_"+string(h.Staff.Role)))
	case h.Actor == db.ActorApplicant:
		return L.T("actor_applicant")
	case h.Actor == db.ActorSystem:
		return L.T("actor_system")
	}
	// A removed account: the address its entries keep.
	if id, email, ok := strings.Cut(h.Actor, " "); ok && strings.HasPrefix(id, "user:") {
		return email
	}
	return h.Actor
}

// downloadStaffFile serves an application's file to staff who may see it; in blind review a
// reviewer gets only the files school.Visibility leaves, under the names it gives them.
func (s *Server) downloadStaffFile(c *fiber.Ctx) error {
	a, e, err := s.staffApplication(c)
	if err != nil {
		return err
	}
	fileID, err := strconv.ParseInt(c.Params("file"), 10, 64)
	if err != nil {
		return db.ErrNotFound
	}
	up, err := s.store.ApplicationUpload(c.UserContext(), a.ID, fileID)
	if err != nil {
		return err
	}
	if shown := school.VisibilityFor(e, currentUser(c).Role); shown.Blind() {
		questions, _, err := s.store.AllQuestions(c.UserContext(), e.ID)
		if err != nil {
			return err
		}
		shown.Hide(&a, questions)
		i := slices.IndexFunc(a.Answers, func(ans school.Answer) bool { return ans.UploadID == up.ID })
		switch {
		case up.ID == a.CVUploadID:
			up.OriginalName = a.CVFileName
		case i >= 0:
			up.OriginalName = a.Answers[i].FileName
		default: // hidden
			return db.ErrNotFound
		}
	}
	// ?inline=1 is the frame of the application page.
	return s.sendUpload(c, up, c.Query("inline") == "1")
}

// addNote stores an organiser's internal note on an application.
func (s *Server) addNote(c *fiber.Ctx) error {
	a, _, err := s.staffApplication(c)
	if err != nil {
		return err
	}
	L := s.i18n.Translator(langOf(c))
	body := strings.TrimSpace(strings.ToValidUTF8(c.FormValue("note"), ""))
	if body == "" || len([]rune(body)) > 4000 {
		return badRequest(L.T("note_invalid"))
	}
	if err := s.store.AddNote(c.UserContext(), a.ID, currentUser(c).ID, body, s.now()); err != nil {
		return err
	}
	return c.Redirect("/admin/applications/"+strconv.FormatInt(a.ID, 10)+"#notes", fiber.StatusSeeOther)
}

// setFeeWaiver waives an application's fee ("waive=yes"), or charges it again: a participant
// whose fee is waived is asked for no payment.
func (s *Server) setFeeWaiver(c *fiber.Ctx) error {
	a, e, err := s.staffApplication(c)
	if err != nil {
		return err
	}
	render, err := s.emails.Renderer(c.UserContext(), e)
	if err != nil {
		return err
	}
	waive := c.FormValue("waive") == "yes"
	if err := s.store.SetFeeWaiverGranted(c.UserContext(), a.ID, waive, userActor(currentUser(c)), s.now(), render); err != nil {
		return err
	}
	done := "fee_charged"
	if waive {
		done = "fee_waived"
	}
	return c.Redirect("/admin/applications/"+strconv.FormatInt(a.ID, 10)+"?done="+done+"#fee", fiber.StatusSeeOther)
}
