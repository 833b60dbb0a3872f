package mail

import (
	"registrar/app/school"
	"registrar/db"
)

// DraftSaved is the email with the link that resumes a form saved with "Save and continue
// later" (app/apply_draft.go). It keeps its default wording: it goes before there is any
// application, to an address nobody has confirmed, and says only what the school says of every
// draft (the link, and that the draft is not an application and expires with the window), so
// an organiser has nothing of theirs to say in it.
const DraftSaved = "draft_saved"

// DraftEmail renders the email to address, in lang, with the link whose secret is token that
// resumes a saved form of e. The secret goes apart too (StatusToken), so that the outbox
// withholds it from staff as it withholds status links.
func (m *Emails) DraftEmail(e school.Edition, notice school.PrivacyNotice, address, lang, token string) (db.Email, error) {
	L := m.i18n.Translator(lang)
	data := emailData{L: L, Edition: e, Application: school.Application{Email: address, Lang: lang},
		School: L.T("site_name"), Contact: m.Contact(notice), DraftURL: m.draftURL(token, lang)}
	msg, err := m.templates.render(DraftSaved, data)
	msg.StatusToken = token
	return msg, err
}

// draftURL is the link that resumes a saved form, opening it in the language it was saved in.
func (m *Emails) draftURL(token, lang string) string {
	return m.baseURL + "/drafts/" + token + "?lang=" + lang
}
