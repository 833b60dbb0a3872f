package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"registrar/app/i18n"
	"registrar/app/mail"
	"registrar/app/payment"
	"registrar/app/school"
	"registrar/db"
)

// The status page is opened by the secret link emailed to the applicant: whoever holds the
// link is the applicant, and nobody else can find it (only its hash is stored).

type statusPage struct {
	Edition     school.Edition
	Application school.Application
	Summary     []mail.SummaryLine
	Consents    []mail.SummaryLine // the consents recorded, each given or not, with its time
	History     []historyLine
	Base        string // /status/<token>
	CanEdit     bool
	CSRF        string
	Files       []fileLink
	Documents   []fileLink // for participants, once the applicant holds a place
	Notice      string
	OfferOpen   bool            // an offer waits for the applicant's answer
	Letters     []fileLink      // visa letter, certificate
	Payment     *paymentView    // how to pay the fee, once the place is confirmed
	FeeWaived   bool            // a confirmed place whose fee organisers waived
	Referees    *statusReferees // the references asked for, received or not (status_referees.go)
	// Begun: the school has begun, so a seat that frees is offered to nobody on the waiting list.
	Begun bool

	// FollowUps are the follow-up questions, once the applicant holds a place.
	FollowUps *followUpForm
}

// paymentView is how to pay the fee as the status page shows it: the details to type, and the
// same payment as QR codes for a banking app.
type paymentView struct {
	Amount, Due, Holder, IBAN, BIC, VariableSymbol, Message string
	Codes                                                   []qrCode
}

type qrCode struct {
	Alt, Caption string
	URI          template.URL // a data: URI made here, not a visitor's text
	Size         int
}

// paymentOf is how applicant a pays e's fee, or nil when they pay nothing now.
func paymentOf(e school.Edition, a school.Application, L *i18n.Translator) (*paymentView, error) {
	p, ok := e.PaymentFor(a)
	if !ok {
		return nil, nil
	}
	v := &paymentView{Amount: L.Money(p.AmountCents, p.Currency), Holder: p.Holder, IBAN: school.GroupIBAN(p.IBAN),
		BIC: p.BIC, VariableSymbol: p.VariableSymbol, Message: p.Message}
	if !p.DueOn.IsZero() {
		v.Due = L.Date(p.DueOn)
	}
	payloads := []struct{ kind, payload string }{{"spayd", p.SPAYD()}}
	if epc, ok := p.EPC(); ok {
		payloads = append(payloads, struct{ kind, payload string }{"epc", epc})
	}
	for _, pl := range payloads {
		uri, size, err := payment.QRDataURI(pl.payload)
		if err != nil {
			return nil, err
		}
		v.Codes = append(v.Codes, qrCode{Alt: L.T("payment_qr_alt_" + pl.kind), Caption: L.T("payment_qr_" + pl.kind),
			URI: template.URL(uri), Size: size}) // #nosec G203 -- a PNG encoded here
	}
	return v, nil
}

type historyLine struct {
	At   string
	Text string
}

type fileLink struct {
	Label string
	Name  string
	URL   string
	Make  bool // not made yet: a form posted to URL makes it
}

// errUnknownLink is a status link that opens no application: mistyped, cut short, or of an
// application since erased. Its page offers a new link instead of the archive.
var errUnknownLink = fmt.Errorf("%w: status link", db.ErrNotFound)

// applicantApplication finds the application of the status link in the request.
func (s *Server) applicantApplication(c *fiber.Ctx) (school.Application, school.Edition, []school.Question, error) {
	ctx := c.UserContext()
	token := c.Params("token")
	if len(token) < 40 || len(token) > 64 {
		return school.Application{}, school.Edition{}, nil, errUnknownLink
	}
	a, err := s.store.ApplicationByToken(ctx, mail.HashToken(token))
	if errors.Is(err, db.ErrNotFound) {
		return a, school.Edition{}, nil, errUnknownLink
	}
	if err != nil {
		return a, school.Edition{}, nil, err
	}
	e, err := s.store.EditionByID(ctx, a.EditionID)
	if err != nil {
		return a, e, nil, err
	}
	questions, err := s.store.Questions(ctx, e.ID)
	return a, e, questions, err
}

