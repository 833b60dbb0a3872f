package app

import (
	"encoding/json"
	"errors"
	"maps"
	"strings"

	"github.com/gofiber/fiber/v2"

	"registrar/app/files"
	"registrar/app/i18n"
	"registrar/app/mail"
	"registrar/app/school"
	"registrar/db"
)

// "Save and continue later": the application form's second button stores what was typed, files
// included, as a draft on the server and emails a link that resumes it on any browser. A draft is
// not an application: sending it from its link makes one, as the form does, and deletes it. Its
// link's secret is emailed only, its hash alone stored.

// localsDraftLink holds the secret of the draft link whose form a request shows.
const localsDraftLink = "draftLink"

// draftParts sets where a new application's form and its "Save and continue later" button
// send it: a draft's form to the draft's link, any other to the edition's form; and the notice
// of a draft just saved. The edit form of an application has no such button.
func draftParts(c *fiber.Ctx, p *applyPage) {
	if p.Editing {
		return
	}
	if link, ok := c.Locals(localsDraftLink).(string); ok {
		p.Action = "/drafts/" + link
	} else {
		p.Action = "/editions/" + p.Edition.Slug + "/apply"
	}
	p.SaveAction = p.Action + "/draft"
	p.Notice, _ = c.Locals(localsDraftNotice).(string)
}

// saveNewDraft saves the edition's form as a new draft.
func (s *Server) saveNewDraft(c *fiber.Ctx) error {
	fe, err := s.formEdition(c.UserContext(), c.Params("slug"))
	if err != nil {
		return err
	}
	return s.saveDraft(c, fe, db.Draft{})
}

// saveDraftAgain saves a draft's form again, in the same draft.
func (s *Server) saveDraftAgain(c *fiber.Ctx) error {
	d, fe, ok, err := s.draftOf(c)
	if !ok {
		return err
	}
	return s.saveDraft(c, fe, d)
}

// saveDraft stores the form sent as draft d (new when its ID is 0). Only the email address is
// required, since the link goes there; a file that is not a PDF of at most 5 MB is refused as
// the form refuses it, and the rest is saved.
func (s *Server) saveDraft(c *fiber.Ctx, fe formEdition, d db.Draft) error {
	ctx, now := c.UserContext(), s.now()
	e, questions := fe.edition, fe.questions
	L := s.i18n.Translator(langOf(c))
	if c.FormValue("website") != "" {
		return badRequest(L.T("error_honeypot"))
	}
	if !e.AcceptsSubmission(s.signedTime(c.FormValue("opened_at")), now) {
		return s.renderWindowClosed(c, e, L)
	}
	if d.ID != 0 {
		c.Locals(localsDraftLink, c.Params("token"))
	}
	var ignored, errs formErrors // text that is not UTF-8 is saved mended, as the form shows it
	f := parseApplyForm(c, questions, &ignored)
	formReferees(c, fe, &f, L, &ignored)
	switch {
	case f.Email == "":
		errs.add("email", L.T("draft_email_missing"))
	case s.validate.Var(f.Email, "singleline,email,max=254") != nil:
		errs.add("email", L.T("validation_email"))
	}
	received := s.draftFiles(c, e, questions, L, &errs)
	if _, ok := errs.msg["email"]; ok {
		if err := s.keepFiles(ctx, received); err != nil {
			return err
		}
		return s.renderApplyForm(c, fiber.StatusUnprocessableEntity, e, questions, f, errs, s.withDraftFiles(received, d),
			c.FormValue("opened_at"), false)
	}
	form, err := json.Marshal(f)
	if err != nil {
		return err
	}
	save := db.DraftSave{Draft: d}
	// A new draft, or one whose address changed, gets a new link, emailed to its address; its
	// secret is made as a status link's.
	var link string
	if d.ID == 0 || !strings.EqualFold(d.Email, f.Email) {
		var hash string
		if link, hash, err = mail.NewStatusToken(); err != nil {
			return err
		}
		msg, err := s.emails.DraftEmail(e, fe.notice, f.Email, L.Lang, link)
		if err != nil {
			return err
		}
		save.LinkHash, save.Email = hash, &msg
		c.Locals(localsDraftLink, link)
	}
	save.Draft.EditionID, save.Draft.Email, save.Draft.Lang, save.Draft.Form = e.ID, f.Email, L.Lang, form
	for field, rf := range received {
		df := db.DraftFile{Field: field, StoredName: rf.Upload.StoredName, OriginalName: rf.Upload.OriginalName,
			ContentType: rf.Upload.ContentType, Size: rf.Upload.Size, SHA256: rf.Upload.SHA256, Data: rf.Data}
		if rf.Data == nil { // kept from an earlier try of the form: the draft gets a copy of its own
			if df.Data, err = s.store.FileData(ctx, rf.Upload.StoredName); err != nil {
				return err
			}
			if df.StoredName, err = files.RandomName(); err != nil {
				return err
			}
		}
		save.Files = append(save.Files, df)
	}
	id, emailed, err := s.store.SaveDraft(ctx, save, now)
	if err != nil {
		return err
	}
	if emailed {
		s.outbox.Wake()
	}
	if !errs.empty() { // a file was refused: the form says which, under the draft's link
		for _, df := range save.Files {
			d.Files = append(d.Files, db.DraftFile{Field: df.Field, OriginalName: df.OriginalName})
		}
		c.Locals(localsDraftNotice, s.draftSavedText(L, e, link != "", emailed))
		return s.renderApplyForm(c, fiber.StatusUnprocessableEntity, e, questions, f, errs, s.withDraftFiles(nil, d),
			c.FormValue("opened_at"), false)
	}
	s.log.Info("draft saved", "request_id", requestID(c), "edition", e.Slug, "draft", id, "emailed", emailed)
	to := "/editions/" + e.Slug + "/apply/draft/saved"
	switch {
	case link == "":
		to += "?again=yes"
	case !emailed:
		to += "?emailed=no"
	}
	return c.Redirect(to, fiber.StatusSeeOther)
}

