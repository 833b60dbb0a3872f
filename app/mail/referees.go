package mail

import (
	"context"

	"registrar/app/i18n"
	"registrar/app/school"
	"registrar/db"
)

// RefereeRequest asks a referee for a reference through their own secret link; with Reminder
// set it reminds them, once, before the deadline (app/jobs). It goes in the applicant's language
// and keeps its default: it tells a stranger only who asks, for what, and until when.
const RefereeRequest = "referee_request"

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
// reminders to the referees of application a; each carries a new secret link whose hash the
// store keeps.
func (m *Emails) RefereeRenderer(ctx context.Context, e school.Edition, a school.Application,
	refs school.References) (db.RefereeRenderer, error) {
	n, err := m.store.PrivacyNotice(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	contact := m.Contact(n)
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
		msg, err := m.templates.renderReferee(data)
		msg.To, msg.LinkHash, msg.StatusToken = r.Email, hash, token
		return msg, err
	}, nil
}

func (et *emailTemplates) renderReferee(data refereeEmailData) (db.Email, error) {
	subject, text, html, err := et.execute(data.L.Lang, RefereeRequest, data)
	if err != nil {
		return db.Email{}, err
	}
	footer := "\n\n-- \n" + data.L.T("email_contact", "Contact", data.Contact) + "\n"
	return db.Email{Lang: data.L.Lang, Subject: subject, Text: text + footer, HTML: html, Template: RefereeRequest}, nil
}
