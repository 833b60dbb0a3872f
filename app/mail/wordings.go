package mail

import (
	"bytes"
	"context"
	"fmt"
	"html"
	htmltemplate "html/template"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"registrar/app/i18n"
	"registrar/db"
)

// Placeholders are what an organiser's text about an application may contain, in single
// braces: {given_name}. The text is plain text; it is never run as a template.
var Placeholders = []string{"given_name", "family_name", "reference", "edition", "dates", "city",
	"deadline", "offer_deadline", "waitlist_rank", "status_link"}

// RefereePlaceholders are what a referee's email may contain: who asks, for which edition and
// until when, and the referee's own link; nothing else of the application, and never the
// applicant's status link.
var RefereePlaceholders = []string{"referee_name", "applicant_name", "edition", "dates", "city",
	"reference_deadline", "referee_link"}

// PlaceholdersOf are the placeholders the wording of email name may contain.
func PlaceholdersOf(name string) []string {
	switch name {
	case RefereeRequest, RefereeReminder:
		return RefereePlaceholders
	case FollowUpReminder:
		return append(slices.Clip(Placeholders), "follow_up_deadline")
	}
	return Placeholders
}

// RequiredLink is the placeholder of the secret link email name is sent to carry, which its
// wording must keep, or "" for an email that is read without one: the link is the only way to
// the status page (or to the referee's page), and a wording without it strands its reader.
func RequiredLink(name string) string {
	switch name {
	case RefereeRequest, RefereeReminder:
		return "referee_link"
	case ApplicationReceived, StatusLink, AlreadyApplied, DecisionAccepted, OfferReminder, CertificateReady,
		FollowUpReminder, VisaLetterCorrected:
		return "status_link"
	}
	return ""
}

// Limits of an organiser's text.
const (
	SubjectMax = 200
	BodyMax    = 20000
)

// customEmailLayout is the email layout around a body already turned into HTML.
func customEmailLayout(layout *htmltemplate.Template) (*htmltemplate.Template, error) {
	t, err := layout.Clone()
	if err != nil {
		return nil, err
	}
	if _, err := t.Parse(`{{define "body"}}{{.Body}}{{end}}`); err != nil {
		return nil, fmt.Errorf("render: custom email layout: %w", err)
	}
	return t, nil
}

// Wordings loads an edition's own wordings of its emails, by "lang/name".
func (m *Emails) Wordings(ctx context.Context, editionID int64) (map[string]db.EmailTemplate, error) {
	list, err := m.store.EmailTemplates(ctx, editionID)
	if err != nil || len(list) == 0 {
		return nil, err
	}
	byKey := make(map[string]db.EmailTemplate, len(list))
	for _, t := range list {
		byKey[t.Lang+"/"+t.Name] = t
	}
	return byKey, nil
}

// renderWith renders the edition's own wording of the email when it has one, the default
// otherwise.
func (et *emailTemplates) renderWith(custom map[string]db.EmailTemplate, name string, data emailData) (db.Email, error) {
	if t, ok := custom[data.L.Lang+"/"+name]; ok {
		body := t.Body
		if name == PlaceConfirmed {
			// Whatever the organisers' wording says, the participant learns how to pay and
			// where the visa letter is.
			if extra := afterConfirming(data, "{status_link}"); extra != "" {
				body = NormaliseText(body) + "\n\n" + extra
			}
		}
		return et.renderCustom(name, t.Subject, body, data)
	}
	return et.render(name, data)
}

// placeholderValues are the placeholders' values for one email about an application, as
// strings.NewReplacer pairs.
func placeholderValues(name string, d emailData) []string {
	L, e, a := d.L, d.Edition, d.Application
	rank := ""
	if a.WaitlistRank > 0 {
		rank = strconv.Itoa(a.WaitlistRank)
	}
	followUps := ""
	if !d.FollowUpDeadline.IsZero() {
		followUps = L.Moment(d.FollowUpDeadline)
	}
	return replacements(PlaceholdersOf(name), map[string]string{
		"given_name":         a.GivenName,
		"family_name":        a.FamilyName,
		"reference":          a.Reference,
		"edition":            e.Title(L.Lang),
		"dates":              L.DateRange(e.StartsOn, e.EndsOn),
		"city":               e.CityIn(L.Lang),
		"deadline":           L.Moment(e.ClosesAt),
		"offer_deadline":     L.Moment(a.OfferExpiresAt),
		"waitlist_rank":      rank,
		"status_link":        d.StatusURL,
		"follow_up_deadline": followUps,
	})
}

// refereeValues are the placeholders' values for one email to a referee.
func refereeValues(d refereeEmailData) []string {
	L, e := d.L, d.Edition
	return replacements(RefereePlaceholders, map[string]string{
		"referee_name":       d.Referee.Name,
		"applicant_name":     d.Applicant,
		"edition":            e.Title(L.Lang),
		"dates":              L.DateRange(e.StartsOn, e.EndsOn),
		"city":               e.CityIn(L.Lang),
		"reference_deadline": d.Deadline,
		"referee_link":       d.URL,
	})
}

