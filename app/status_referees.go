package app

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"registrar/app/i18n"
	"registrar/app/school"
	"registrar/db"
)

// On the status page the applicant sees each referee with only whether their reference has
// arrived, never the reference; while nothing has, they may name a referee, change one, or ask
// one again (at most once a day, school.RefereeResendAfter).

// statusReferees is the status page's block of referees.
type statusReferees struct {
	L        *i18n.Translator
	Base     string
	CSRF     string
	Deadline string
	Open     bool // referees may still be named, changed and send
	Rows     []statusRefereeRow
	Complete bool
}

type statusRefereeRow struct {
	Position  int
	Named     bool
	Name      string
	Email     string
	Received  bool
	AskedAt   string
	CanChange bool
	CanResend bool
	ResendAt  string // when asking again is possible, while it is not yet
}

// refereesBlock is the referees' block of application a's status page, or nil when its edition
// asks for none.
func (s *Server) refereesBlock(c *fiber.Ctx, e school.Edition, a school.Application, base string,
	L *i18n.Translator) (*statusReferees, error) {
	ctx := c.UserContext()
	refs, err := s.store.References(ctx, e.ID)
	if err != nil || refs.Asked == 0 {
		return nil, err
	}
	referees, err := s.store.Referees(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	b := &statusReferees{L: L, Base: base, CSRF: csrfToken(c), Deadline: L.Moment(refs.DeadlineFor(e)),
		Open: refereesMayChange(refs, e, a, now), Complete: school.ReferencesComplete(refs.Asked, referees)}
	for _, n := range positions(max(refs.Asked, len(referees))) {
		row := statusRefereeRow{Position: n}
		if i := slices.IndexFunc(referees, func(r school.Referee) bool { return r.Position == n }); i >= 0 {
			r := referees[i]
			row.Named, row.Name, row.Email, row.Received = true, r.Name, r.Email, r.Received()
			row.AskedAt = L.Moment(r.RequestedAt)
			row.CanChange = b.Open && !r.Received()
			row.CanResend = row.CanChange && r.MayResend(now)
			if row.CanChange && !row.CanResend {
				row.ResendAt = L.Moment(r.RequestedAt.Add(school.RefereeResendAfter))
			}
		}
		b.Rows = append(b.Rows, row)
	}
	return b, nil
}

// refereesMayChange says whether the applicant may still name, change or ask again referees:
// until the referees' deadline, while the application is still in the running.
func refereesMayChange(refs school.References, e school.Edition, a school.Application, now time.Time) bool {
	return refs.OpenAt(e, now) && a.WantsReferences()
}

// refereeFormPage is the page naming or changing the referee at one position.
type refereeFormPage struct {
	Edition  school.Edition
	Base     string
	Action   string
	CSRF     string
	Position int
	Changing string // the name of the referee being replaced
	Fields   []formField
	Errors   []fieldMessage
}

// applicantReferee is the application of the status link, what its edition asks of referees and
// the position in the path, refused (404) when the edition asks for no referee there or they
// may no longer change.
func (s *Server) applicantReferee(c *fiber.Ctx) (school.Application, school.Edition, school.References, int, []school.Referee, error) {
	a, e, _, err := s.applicantApplication(c)
	if err != nil {
		return a, e, school.References{}, 0, nil, err
	}
	refs, err := s.store.References(c.UserContext(), e.ID)
	if err != nil {
		return a, e, refs, 0, nil, err
	}
	n, err := strconv.Atoi(c.Params("position"))
	if err != nil || n < 1 || n > refs.Asked || !refereesMayChange(refs, e, a, s.now()) {
		return a, e, refs, 0, nil, db.ErrNotFound
	}
	referees, err := s.store.Referees(c.UserContext(), a.ID)
	return a, e, refs, n, referees, err
}

func (s *Server) showRefereeForm(c *fiber.Ctx) error {
	a, e, _, n, referees, err := s.applicantReferee(c)
	if err != nil {
		return err
	}
	// Filled with the referee named there, if any: a correction changes only what is wrong.
	var named school.Referee
	if i := slices.IndexFunc(referees, func(r school.Referee) bool { return r.Position == n }); i >= 0 {
		named = referees[i]
	}
	return s.renderRefereeForm(c, fiber.StatusOK, a, e, n, referees, named, formErrors{})
}

func (s *Server) renderRefereeForm(c *fiber.Ctx, status int, a school.Application, e school.Edition, n int,
	referees []school.Referee, typed school.Referee, errs formErrors) error {
	L := s.i18n.Translator(langOf(c))
	base := "/status/" + c.Params("token")
	data := refereeFormPage{Edition: e, Base: base, Action: c.Path(), CSRF: csrfToken(c), Position: n,
		Fields: refereeFields(n, typed, true, errs, L)}
	if i := slices.IndexFunc(referees, func(r school.Referee) bool { return r.Position == n }); i >= 0 {
		if referees[i].Received() {
			return c.Redirect(base, fiber.StatusSeeOther)
		}
		data.Changing = referees[i].Name
	}
	data.Errors = errorSummary([]formSection{{Fields: data.Fields}})
	title := L.T("referee_name_title", "N", n)
	if len(data.Errors) > 0 {
		title = L.N("form_error_count", len(data.Errors)) + " · " + title
	}
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	p := s.newPage(c, title, "", data)
	var err error
	if p.Contact, err = s.editionContact(c.UserContext(), e.ID); err != nil {
		return err
	}
	return s.renderStatus(c, status, "referee/name", p)
}

// nameReferee names the referee at a position, or puts a new one in the place of one who has
// sent nothing, and emails them their request; the same address again corrects the referee's
// name and relation without emailing them.
func (s *Server) nameReferee(c *fiber.Ctx) error {
	a, e, refs, n, referees, err := s.applicantReferee(c)
	if err != nil {
		return err
	}
	L := s.i18n.Translator(langOf(c))
	var errs formErrors
	named := parseReferees(c, []int{n}, false, a.Lang, a.Email, L, &errs)
	r := named[0]
	if slices.ContainsFunc(referees, func(o school.Referee) bool {
		return o.Position != n && strings.EqualFold(o.Email, r.Email)
	}) {
		errs.add(refereeField(n, "email"), L.T("referee_error_same"))
	}
	if !errs.empty() {
		return s.renderRefereeForm(c, fiber.StatusUnprocessableEntity, a, e, n, referees, r, errs)
	}
	if slices.ContainsFunc(referees, func(o school.Referee) bool { return o.Position == n && o.UnchangedBy(r) }) {
		return c.Redirect("/status/"+c.Params("token")+"?done=referee_unchanged#referees", fiber.StatusSeeOther)
	}
	render, err := s.emails.RefereeRenderer(c.UserContext(), e, a, refs)
	if err != nil {
		return err
	}
	corrected, err := s.store.ReplaceReferee(c.UserContext(), a.ID, r, s.now(), render)
	if errors.Is(err, db.ErrTooSoon) {
		// A day's worth of requests sent: nobody is emailed.
		errs.add(refereeField(n, "email"), L.T("referee_error_too_many"))
		return s.renderRefereeForm(c, fiber.StatusUnprocessableEntity, a, e, n, referees, r, errs)
	}
	if err != nil && !errors.Is(err, db.ErrReferenceReceived) {
		return err
	}
	if corrected {
		return c.Redirect("/status/"+c.Params("token")+"?done=referee_corrected#referees", fiber.StatusSeeOther)
	}
	s.outbox.Wake()
	return c.Redirect("/status/"+c.Params("token")+"?done=referee#referees", fiber.StatusSeeOther)
}

// askRefereeAgain emails a referee who has sent nothing their request again, at most once a day.
func (s *Server) askRefereeAgain(c *fiber.Ctx) error {
	a, e, refs, n, _, err := s.applicantReferee(c)
	if err != nil {
		return err
	}
	render, err := s.emails.RefereeRenderer(c.UserContext(), e, a, refs)
	if err != nil {
		return err
	}
	err = s.store.ResendReferee(c.UserContext(), a.ID, n, s.now(), render)
	switch {
	case errors.Is(err, db.ErrTooSoon):
		// Pressed twice, or too soon: the page says when asking again is possible.
		return c.Redirect("/status/"+c.Params("token")+"#referees", fiber.StatusSeeOther)
	case errors.Is(err, db.ErrReferenceReceived):
	case err != nil:
		return err
	}
	s.outbox.Wake()
	return c.Redirect("/status/"+c.Params("token")+"?done=referee_again#referees", fiber.StatusSeeOther)
}

// refereeExport is a referee in the applicant's export of their data: whom they named and
// whether the reference arrived, never the reference.
type refereeExport struct {
	Name        string    `json:"name"`
	Email       string    `json:"email"`
	Relation    string    `json:"relation"`
	RequestedAt time.Time `json:"requested_at"`
	Received    bool      `json:"received"`
}

func (s *Server) refereesExport(c *fiber.Ctx, a school.Application) ([]refereeExport, error) {
	referees, err := s.store.Referees(c.UserContext(), a.ID)
	var out []refereeExport
	for _, r := range referees {
		out = append(out, refereeExport{Name: r.Name, Email: r.Email, Relation: r.Relation,
			RequestedAt: r.RequestedAt, Received: r.Received()})
	}
	return out, err
}
