package school

import (
	"strconv"
	"strings"
	"time"
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

// NextYearSlug is the address of next year's copy of an edition: its year in the slug moves
// on by one, or the year is added when the slug has none.
func NextYearSlug(slug string, year int) string {
	this, next := strconv.Itoa(year), strconv.Itoa(year+1)
	if strings.Contains(slug, this) {
		return strings.Replace(slug, this, next, 1)
	}
	return slug + "-" + next
}

// NextYear is the edition copied a year on, as a draft: its dates and application window move
// by a year; its settings stay.
func (e Edition) NextYear() Edition {
	n := e
	n.ID = 0
	n.Year = e.Year + 1
	n.Slug = NextYearSlug(e.Slug, e.Year)
	n.Status = EditionDraft
	shift := func(t *time.Time) {
		if !t.IsZero() {
			*t = t.AddDate(1, 0, 0)
		}
	}
	shift(&n.StartsOn)
	shift(&n.EndsOn)
	shift(&n.OpensAt)
	shift(&n.ClosesAt)
	shift(&n.Payment.DueOn)
	return n
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
