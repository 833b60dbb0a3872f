package app

import (
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"registrar/app/files"
	"registrar/app/i18n"
	"registrar/app/letters"
	"registrar/app/school"
)

// The record of processing activities (GDPR Article 30) of an edition, for the school's data
// protection officer: made from what the edition's form asks today, who may open its
// applications and its retention period, as a page and as a PDF. Administrators and the
// edition's organisers.

// recordSection is one heading of the record, its text and its lists.
type recordSection struct {
	Heading string
	Text    string
	Lists   []recordList
}

type recordList struct {
	Heading string
	Items   []string
}

type processingPage struct {
	User      school.User
	Edition   school.Edition
	Sections  []recordSection
	Generated string
}

// processingRecord builds the record of edition e in L's language.
func (s *Server) processingRecord(c *fiber.Ctx, e school.Edition, L *i18n.Translator) ([]recordSection, error) {
	ctx := c.UserContext()
	questions, err := s.store.Questions(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	notice, err := s.store.PrivacyNotice(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	recipients, err := s.store.EditionRecipients(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	asked := map[int64]bool{}
	for _, q := range questions {
		asked[q.ID] = !q.Retired
	}
	// What the form asks, as its sections show it to applicants.
	var fields, extra, uploads, consents []string
	for _, sec := range s.formView(e, questions, applyForm{}, formErrors{}, L, "", false) {
		for _, f := range sec.Fields {
			id, isQuestion := strings.CutPrefix(f.Name, "q_")
			switch {
			case f.Type == "file":
				uploads = append(uploads, f.Label)
			case strings.HasPrefix(f.Name, "consent_"):
				consents = append(consents, f.Label)
			case isQuestion:
				if n, err := strconv.ParseInt(id, 10, 64); err == nil && asked[n] {
					extra = append(extra, f.Label)
				}
			default:
				fields = append(fields, f.Label)
			}
		}
	}
	data := recordSection{Heading: L.T("processing_data"), Lists: []recordList{
		{Heading: L.T("processing_fields"), Items: fields},
		{Heading: L.T("processing_questions"), Items: extra},
		{Heading: L.T("processing_uploads"), Items: uploads},
		{Heading: L.T("processing_consents"), Items: consents},
		{Heading: L.T("processing_other"), Items: []string{L.T("processing_other_text")}},
	}}
	followUps, err := s.followUpLabels(ctx, L, e)
	if err != nil {
		return nil, err
	}
	data.Lists = slices.Insert(data.Lists, 2, recordList{Heading: L.T("processing_follow_ups"), Items: followUps})
	data.Lists = slicesWithItems(data.Lists)

	reviewers := L.T("processing_reviewers_open")
	if hidden := blindHiddenList(L, e); e.BlindReview && hidden != "" {
		reviewers = L.T("processing_reviewers_blind", "Hidden", hidden)
	}
	months := e.RetentionMonths
	if months <= 0 {
		months = school.DefaultRetentionMonths
	}
	purge := L.T("processing_retention_no_dates")
	if !e.EndsOn.IsZero() {
		purge = L.Date(pragueDay(e.PurgeAt()))
	}
	security := L.T("processing_security_text")
	if s.overHTTPS() {
		security = L.T("processing_security_https") + " " + security
	}
	return []recordSection{
		{Heading: L.T("processing_controller"), Text: L.T("processing_controller_text",
			"Address", s.cfg.SchoolAddressIn(L.Lang), "Contact", s.emails.Contact(notice))},
		{Heading: L.T("processing_purposes"), Text: L.T("processing_purposes_text")},
		{Heading: L.T("processing_subjects"), Text: L.T("processing_subjects_text")},
		data,
		{Heading: L.T("processing_recipients"), Lists: []recordList{{Items: []string{
			L.T("processing_role_admin", "Count", recipients[school.RoleAdmin]) + ": " + L.T("processing_admins_text"),
			L.T("processing_role_organiser", "Count", recipients[school.RoleOrganiser]) + ": " + L.T("processing_organisers_text"),
			L.T("processing_role_reviewer", "Count", recipients[school.RoleReviewer]) + ": " + reviewers,
		}}}},
		{Heading: L.T("processing_transfers"), Text: L.T("processing_transfers_text")},
		{Heading: L.T("processing_retention"), Text: L.T("processing_retention_text",
			"Months", L.N("privacy_months", months), "Date", purge)},
		{Heading: L.T("processing_security"), Text: security},
	}, nil
}

// slicesWithItems drops the lists that have nothing in them.
func slicesWithItems(lists []recordList) []recordList {
	kept := lists[:0]
	for _, l := range lists {
		if len(l.Items) > 0 {
			kept = append(kept, l)
		}
	}
	return kept
}

// showProcessingRecord shows the edition's record of processing activities.
func (s *Server) showProcessingRecord(c *fiber.Ctx) error {
	e, err := s.pathEdition(c)
	if err != nil {
		return err
	}
	L := s.i18n.Translator(langOf(c))
	sections, err := s.processingRecord(c, e, L)
	if err != nil {
		return err
	}
	data := processingPage{User: currentUser(c), Edition: e, Sections: sections,
		Generated: L.T("processing_generated", "Date", L.Moment(s.now()))}
	return s.renderPage(c, "admin/processing", s.newPage(c, L.T("processing_title"), "admin", data))
}

// downloadProcessingRecord is the record as a PDF, in the reader's language.
func (s *Server) downloadProcessingRecord(c *fiber.Ctx) error {
	e, err := s.pathEdition(c)
	if err != nil {
		return err
	}
	L := s.i18n.Translator(langOf(c))
	sections, err := s.processingRecord(c, e, L)
	if err != nil {
		return err
	}
	now := s.now()
	doc := letters.Document{Layout: letters.Report, Lang: L.Lang, School: L.T("site_name"),
		Organisation: L.T("letter_organisation"), Address: s.cfg.SchoolAddressIn(L.Lang),
		Title:        L.T("processing_title") + ": " + e.Title(L.Lang),
		Verification: L.T("processing_generated", "Date", L.Moment(now)), Issued: now}
	for _, sec := range sections {
		doc.Blocks = append(doc.Blocks, letters.Block{Text: sec.Heading, Bold: true})
		if sec.Text != "" {
			doc.Blocks = append(doc.Blocks, letters.Block{Text: sec.Text})
		}
		for _, l := range sec.Lists {
			if l.Heading != "" {
				doc.Blocks = append(doc.Blocks, letters.Block{Text: l.Heading + ":"})
			}
			doc.Blocks = append(doc.Blocks, letters.Block{Text: "• " + strings.Join(l.Items, "\n• ")})
		}
	}
	pdf, err := letters.Draw(doc)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	fileHeaders(c, files.PDF, e.Slug+"-record-of-processing.pdf", false)
	return c.Send(pdf)
}