// localsDraftNotice holds what the form says above itself when a draft was saved without a file.
const localsDraftNotice = "draftNotice"

// draftSavedText says a draft is saved and where its link went.
func (s *Server) draftSavedText(L *i18n.Translator, e school.Edition, newLink, emailed bool) string {
	switch {
	case !newLink:
		return L.T("draft_saved_again", "Deadline", L.Moment(e.ClosesAt))
	case !emailed:
		return L.T("draft_saved_quiet", "Minutes", int(school.DraftEmailQuiet.Minutes()))
	}
	return L.T("draft_saved_text", "Deadline", L.Moment(e.ClosesAt))
}

// draftFiles receives the files a draft form sends: new ones, checked as the form checks them,
// and those kept from an earlier try of the same form.
func (s *Server) draftFiles(c *fiber.Ctx, e school.Edition, questions []school.Question, L *i18n.Translator,
	errs *formErrors) map[string]receivedFile {
	got := map[string]receivedFile{}
	for _, name := range fileFields(e, questions) {
		if rf, ok := s.receiveFile(c, name, 0, L, errs); ok {
			got[name] = rf
		}
	}
	return got
}

// fileFields names the form's file fields: the CV's, and those of the file questions.
func fileFields(e school.Edition, questions []school.Question) []string {
	var names []string
	if !e.ShortForm() {
		names = append(names, "cv")
	}
	for _, q := range questions {
		if q.Kind == school.QuestionFile {
			names = append(names, questionField(q.ID))
		}
	}
	return names
}

// withDraftFiles are the files a form shows as received: those of this request, and the draft's
// for the fields it sent none.
func (s *Server) withDraftFiles(received map[string]receivedFile, d db.Draft) map[string]receivedFile {
	out := map[string]receivedFile{}
	for _, df := range d.Files {
		out[df.Field] = receivedFile{Upload: db.Upload{OriginalName: df.OriginalName}}
	}
	for name, rf := range received {
		out[name] = rf
	}
	return out
}

// showDraftSaved is the page after a draft was saved: the link is in the email.
func (s *Server) showDraftSaved(c *fiber.Ctx) error {
	e, err := s.store.PublicEdition(c.UserContext(), c.Params("slug"))
	if err != nil {
		return err
	}
	L := s.i18n.Translator(langOf(c))
	data := draftSavedPage{Edition: e,
		Text: s.draftSavedText(L, e, c.Query("again") != "yes", c.Query("emailed") != "no")}
	p := s.newPage(c, L.T("draft_saved_title"), "editions", data)
	if p.Contact, err = s.editionContact(c.UserContext(), e.ID); err != nil {
		return err
	}
	return s.renderPage(c, "apply/draft_saved", p)
}

type draftSavedPage struct {
	Edition school.Edition
	Text    string
}

