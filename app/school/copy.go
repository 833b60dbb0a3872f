package school

import (
	"fmt"
	"regexp"
	"strconv"
	"time"
)

// NextYearStart proposes the first day of next year's copy of an edition that starts on start:
// the same weekday nearest to the same date a year on. That is start + 52 weeks (364 days, a
// day or two before the date), unless start + 53 weeks lands nearer. Each copy so starts a day
// or two earlier in the year than the last; the organiser may pick the next week instead.
// From the first days of January 52 weeks on is still the same year, where a copy may not
// start (CopyTo): then 53 weeks on.
func NextYearStart(start time.Time) time.Time {
	date := start.AddDate(1, 0, 0)
	early, late := start.AddDate(0, 0, 52*7), start.AddDate(0, 0, 53*7)
	if late.Sub(date) < date.Sub(early) || early.Year() == start.Year() {
		return late
	}
	return early
}

// Copy is how an edition moves when copied for a later year.
type Copy struct {
	// Weeks is how far every date moves, so that each keeps its weekday: a Monday–Friday
	// school stays Monday–Friday and the programme's days stay on theirs.
	Weeks int
	// Years is how far the year in the titles and the address moves on.
	Years int
}

// MaxCopyYears is how many years on a copy may start: further is most likely a mistyped year.
const MaxCopyYears = 5

// CopyTo plans the copy of the edition that starts on startsOn, or says why it cannot: the
// copy starts in a later year, at most MaxCopyYears on, on the original's weekday. An edition without a first day is
// copied 52 weeks on, whatever startsOn is.
func (e Edition) CopyTo(startsOn time.Time) (Copy, *Problem) {
	if e.StartsOn.IsZero() {
		return Copy{Weeks: 52, Years: 1}, nil
	}
	problem := func(message string) (Copy, *Problem) { return Copy{}, &Problem{"starts_on", message} }
	switch {
	case startsOn.IsZero():
		return problem("copy_error_start_missing")
	case startsOn.Year() <= e.StartsOn.Year():
		return problem("copy_error_start_later")
	case startsOn.Year() > e.StartsOn.Year()+MaxCopyYears:
		return problem("copy_error_start_far")
	}
	days := int(startsOn.Sub(e.StartsOn).Hours()) / 24
	if days%7 != 0 {
		return problem("copy_error_weekday")
	}
	return Copy{Weeks: days / 7, Years: startsOn.Year() - e.StartsOn.Year()}, nil
}

// Day moves a calendar date (midnight UTC) by the copy's weeks.
func (c Copy) Day(d time.Time) time.Time {
	if d.IsZero() {
		return d
	}
	return d.AddDate(0, 0, 7*c.Weeks)
}

// Instant moves an instant by the copy's weeks at the same time of day in Prague, which across
// a change to or from summer time is an hour more or less in UTC.
func (c Copy) Instant(at time.Time) time.Time {
	if at.IsZero() {
		return at
	}
	return at.In(Prague).AddDate(0, 0, 7*c.Weeks).UTC()
}

// Apply is the edition copied as a draft: its dates moved, the year in its titles and address
// moved on (an address without the year gets it added), its settings kept.
func (c Copy) Apply(e Edition) Edition {
	n := e
	n.ID = 0
	n.Status = EditionDraft
	from := e.Year
	if !e.StartsOn.IsZero() {
		from = e.StartsOn.Year()
	}
	n.Year = e.Year + c.Years
	n.TitleEN = moveYears(e.TitleEN, from, c.Years)
	n.TitleCS = moveYears(e.TitleCS, from, c.Years)
	if slug := moveYears(e.Slug, from, c.Years); slug != e.Slug {
		n.Slug = slug
	} else {
		n.Slug = e.Slug + "-" + strconv.Itoa(n.Year)
	}
	n.StartsOn, n.EndsOn, n.Payment.DueOn = c.Day(e.StartsOn), c.Day(e.EndsOn), c.Day(e.Payment.DueOn)
	n.OpensAt, n.ClosesAt = c.Instant(e.OpensAt), c.Instant(e.ClosesAt)
	return n
}

// aYear is a year, or a school year written as a span: "2027", "2027/2028", "2027/28", "2027–28".
var aYear = regexp.MustCompile(`\b(\d{4})(?:([/–-])(\d{4}|\d{2}))?\b`)

// moveYears moves the years year and year+1 written in s on by years: "Summer School 2027" and
// "Winter School 2027/2028" a year on. A school year that starts the year before or that year
// moves as a whole, its second year as long as it was written ("Winter School 2026/27", of an
// edition in January 2027). Other numbers, such as "since 2015", stay.
func moveYears(s string, year, years int) string {
	move := func(m string) string {
		y, _ := strconv.Atoi(m)
		if y != year && y != year+1 {
			return m
		}
		return strconv.Itoa(y + years)
	}
	return aYear.ReplaceAllStringFunc(s, func(m string) string {
		parts := aYear.FindStringSubmatch(m)
		first, sep, second := parts[1], parts[2], parts[3]
		if sep == "" {
			return move(first)
		}
		y, _ := strconv.Atoi(first)
		if (y == year-1 || y == year) && (second == strconv.Itoa(y+1) || second == fmt.Sprintf("%02d", (y+1)%100)) {
			next := strconv.Itoa(y + 1 + years)
			return strconv.Itoa(y+years) + sep + next[len(next)-len(second):]
		}
		if len(second) == 4 {
			second = move(second)
		}
		return move(first) + sep + second
	})
}