func (s *Server) showStatus(c *fiber.Ctx) error {
	a, e, questions, err := s.applicantApplication(c)
	if err != nil {
		return err
	}
	L := s.i18n.Translator(langOf(c))
	history, err := s.store.ApplicationHistory(c.UserContext(), a.ID)
	if err != nil {
		return err
	}
	base := "/status/" + c.Params("token")
	data := statusPage{Edition: e, Application: a, Summary: s.emails.Summary(a, e, questions, L),
		Base: base, CSRF: csrfToken(c),
		CanEdit: !applyDeadlinePassed(e, s.now()) && a.Status == school.StatusSubmitted,
		Begun:   e.HasBegun(s.now())}
	switch c.Query("done") {
	case "edited":
		data.Notice = L.T("status_notice_edited")
	case "erasure":
		data.Notice = L.T("status_notice_erasure")
	case "withdrawn":
		data.Notice = L.T("status_notice_withdrawn")
	case "confirmed":
		data.Notice = L.T("status_notice_confirmed")
	case "declined":
		data.Notice = L.T("status_notice_declined")
	case "referee", "referee_again", "referee_corrected", "referee_unchanged":
		data.Notice = L.T("status_notice_" + c.Query("done"))
	}
	data.OfferOpen = a.Status == school.StatusAccepted && !school.OfferLapsed(a.OfferExpiresAt, s.now())
	data.Consents = consentLines(a.Consents, L)
	if data.Payment, err = paymentOf(e, a, L); err != nil {
		return err
	}
	data.FeeWaived = a.Status == school.StatusConfirmed && a.FeeWaiverGranted && e.HasFee()
	if data.Letters, err = s.documentLinks(c.UserContext(), L, a, base, true); err != nil {
		return err
	}
	if data.FollowUps, err = s.statusFollowUps(c, e, a, base); err != nil {
		return err
	}
	for _, h := range history {
		text := L.T("history_" + h.Action)
		if h.Action == "status" || h.Action == "submit" {
			text = L.T("status_" + h.To)
		}
		data.History = append(data.History, historyLine{At: L.Moment(h.At), Text: text})
	}
	if a.CVUploadID != 0 {
		data.Files = append(data.Files, fileLink{Label: L.T("field_cv"), Name: a.CVFileName,
			URL: base + "/files/" + strconv.FormatInt(a.CVUploadID, 10)})
	}
	for _, q := range questions {
		for _, ans := range a.Answers {
			if ans.QuestionID == q.ID && ans.UploadID != 0 {
				data.Files = append(data.Files, fileLink{Label: q.Label(L.Lang), Name: ans.FileName,
					URL: base + "/files/" + strconv.FormatInt(ans.UploadID, 10)})
			}
		}
	}
	if data.Documents, err = s.participantDocuments(c, a, base, L); err != nil {
		return err
	}
	if data.Referees, err = s.refereesBlock(c, e, a, base, L); err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	p := s.newPage(c, L.T("status_title", "Reference", a.Reference), "", data)
	if p.Contact, err = s.editionContact(c.UserContext(), e.ID); err != nil {
		return err
	}
	return s.renderPage(c, "status/show", p)
}

// consentLines lists the consents recorded with an application, in the form's order: each one's
// wording, and whether and when it was given.
func consentLines(consents []school.Consent, L *i18n.Translator) []mail.SummaryLine {
	var lines []mail.SummaryLine
	for _, kind := range school.ConsentKinds {
		for _, c := range consents {
			if c.Kind != kind {
				continue
			}
			value := L.T("consent_not_given")
			if c.Granted {
				value = L.T("consent_given", "When", L.Moment(c.At))
			}
			lines = append(lines, mail.SummaryLine{Label: L.T("field_consent_" + string(kind)), Value: value})
		}
	}
	return lines
}

// downloadApplicantFile serves the applicant's own CV or file answer, and nothing else.
func (s *Server) downloadApplicantFile(c *fiber.Ctx) error {
	a, _, _, err := s.applicantApplication(c)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return db.ErrNotFound
	}
	up, err := s.store.ApplicationUpload(c.UserContext(), a.ID, id)
	if err != nil {
		return err
	}
	return s.sendUpload(c, up, false)
}

func (s *Server) showEditForm(c *fiber.Ctx) error {
	a, e, questions, err := s.applicantApplication(c)
	if err != nil {
		return err
	}
	if applyDeadlinePassed(e, s.now()) || a.Status != school.StatusSubmitted {
		return c.Redirect("/status/"+c.Params("token"), fiber.StatusSeeOther)
	}
	return s.renderApplyForm(c, fiber.StatusOK, e, questions, formFromApplication(a), formErrors{},
		s.keptFiles(a), s.signTime(s.now()), true)
}

