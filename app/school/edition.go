package school

import (
	"time"
)

// Prague is the school's time zone: every time is stored in UTC and shown here.
var Prague = mustLoadLocation("Europe/Prague")

func mustLoadLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic("school: time zone " + name + " missing: " + err.Error())
	}
	return loc
}

// Kind is what sort of event an edition is.
type Kind string

const (
	KindSummerSchool Kind = "summer_school"
	KindWinterSchool Kind = "winter_school"
	KindConference   Kind = "conference"
	KindSeminar      Kind = "seminar"
	KindWorkshop     Kind = "workshop"
)

// Kinds lists every kind in the order the catalogue filters show them.
var Kinds = []Kind{KindSummerSchool, KindWinterSchool, KindConference, KindSeminar, KindWorkshop}

// ValidKind reports whether s names a kind.
func ValidKind(s string) bool {
	for _, k := range Kinds {
		if string(k) == s {
			return true
		}
	}
	return false
}

// Mode is how participants attend.
type Mode string

const (
	ModeInPerson Mode = "in_person"
	ModeOnline   Mode = "online"
	ModeHybrid   Mode = "hybrid"
)

// Admission says how applicants get a seat.
type Admission string

const (
	// AdmissionSelection: organisers review and choose.
	AdmissionSelection Admission = "selection"
	// AdmissionOpen: first come, first served while seats last.
	AdmissionOpen Admission = "open"
)

// EditionStatus is an edition's publication state.
type EditionStatus string

const (
	EditionDraft     EditionStatus = "draft"
	EditionPublished EditionStatus = "published"
	EditionArchived  EditionStatus = "archived"
)

// Series is a recurring programme, such as the Summer School on Migration Studies.
type Series struct {
	ID     int64
	Slug   string
	NameEN string
	NameCS string
}

// Name is the series name in lang, falling back to the other language.
func (s Series) Name(lang string) string { return pick(lang, s.NameEN, s.NameCS) }

// Edition is one run of a series: a summer school year, a conference, a seminar.
type Edition struct {
	ID            int64
	SeriesID      int64
	SeriesSlug    string
	SeriesNameEN  string
	SeriesNameCS  string
	Slug          string
	Year          int
	Kind          Kind
	TitleEN       string
	TitleCS       string
	ThemeEN       string
	ThemeCS       string
	DescriptionEN string    // Markdown
	DescriptionCS string    // Markdown
	StartsOn      time.Time // a date: midnight UTC of the first day
	EndsOn        time.Time // a date: midnight UTC of the last day
	Venue         string    // in English, as City
	VenueCS       string
	City          string
	CityCS        string
	Mode          Mode
	Language      string
	FeeCents      int64
	Currency      string
	SeatsInPerson int
	SeatsOnline   int
	// OpensAt and ClosesAt bound the application window; zero when the edition takes no
	// applications. ClosesAt is the stated minute: applications are accepted to its end.
	OpensAt   time.Time
	ClosesAt  time.Time
	Admission Admission
	OfferDays int
	Status    EditionStatus
	// OptionalFields are the optional form fields this edition asks for.
	OptionalFields []OptionalField
	// RequiredReviews is how many reviews each application needs.
	RequiredReviews int
	// BlindReview hides from reviewers who applied: every identifying detail (IdentifyingFields)
	// but those in BlindShown.
	BlindReview bool
	BlindShown  []IdentifyingField
	// ManualWaitlist stops offering a freed seat to the next on the waiting list at once.
	ManualWaitlist bool
	// RetentionMonths is how long after the edition ends the personal data of applicants who
	// were not selected is kept.
	RetentionMonths int
	// SignatoryName and SignatoryTitle sign the edition's visa letters and certificates.
	SignatoryName  string
	SignatoryTitle string
	// Hours is the contact hours a certificate of attendance states.
	Hours int
	// Payment is the account participants pay the fee to, once their place is confirmed.
	Payment   PaymentAccount
	UpdatedAt time.Time
}

// Asks reports whether the edition's form asks for an optional field.
func (e Edition) Asks(f OptionalField) bool {
	for _, asked := range e.OptionalFields {
		if asked == f {
			return true
		}
	}
	return false
}

