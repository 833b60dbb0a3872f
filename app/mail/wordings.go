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

// Placeholders are what an organiser's text may contain, in single braces: {given_name}.
// The text is plain text; it is never run as a template.
var Placeholders = []string{"given_name", "family_name", "reference", "edition", "dates", "city",
	"deadline", "offer_deadline", "waitlist_rank", "status_link"}

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

// placeholderValues are the placeholders' values for one email, as strings.NewReplacer pairs.
func placeholderValues(d emailData) []string {
	L, e, a := d.L, d.Edition, d.Application
	rank := ""
	if a.WaitlistRank > 0 {
		rank = strconv.Itoa(a.WaitlistRank)
	}
	values := map[string]string{
		"given_name":     a.GivenName,
		"family_name":    a.FamilyName,
		"reference":      a.Reference,
		"edition":        e.Title(L.Lang),
		"dates":          L.DateRange(e.StartsOn, e.EndsOn),
		"city":           e.CityIn(L.Lang),
		"deadline":       L.Moment(e.ClosesAt),
		"offer_deadline": L.Moment(a.OfferExpiresAt),
		"waitlist_rank":  rank,
		"status_link":    d.StatusURL,
	}
	pairs := make([]string, 0, 2*len(Placeholders))
	for _, p := range Placeholders {
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

// renderCustom renders an organiser's text: the placeholders replaced in the subject and text,
// and an HTML part made of the text, escaped, a paragraph per blank-line-separated block, the
// status link a link, inside the email layout.
func (et *emailTemplates) renderCustom(name, subject, body string, data emailData) (db.Email, error) {
	r := strings.NewReplacer(placeholderValues(data)...)
	body = NormaliseText(body)
	var b strings.Builder
	for _, para := range blankLines.Split(body, -1) {
		b.WriteString("<p>")
		for i, piece := range strings.Split(para, "{status_link}") {
			if i > 0 {
				u := html.EscapeString(data.StatusURL)
				b.WriteString(`<a href="` + u + `">` + u + `</a>`)
			}
			b.WriteString(strings.ReplaceAll(html.EscapeString(r.Replace(piece)), "\n", "<br>\n"))
		}
		b.WriteString("</p>\n")
	}
	var out bytes.Buffer
	page := struct {
		emailData
		Body htmltemplate.HTML
	}{data, htmltemplate.HTML(b.String())} // #nosec G203 -- built from escaped text above
	if err := et.custom.ExecuteTemplate(&out, "layout", page); err != nil {
		return db.Email{}, fmt.Errorf("render email %s/%s (customised): %w", data.L.Lang, name, err)
	}
	return db.Email{To: data.Application.Email, Lang: data.L.Lang,
		Subject: strings.Join(strings.Fields(r.Replace(subject)), " "),
		Text:    strings.TrimSpace(r.Replace(body)) + contactLine(data), HTML: out.String(), Template: name}, nil
}

// CheckPlaceholders says what is wrong with the placeholders of an organiser's text, in L's
// language, or "" when every one is known.
func CheckPlaceholders(L *i18n.Translator, text string) string {
	var unknown []string
	for _, p := range placeholderUse.FindAllString(text, -1) {
		if !slices.Contains(Placeholders, p[1:len(p)-1]) && !slices.Contains(unknown, p) {
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
