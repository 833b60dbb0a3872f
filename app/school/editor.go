package school

import (
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Problem is a rule an edition breaks: the form field it concerns and the message id that
// explains it.
type Problem struct {
	Field   string
	Message string
}

// Problems lists the rules an edition as the editor saves it breaks, beyond each field's own
// format: the order of dates, the application window, seats and the settings' ranges. A
// published or archived edition must stay publishable.
func (e Edition) Problems() []Problem {
	var ps []Problem
	add := func(field, message string) { ps = append(ps, Problem{field, message}) }
	if !e.StartsOn.IsZero() && !e.EndsOn.IsZero() && e.EndsOn.Before(e.StartsOn) {
		add("ends_on", "edition_error_ends_before")
	}
	if e.OpensAt.IsZero() != e.ClosesAt.IsZero() {
		if e.OpensAt.IsZero() {
			add("opens_on", "edition_error_window_half")
		} else {
			add("closes_on", "edition_error_window_half")
		}
	} else if !e.OpensAt.IsZero() && !e.ClosesAt.After(e.OpensAt) {
		add("closes_on", "edition_error_closes_before")
	}
	if e.SeatsInPerson < 0 {
		add("seats_in_person", "edition_error_negative")
	}
	if e.SeatsOnline < 0 {
		add("seats_online", "edition_error_negative")
	}
	if e.FeeCents < 0 {
		add("fee", "edition_error_negative")
	}
	ps = append(ps, e.Payment.problems()...)
	if e.Status != EditionDraft {
		for _, p := range e.PublishProblems() {
			add(p.Field, p.Message)
		}
	}
	return ps
}

// PublishProblems lists what an edition lacks before the public may see it: its dates and a
// title in at least one language.
func (e Edition) PublishProblems() []Problem {
	var ps []Problem
	if e.StartsOn.IsZero() {
		ps = append(ps, Problem{"starts_on", "edition_error_publish_dates"})
	}
	if e.EndsOn.IsZero() {
		ps = append(ps, Problem{"ends_on", "edition_error_publish_dates"})
	}
	if strings.TrimSpace(e.TitleEN) == "" && strings.TrimSpace(e.TitleCS) == "" {
		ps = append(ps, Problem{"title_en", "edition_error_publish_title"})
	}
	return ps
}

// EditionSlug suggests the address of a series' edition in a year, "summer-school-2027".
func EditionSlug(seriesSlug string, year int) string {
	return seriesSlug + "-" + strconv.Itoa(year)
}

// Slugify turns a name into the lower-case ASCII words of an address, at most 80 characters:
// "Letní škola" gives "letni-skola".
func Slugify(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFD.String(strings.ToLower(name)) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		default:
			dash = true
		}
	}
	slug := b.String()
	if len(slug) > 80 {
		slug = strings.TrimRight(slug[:80], "-")
	}
	return slug
}