// keptFiles are the files an application already has, shown on its edit form.
func (s *Server) keptFiles(a school.Application) map[string]receivedFile {
	files := map[string]receivedFile{}
	if a.CVUploadID != 0 {
		files["cv"] = receivedFile{Upload: db.Upload{ID: a.CVUploadID, OriginalName: a.CVFileName}}
	}
	for _, ans := range a.Answers {
		if ans.UploadID != 0 {
			files[questionField(ans.QuestionID)] = receivedFile{Upload: db.Upload{ID: ans.UploadID, OriginalName: ans.FileName}}
		}
	}
	return files
}

func (s *Server) saveEdit(c *fiber.Ctx) error {
	a, e, questions, err := s.applicantApplication(c)
	if err != nil {
		return err
	}
	now := s.now()
	L := s.i18n.Translator(langOf(c))
	if a.Status != school.StatusSubmitted || !e.AcceptsSubmission(s.signedTime(c.FormValue("opened_at")), now) {
		return s.renderWindowClosed(c, e, L)
	}
	var errs formErrors
	f := parseApplyForm(c, questions, &errs)
	f.Email = a.Email // the address identifies the application; it is not edited here
	f.Consents = map[school.ConsentKind]bool{school.ConsentProcessing: true}
	s.validateApplyForm(&f, e, questions, now, L, &errs)
	kept := s.keptFiles(a)
	have := map[string]bool{}
	for name := range kept {
		have[name] = true
	}
	files := s.collectFiles(c, e, questions, a.ID, L, &errs, have)
	if err := s.keepFiles(c.UserContext(), files); err != nil {
		return err
	}
	for name, rf := range kept {
		if _, ok := files[name]; !ok {
			files[name] = rf
		}
	}
	if !errs.empty() {
		return s.renderApplyForm(c, fiber.StatusUnprocessableEntity, e, questions, f, errs, files, c.FormValue("opened_at"), true)
	}
	edited := f.application(e, questions, a.Lang, now)
	edited.ID, edited.Email = a.ID, a.Email
	edited.PassportName = a.PassportName // typed on the form before the follow-up questions asked it
	attachFiles(&edited, questions, files)
	if err := s.store.UpdateApplication(c.UserContext(), edited, now); err != nil {
		return err
	}
	return c.Redirect("/status/"+c.Params("token")+"?done=edited", fiber.StatusSeeOther)
}

func (s *Server) showWithdraw(c *fiber.Ctx) error {
	a, e, _, err := s.applicantApplication(c)
	if err != nil {
		return err
	}
	L := s.i18n.Translator(langOf(c))
	data := statusPage{Edition: e, Application: a, Base: "/status/" + c.Params("token"), CSRF: csrfToken(c),
		Begun: e.HasBegun(s.now())}
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	p := s.newPage(c, L.T("withdraw_title"), "", data)
	if p.Contact, err = s.editionContact(c.UserContext(), e.ID); err != nil {
		return err
	}
	return s.renderPage(c, "status/withdraw", p)
}

func (s *Server) withdraw(c *fiber.Ctx) error {
	a, e, questions, err := s.applicantApplication(c)
	if err != nil {
		return err
	}
	render, err := s.emails.Renderer(c.UserContext(), e, mail.WithQuestions(questions))
	if err != nil {
		return err
	}
	_, err = s.store.TransitionApplication(c.UserContext(), a.ID, school.StatusWithdrawn, db.ActorApplicant,
		s.now(), render)
	if errors.Is(err, school.ErrTransition) {
		return badRequest(s.i18n.Translator(langOf(c)).T("withdraw_not_possible"))
	}
	if err != nil {
		return err
	}
	s.outbox.Wake()
	return c.Redirect("/status/"+c.Params("token")+"?done=withdrawn", fiber.StatusSeeOther)
}

// exportData gives the applicant everything stored about their application, as JSON.
func (s *Server) exportData(c *fiber.Ctx) error {
	a, e, _, err := s.applicantApplication(c)
	if err != nil {
		return err
	}
	// Every answer, those to retired questions too: the export holds all that is stored.
	questions, _, err := s.store.AllQuestions(c.UserContext(), e.ID)
	if err != nil {
		return err
	}
	history, err := s.store.ApplicationHistory(c.UserContext(), a.ID)
	if err != nil {
		return err
	}
	referees, err := s.refereesExport(c, a)
	if err != nil {
		return err
	}
	answers := map[string]string{}
	for _, q := range questions {
		for _, ans := range a.Answers {
			if ans.QuestionID == q.ID {
				answers[q.LabelEN] = ans.Value
			}
		}
	}
	followUps, err := s.followUpExport(c.UserContext(), a)
	if err != nil {
		return err
	}
	export := struct {
		Edition     string             `json:"edition"`
		Application school.Application `json:"application"`
		Answers     map[string]string  `json:"answers"`
		FollowUps   map[string]string  `json:"follow_up_answers"`
		History     []db.AuditEntry    `json:"history"`
		Referees    []refereeExport    `json:"referees,omitempty"`
	}{e.TitleEN, a, answers, followUps, history, referees}
	body, err := json.MarshalIndent(export, "", "  ")
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	fileHeaders(c, fiber.MIMEApplicationJSONCharsetUTF8, strings.ToLower(a.Reference)+".json", false)
	return c.Send(body)
}