// ShortForm reports whether the edition registers people without selection, with a shorter form
// (name, contact, country, institution): conferences and seminars.
func (e Edition) ShortForm() bool { return e.Admission == AdmissionOpen }

// Title is the edition's title in lang, falling back to the other language.
func (e Edition) Title(lang string) string { return pick(lang, e.TitleEN, e.TitleCS) }

// Theme is the edition's theme in lang, falling back to the other language.
func (e Edition) Theme(lang string) string { return pick(lang, e.ThemeEN, e.ThemeCS) }

// Description is the edition's Markdown description in lang, falling back to the other language.
func (e Edition) Description(lang string) string {
	return pick(lang, e.DescriptionEN, e.DescriptionCS)
}

// VenueIn is where the edition takes place in lang, falling back to the other language.
func (e Edition) VenueIn(lang string) string { return pick(lang, e.Venue, e.VenueCS) }

// CityIn is the edition's city in lang, falling back to the other language.
func (e Edition) CityIn(lang string) string { return pick(lang, e.City, e.CityCS) }

// Place is the venue and the city in lang, joined by a comma, leaving out one that is empty.
func (e Edition) Place(lang string) string {
	venue, city := e.VenueIn(lang), e.CityIn(lang)
	if venue != "" && city != "" {
		return venue + ", " + city
	}
	return venue + city
}

// SeriesName is the name of the edition's series in lang.
func (e Edition) SeriesName(lang string) string { return pick(lang, e.SeriesNameEN, e.SeriesNameCS) }

// Seats is the number of places across attendance modes.
func (e Edition) Seats() int { return e.SeatsInPerson + e.SeatsOnline }

// HasFee reports whether participants pay a fee.
func (e Edition) HasFee() bool { return e.FeeCents > 0 }

// Window is the state of an edition's call for applications at one moment.
type Window string

const (
	WindowNone   Window = "none" // the edition takes no applications
	WindowNotYet Window = "not_yet"
	WindowOpen   Window = "open"
	WindowClosed Window = "closed"
)

// WindowAt says whether applications are accepted at now. The closing minute is inclusive: a
// call closing at 23:59 accepts applications until 23:59:59.999.
func (e Edition) WindowAt(now time.Time) Window {
	switch {
	case e.OpensAt.IsZero() || e.ClosesAt.IsZero():
		return WindowNone
	case now.Before(e.OpensAt):
		return WindowNotYet
	case now.Before(e.Deadline()):
		return WindowOpen
	default:
		return WindowClosed
	}
}

// Deadline is the first instant after the application window.
func (e Edition) Deadline() time.Time { return e.ClosesAt.Truncate(time.Minute).Add(time.Minute) }

// DaysLeft is the number of whole or partial days until the deadline, 0 once it has passed.
func (e Edition) DaysLeft(now time.Time) int {
	left := e.Deadline().Sub(now)
	if left <= 0 {
		return 0
	}
	return int((left + 24*time.Hour - 1) / (24 * time.Hour))
}

// IsPast reports whether the edition ended before now's day in Prague.
func (e Edition) IsPast(now time.Time) bool {
	y, m, d := now.In(Prague).Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return e.EndsOn.Before(today)
}

// HasBegun reports whether the edition's first day has come by now's day in Prague.
func (e Edition) HasBegun(now time.Time) bool {
	y, m, d := now.In(Prague).Date()
	return !e.StartsOn.IsZero() && !time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Before(e.StartsOn)
}

// OffersFreedSeats reports whether a seat that frees at now goes to the first on the waiting
// list: while promotion is automatic and only before the school's first day. An offer made once
// the school runs would ask someone to confirm, and travel, for a school under way or over;
// organisers may still accept someone from the list by hand.
func (e Edition) OffersFreedSeats(now time.Time) bool {
	return !e.ManualWaitlist && !e.HasBegun(now)
}

func pick(lang, en, cs string) string {
	if lang == "cs" {
		if cs != "" {
			return cs
		}
		return en
	}
	if en != "" {
		return en
	}
	return cs
}
