package mail

import (
	"context"
	htmltemplate "html/template"

	"registrar/app/i18n"
	"registrar/app/school"
	"registrar/db"
)

// RefereeRequest asks a referee for a reference through their own secret link; with Reminder
// set it reminds them, once, before the deadline (app/jobs). It goes in the applicant's language.
// Organisers may reword the request and the reminder apart (RefereeReminder names the reminder's
// wording; its default is the request's template with Reminder set), with RefereePlaceholders
// only: a stranger learns who asks, for what, and until when.
const (
	RefereeRequest  = "referee_request"
	RefereeReminder = "referee_reminder"
)

// refereeEmailData is what the referee's email receives; the layout needs L, School and Contact.
type refereeEmailData struct {
	L         *i18n.Translator
	School    string
	Contact   string
	Edition   school.Edition
	Applicant string
	Referee   school.Referee
	Reminder  bool
	URL       string // the referee's page, in the email's language
	OtherURL  string // the same page in the other language
	Deadline  string // the last minute, in Prague time
	Questions []string
	Letter    bool // the page takes a letter (always) besides the questions
}

// RefereeRenderer returns what renders, inside the store's transaction, the requests and
// reminders to the referees of application a, in the edition's own wording when it has one;
// each carries a new secret link whose hash the store keeps. WithWordings and WithNotice give
// what is loaded already.
func (m *Emails) RefereeRenderer(ctx context.Context, e school.Edition, a school.Application,
	refs school.References, opts ...Option) (db.RefereeRenderer, error) {
	var p renderPlan
	for _, o := range opts {
		o(&p)
	}
	var err error
	if !p.wordings {
		if p.w, err = m.Wordings(ctx, e.ID); err != nil {
			return nil, err
		}
	}
	if !p.notice {
		if p.n, err = m.store.PrivacyNotice(ctx, e.ID); err != nil {
			return nil, err
		}
	}
	contact := m.Contact(p.n)
	return func(r school.Referee, reminder bool) (db.Email, error) {
		token, hash, err := NewStatusToken()
		if err != nil {
			return db.Email{}, err
		}
		lang := r.Lang
		if !i18n.Supported(lang) {
			lang = a.Lang
		}
		L := m.i18n.Translator(lang)
		other := "en"
		if lang == "en" {
			other = "cs"
		}
		url := m.baseURL + "/referee/" + token
		data := refereeEmailData{L: L, School: L.T("site_name"), Contact: contact, Edition: e,
			Applicant: a.Name(), Referee: r, Reminder: reminder, URL: url + "?lang=" + lang,
			OtherURL: url + "?lang=" + other, Deadline: L.Moment(refs.DeadlineFor(e)),
			Questions: refs.Questions(lang), Letter: true}
		msg, err := m.templates.renderReferee(p.w, data)
		msg.To, msg.LinkHash, msg.StatusToken = r.Email, hash, token
		return msg, err
	}, nil
}

// renderReferee renders the request, or the reminder, in the edition's own wording when it has
// one, the default otherwise.
func (et *emailTemplates) renderReferee(custom map[string]db.EmailTemplate, data refereeEmailData) (db.Email, error) {
	footer := "\n\n-- \n" + data.L.T("email_contact", "Contact", data.Contact) + "\n"
	name := RefereeRequest
	if data.Reminder {
		name = RefereeReminder
	}
	if t, ok := custom[data.L.Lang+"/"+name]; ok {
		subject, text, body := wording{subject: t.Subject, body: t.Body, values: refereeValues(data),
			link: "referee_link", url: data.URL}.fill()
		out, err := et.inLayout(data.L.Lang, name, struct {
			refereeEmailData
			Body htmltemplate.HTML
		}{data, body})
		if err != nil {
			return db.Email{}, err
		}
		return db.Email{Lang: data.L.Lang, Subject: subject, Text: text + footer, HTML: out, Template: RefereeRequest}, nil
	}
	subject, text, html, err := et.execute(data.L.Lang, RefereeRequest, data)
	if err != nil {
		return db.Email{}, err
	}
	return db.Email{Lang: data.L.Lang, Subject: subject, Text: text + footer, HTML: html, Template: RefereeRequest}, nil
}