// draftOf is the draft whose link is in the path, with its edition's form. When the link opens
// none, or the call has closed, it renders the page saying so instead and ok is false.
func (s *Server) draftOf(c *fiber.Ctx) (d db.Draft, fe formEdition, ok bool, err error) {
	ctx := c.UserContext()
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	L := s.i18n.Translator(langOf(c))
	d, err = s.store.DraftByLink(ctx, mail.HashToken(c.Params("token")))
	if err == nil {
		var e school.Edition
		if e, err = s.store.EditionByID(ctx, d.EditionID); err == nil {
			fe, err = s.formEdition(ctx, e.Slug)
		}
	}
	switch {
	case errors.Is(err, db.ErrNotFound):
		p := s.newPage(c, L.T("draft_gone_title"), "editions", nil)
		return d, fe, false, s.renderStatus(c, fiber.StatusNotFound, "apply/draft_gone", p)
	case err != nil:
		return d, fe, false, err
	case fe.edition.DraftExpired(s.now()):
		p := s.newPage(c, L.T("draft_expired_title"), "editions", fe.edition)
		return d, fe, false, s.renderStatus(c, fiber.StatusGone, "apply/draft_expired", p)
	}
	return d, fe, true, nil
}

// showDraft shows a draft's form as it was saved, its files as received; sending it applies.
func (s *Server) showDraft(c *fiber.Ctx) error {
	d, fe, ok, err := s.draftOf(c)
	if !ok {
		return err
	}
	f := applyForm{}
	if err := json.Unmarshal(d.Form, &f); err != nil {
		return err
	}
	if f.Consents == nil {
		f.Consents = map[school.ConsentKind]bool{}
	}
	if f.Answers == nil {
		f.Answers = map[int64][]string{}
	}
	c.Locals(localsDraftLink, c.Params("token"))
	L := s.i18n.Translator(langOf(c))
	c.Locals(localsDraftNotice, L.T("draft_resumed", "When", L.Moment(d.UpdatedAt), "Deadline", L.Moment(fe.edition.ClosesAt)))
	return s.renderApplyForm(c, fiber.StatusOK, fe.edition, fe.questions, f, formErrors{}, s.withDraftFiles(nil, d),
		s.signTime(s.now()), false)
}

// submitDraft sends a draft's form as an application, as the edition's form does: the same
// checks, the one receipt; the draft's files not replaced go with it. The draft is deleted then,
// files and all, and also when its address had applied already (that application stays).
func (s *Server) submitDraft(c *fiber.Ctx) error {
	// A saved form stored already and sent again finds no draft: the draft went with it.
	key := formSubmissionKey(c)
	if slug, sent, err := s.store.EditionSentWithKey(c.UserContext(), key); err != nil {
		return err
	} else if sent {
		return c.Redirect("/editions/"+slug+"/apply/sent", fiber.StatusSeeOther)
	}
	d, fe, ok, err := s.draftOf(c)
	if !ok {
		return err
	}
	ctx, now := c.UserContext(), s.now()
	e, questions := fe.edition, fe.questions
	L := s.i18n.Translator(langOf(c))
	c.Locals(localsDraftLink, c.Params("token"))
	if c.FormValue("website") != "" {
		return badRequest(L.T("error_honeypot"))
	}
	if !e.AcceptsSubmission(s.signedTime(c.FormValue("opened_at")), now) {
		return s.renderWindowClosed(c, e, L)
	}
	var errs formErrors
	f := parseApplyForm(c, questions, &errs)
	s.validateApplyForm(&f, e, questions, now, L, &errs)
	formReferees(c, fe, &f, L, &errs)
	have := map[string]bool{}
	for _, df := range d.Files {
		have[df.Field] = true
	}
	received := s.collectFiles(c, e, questions, 0, L, &errs, have)
	if !errs.empty() {
		if err := s.keepFiles(ctx, received); err != nil {
			return err
		}
		return s.renderApplyForm(c, fiber.StatusUnprocessableEntity, e, questions, f, errs, s.withDraftFiles(received, d),
			c.FormValue("opened_at"), false)
	}
	// The draft's files go with the application as copies: the draft's own go with the draft.
	sent := maps.Clone(received)
	for _, df := range d.Files {
		if _, ok := received[df.Field]; ok {
			continue
		}
		rf := receivedFile{Upload: db.Upload{OriginalName: df.OriginalName, ContentType: df.ContentType,
			Size: df.Size, SHA256: df.SHA256, SentFrom: sentFrom(c)}}
		if rf.Data, err = s.store.FileData(ctx, df.StoredName); err != nil {
			return err
		}
		if rf.Upload.StoredName, err = files.RandomName(); err != nil {
			return err
		}
		if rf.Upload.ClaimKey, err = randomHex(24); err != nil {
			return err
		}
		sent[df.Field] = rf
	}
	if err := s.storeApplication(c, fe, f, key, sent, L.Lang, now); errors.Is(err, errNotStored) {
		return s.renderNotStored(c, e, questions, f, received, s.withDraftFiles(nil, d))
	} else if err != nil {
		return err
	}
	if err := s.store.DeleteDraft(ctx, d.ID); err != nil {
		return err
	}
	s.outbox.Wake()
	return c.Redirect("/editions/"+e.Slug+"/apply/sent", fiber.StatusSeeOther)
}
