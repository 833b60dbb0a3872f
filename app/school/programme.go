package school

import "time"

// SessionKind is what happens in a programme session.
type SessionKind string

const (
	SessionLecture    SessionKind = "lecture"
	SessionPanel      SessionKind = "panel"
	SessionWorkshop   SessionKind = "workshop"
	SessionStudyVisit SessionKind = "study_visit"
	SessionSocial     SessionKind = "social"
	SessionOpening    SessionKind = "opening"
)

// SessionKinds lists the kinds of session, in the order editors offer them.
var SessionKinds = []SessionKind{SessionLecture, SessionPanel, SessionWorkshop, SessionStudyVisit,
	SessionSocial, SessionOpening}

// DocumentKinds lists the kinds of document an edition publishes.
var DocumentKinds = []string{"programme", "reading_list", "photos", "report", "other"}

// EditionDays lists the dates from the first to the last day of an edition.
func EditionDays(e Edition) []time.Time {
	var days []time.Time
	for d := e.StartsOn; !d.After(e.EndsOn) && len(days) < 366; d = d.AddDate(0, 0, 1) {
		days = append(days, d)
	}
	return days
}

// Lecturer teaches sessions; lecturers are shared across editions.
type Lecturer struct {
	ID          int64
	Slug        string
	Name        string
	Affiliation string
	BioEN       string
	BioCS       string
}

// Bio is the lecturer's short biography in lang, falling back to the other language.
func (l Lecturer) Bio(lang string) string { return pick(lang, l.BioEN, l.BioCS) }

// Session is one slot of an edition's programme.
type Session struct {
	ID            int64
	EditionID     int64
	Day           time.Time // a date: midnight UTC
	StartsAt      string    // "09:30", Prague wall-clock time
	EndsAt        string
	Kind          SessionKind
	TitleEN       string
	TitleCS       string
	Room          string // in English
	RoomCS        string
	DescriptionEN string
	DescriptionCS string
	Lecturers     []Lecturer
}

// Title is the session title in lang, falling back to the other language.
func (s Session) Title(lang string) string { return pick(lang, s.TitleEN, s.TitleCS) }

// RoomIn is the session's room in lang, falling back to the other language.
func (s Session) RoomIn(lang string) string { return pick(lang, s.Room, s.RoomCS) }

// Description is the session's description (Markdown) in lang, falling back to the other language.
func (s Session) Description(lang string) string {
	return pick(lang, s.DescriptionEN, s.DescriptionCS)
}

// ProgrammeDay groups an edition's sessions by day.
type ProgrammeDay struct {
	Day      time.Time
	Sessions []Session
}

// GroupByDay splits sessions, ordered by day and time, into programme days.
func GroupByDay(sessions []Session) []ProgrammeDay {
	var days []ProgrammeDay
	for _, s := range sessions {
		if n := len(days); n == 0 || !days[n-1].Day.Equal(s.Day) {
			days = append(days, ProgrammeDay{Day: s.Day})
		}
		days[len(days)-1].Sessions = append(days[len(days)-1].Sessions, s)
	}
	return days
}

// TaughtSession is a session seen from a lecturer's page: what they taught, where.
type TaughtSession struct {
	Session
	EditionSlug    string
	EditionTitleEN string
	EditionTitleCS string
	EditionYear    int
}

// EditionTitle is the title of the edition the session belongs to, in lang.
func (t TaughtSession) EditionTitle(lang string) string {
	return pick(lang, t.EditionTitleEN, t.EditionTitleCS)
}

// Document is a file or link published with an edition: programme, reading list, photos.
type Document struct {
	ID        int64
	EditionID int64
	TitleEN   string
	TitleCS   string
	Kind      string // programme, reading_list, photos, report, other
	URL       string // external link, or empty when the file is stored by Registrar
	FileName  string
	Public    bool
	// A file stored by Registrar: its name under the documents folder, and the type and size
	// found when it was received.
	StoredName  string
	ContentType string
	Size        int64
}

// Title is the document title in lang, falling back to the other language.
func (d Document) Title(lang string) string { return pick(lang, d.TitleEN, d.TitleCS) }