func replacements(names []string, values map[string]string) []string {
	pairs := make([]string, 0, 2*len(names))
	for _, p := range names {
		pairs = append(pairs, "{"+p+"}", values[p])
	}
	return pairs
}

var (
	blankLines = regexp.MustCompile(`\n[ \t]*\n\s*`)
	// placeholderUse is anything in single braces, known or not.
	placeholderUse = regexp.MustCompile(`\{[^{}\n]*\}`)
)

// NormaliseText gives an organiser's text Unix line ends and no surrounding blank space.
func NormaliseText(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n"))
}

// wording is an organiser's text with what fills it in: values, as strings.NewReplacer pairs,
// and the link placeholder shown as a link in the HTML part, with its address.
type wording struct {
	subject, body string
	values        []string
	link, url     string
}

// fill replaces the placeholders in the subject and text, and makes an HTML body of the text,
// escaped, a paragraph per blank-line-separated block, the link a link.
func (w wording) fill() (subject, text string, body htmltemplate.HTML) {
	r := strings.NewReplacer(w.values...)
	text = NormaliseText(w.body)
	var b strings.Builder
	for _, para := range blankLines.Split(text, -1) {
		b.WriteString("<p>")
		for i, piece := range strings.Split(para, "{"+w.link+"}") {
			if i > 0 {
				u := html.EscapeString(w.url)
				b.WriteString(`<a href="` + u + `">` + u + `</a>`)
			}
			b.WriteString(strings.ReplaceAll(html.EscapeString(r.Replace(piece)), "\n", "<br>\n"))
		}
		b.WriteString("</p>\n")
	}
	// A subject never carries a secret link (CheckSubject): staff see it whole, the outbox keeps
	// it, and one saved before the rule loses the link there; the text still has it.
	subject = strings.ReplaceAll(w.subject, "{"+w.link+"}", "")
	return strings.Join(strings.Fields(r.Replace(subject)), " "), strings.TrimSpace(r.Replace(text)),
		htmltemplate.HTML(b.String()) // #nosec G203 -- built from escaped text above
}

// inLayout puts an organiser's body, made HTML by fill, inside the email layout; page holds it
// as Body beside what the layout reads (L, School, Contact).
func (et *emailTemplates) inLayout(lang, name string, page any) (string, error) {
	var out bytes.Buffer
	if err := et.custom.ExecuteTemplate(&out, "layout", page); err != nil {
		return "", fmt.Errorf("render email %s/%s (customised): %w", lang, name, err)
	}
	return out.String(), nil
}

// renderCustom renders an organiser's text of an email about an application, the status link
// a link in the HTML part.
func (et *emailTemplates) renderCustom(name, subject, body string, data emailData) (db.Email, error) {
	subject, text, htmlBody := wording{subject: subject, body: body, values: placeholderValues(name, data),
		link: "status_link", url: data.StatusURL}.fill()
	out, err := et.inLayout(data.L.Lang, name, struct {
		emailData
		Body htmltemplate.HTML
	}{data, htmlBody})
	if err != nil {
		return db.Email{}, err
	}
	return db.Email{To: data.Application.Email, Lang: data.L.Lang, Subject: subject,
		Text: text + contactLine(data), HTML: out, Template: name}, nil
}

// CheckPlaceholders says what is wrong with the placeholders of an organiser's text of email
// name, in L's language, or "" when every one is known.
func CheckPlaceholders(L *i18n.Translator, name, text string) string {
	known := PlaceholdersOf(name)
	var unknown []string
	for _, p := range placeholderUse.FindAllString(text, -1) {
		if !slices.Contains(known, p[1:len(p)-1]) && !slices.Contains(unknown, p) {
			unknown = append(unknown, p)
		}
	}
	if len(unknown) > 0 {
		return L.T("email_unknown_placeholder", "Names", strings.Join(unknown, ", "))
	}
	if strings.Contains(text, "{{") || strings.Contains(text, "}}") {
		return L.T("email_single_braces")
	}
	return ""
}

// CheckLink says, in L's language, that the text of email name lacks the link it is sent to
// carry (RequiredLink), or "" when it has it.
func CheckLink(L *i18n.Translator, name, text string) string {
	if link := RequiredLink(name); link != "" && !strings.Contains(text, "{"+link+"}") {
		return L.T("email_link_required", "Placeholder", "{"+link+"}")
	}
	return ""
}

// secretLinks are the placeholders of links that open a person's page to whoever holds them.
var secretLinks = []string{"status_link", "referee_link"}

// CheckSubject says, in L's language, that a subject holds a secret link, or "" when it holds
// none: staff see an email's subject whole (only the bodies have the secret withheld), and a
// mailbox shows subjects to whoever glances at it.
func CheckSubject(L *i18n.Translator, subject string) string {
	for _, link := range secretLinks {
		if strings.Contains(subject, "{"+link+"}") {
			return L.T("email_link_in_subject", "Placeholder", "{"+link+"}")
		}
	}
	return ""
}