func (s *Server) requestErasure(c *fiber.Ctx) error {
	a, _, _, err := s.applicantApplication(c)
	if err != nil {
		return err
	}
	if err := s.store.RequestErasure(c.UserContext(), a.ID, s.now()); err != nil {
		return err
	}
	return c.Redirect("/status/"+c.Params("token")+"?done=erasure", fiber.StatusSeeOther)
}

type lostPage struct {
	CSRF  string
	Email string
	Error string
	Sent  bool
}

func (s *Server) showLostLink(c *fiber.Ctx) error {
	L := s.i18n.Translator(langOf(c))
	return s.renderPage(c, "status/lost", s.newPage(c, L.T("lost_title"), "", lostPage{CSRF: csrfToken(c)}))
}

// sendLostLinks emails fresh status links for every application made with the address. The page
// says the same whether or not the address applied, so it tells a stranger nothing.
func (s *Server) sendLostLinks(c *fiber.Ctx) error {
	L := s.i18n.Translator(langOf(c))
	email := strings.TrimSpace(c.FormValue("email"))
	if err := s.validate.Var(email, "required,email,max=254"); err != nil {
		data := lostPage{CSRF: csrfToken(c), Email: email, Error: L.T("validation_email")}
		return s.renderStatus(c, fiber.StatusUnprocessableEntity, "status/lost", s.newPage(c, L.T("lost_title"), "", data))
	}
	apps, err := s.store.ApplicationsByEmail(c.UserContext(), email)
	if err != nil {
		return err
	}
	for _, a := range apps {
		e, err := s.store.EditionByID(c.UserContext(), a.EditionID)
		if err != nil {
			return err
		}
		questions, err := s.store.Questions(c.UserContext(), e.ID)
		if err != nil {
			return err
		}
		if err := s.resendStatusLink(c, e, questions, a); err != nil {
			return err
		}
	}
	return s.renderPage(c, "status/lost", s.newPage(c, L.T("lost_title"), "", lostPage{Sent: true, Email: email}))
}

// showDecline asks once more before the place is declined: declining cannot be undone.
func (s *Server) showDecline(c *fiber.Ctx) error {
	a, e, _, err := s.applicantApplication(c)
	if err != nil {
		return err
	}
	L := s.i18n.Translator(langOf(c))
	data := statusPage{Edition: e, Application: a, Base: "/status/" + c.Params("token"), CSRF: csrfToken(c),
		OfferOpen: a.Status == school.StatusAccepted && !school.OfferLapsed(a.OfferExpiresAt, s.now()),
		Begun:     e.HasBegun(s.now())}
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	p := s.newPage(c, L.T("decline_title"), "", data)
	if p.Contact, err = s.editionContact(c.UserContext(), e.ID); err != nil {
		return err
	}
	return s.renderPage(c, "status/decline", p)
}

// answerOffer confirms or declines the place offered, before the offer lapses.
func (s *Server) answerOffer(to school.Status) fiber.Handler {
	return func(c *fiber.Ctx) error {
		a, e, questions, err := s.applicantApplication(c)
		if err != nil {
			return err
		}
		L := s.i18n.Translator(langOf(c))
		if a.Status != school.StatusAccepted || school.OfferLapsed(a.OfferExpiresAt, s.now()) {
			return badRequest(L.T("offer_not_open"))
		}
		render, err := s.emails.Renderer(c.UserContext(), e, mail.WithQuestions(questions))
		if err != nil {
			return err
		}
		_, err = s.store.TransitionApplication(c.UserContext(), a.ID, to, db.ActorApplicant, s.now(), render)
		if errors.Is(err, school.ErrTransition) {
			return badRequest(L.T("offer_not_open"))
		}
		if err != nil {
			return err
		}
		s.outbox.Wake()
		return c.Redirect("/status/"+c.Params("token")+"?done="+string(to), fiber.StatusSeeOther)
	}
}
