package app

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"registrar/app/mail"
	"registrar/app/school"
	"registrar/db"
)

type privacyPage struct {
	User     school.User
	Edition  school.Edition
	Held     db.PersonalData
	Size     string
	Months   int
	PurgeAt  string
	PurgeDue bool
	Purges   []historyLine // what earlier runs erased, newest first
	// Forms saved for later (apply_draft.go): how many, and until when they are kept.
	Drafts, DraftsUntil string
	Referees            string // referees' contacts and letters held (admin_referees.go)
	Passport            string // how long passport details from follow-up answers are kept
}

// showPrivacy shows what an edition holds about people and when the retention period erases it.
func (s *Server) showPrivacy(c *fiber.Ctx) error {
	e, err := s.pathEdition(c)
	if err != nil {
		return err
	}
	held, err := s.store.EditionPersonalData(c.UserContext(), e.ID)
	if err != nil {
		return err
	}
	history, err := s.store.EditionHistory(c.UserContext(), e.ID)
	if err != nil {
		return err
	}
	drafts, err := s.store.EditionDrafts(c.UserContext(), e.ID)
	if err != nil {
		return err
	}
	L := s.i18n.Translator(langOf(c))
	months := e.RetentionMonths
	if months <= 0 {
		months = school.DefaultRetentionMonths
	}
	data := privacyPage{User: currentUser(c), Edition: e, Held: held, Size: fileSize(held.Bytes, L.Lang),
		Months: months, PurgeDue: e.PurgeDue(s.now()),
		Drafts:      L.T("privacy_drafts_count", "Count", drafts.Drafts, "Files", drafts.Files, "Size", fileSize(drafts.Bytes, L.Lang)),
		DraftsUntil: L.T("privacy_purge_no_dates")}
	if !e.ClosesAt.IsZero() {
		data.DraftsUntil = L.T("privacy_drafts_until", "When", L.Moment(e.DraftKeptUntil()))
	}
	if !e.EndsOn.IsZero() {
		data.PurgeAt = L.Moment(e.PurgeAt())
	}
	if data.Referees, err = s.refereesHeld(c, e, L); err != nil {
		return err
	}
	if data.Passport, err = s.passportKeeping(c.UserContext(), L, e); err != nil {
		return err
	}
	for _, h := range history {
		var apps, files, months int
		var bytes int64
		if h.Action == "passport_details_erased" { // the participants, after the edition
			n, err := strconv.Atoi(h.Detail)
			if err != nil {
				return fmt.Errorf("app: passport erasure entry %q: %w", h.Detail, err)
			}
			data.Purges = append(data.Purges, historyLine{At: L.Moment(h.At), Text: L.N("privacy_passport_erased_line", n)})
			continue
		}
		if h.Action != "retention_purge" {
			continue
		}
		if _, err := fmt.Sscanf(h.Detail, db.PurgeDetail, &apps, &files, &bytes, &months); err != nil {
			return fmt.Errorf("app: retention entry %q: %w", h.Detail, err)
		}
		data.Purges = append(data.Purges, historyLine{At: L.Moment(h.At), Text: L.T("privacy_purge_line",
			"Applications", apps, "Files", files, "Size", fileSize(bytes, L.Lang))})
	}
	return s.renderPage(c, "admin/privacy", s.newPage(c, L.T("privacy_title"), "admin", data))
}

// fileSize is a number of bytes as a person reads it: "1.4 MB" or "1,4 MB".
func fileSize(n int64, lang string) string {
	units := []string{"B", "kB", "MB", "GB"}
	v, u := float64(n), 0
	for v >= 1000 && u < len(units)-1 {
		v /= 1000
		u++
	}
	text := strconv.FormatFloat(v, 'f', 1, 64)
	if u == 0 {
		text = strconv.FormatInt(n, 10)
	}
	if lang == "cs" {
		text = strings.ReplaceAll(text, ".", ",")
	}
	return text + " " + units[u]
}

type erasurePage struct {
	User     school.User
	Requests []db.ErasureRequest
	Notice   string
}

// showErasureQueue lists the applicants' erasure requests the user may carry out, oldest first.
func (s *Server) showErasureQueue(c *fiber.Ctx) error {
	scope, err := s.editionScope(c)
	if err != nil {
		return err
	}
	reqs, err := s.store.ErasureRequests(c.UserContext(), scope)
	if err != nil {
		return err
	}
	L := s.i18n.Translator(langOf(c))
	data := erasurePage{User: currentUser(c), Requests: reqs}
	if c.Query("done") == "erased" {
		data.Notice = L.T("erasure_done_notice")
	}
	return s.renderPage(c, "admin/erasure", s.newPage(c, L.T("erasure_title"), "admin", data))
}

// carryOutErasure erases the application in the path, whose applicant asked for it, and queues
// the confirmation to the address it had.
func (s *Server) carryOutErasure(c *fiber.Ctx) error {
	a, e, err := s.staffApplication(c)
	if err != nil {
		return err
	}
	render, err := s.emails.Renderer(c.UserContext(), e)
	if err != nil {
		return err
	}
	_, err = s.store.CarryOutErasure(c.UserContext(), a.ID, userActor(currentUser(c)), s.now(), render)
	if errors.Is(err, db.ErrNoErasureRequest) {
		return db.ErrNotFound
	}
	if err != nil {
		return err
	}
	if err := mail.ForgetErased(c.UserContext(), s.store, s.cfg.Layout().Mail()); err != nil {
		return err
	}
	s.outbox.Wake()
	return c.Redirect("/admin/erasure?done=erased", fiber.StatusSeeOther)
}
