package school

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
)

// Status is where an application stands.
type Status string

const (
	StatusSubmitted  Status = "submitted"
	StatusAccepted   Status = "accepted" // offered a seat, not yet confirmed
	StatusConfirmed  Status = "confirmed"
	StatusWaitlisted Status = "waitlisted"
	StatusRejected   Status = "rejected"
	StatusDeclined   Status = "declined"
	StatusExpired    Status = "expired" // the offer was not confirmed in time
	StatusWithdrawn  Status = "withdrawn"
	StatusAttended   Status = "attended"
	StatusNoShow     Status = "no_show"
)

// Statuses lists every status in the order of an application's life.
var Statuses = []Status{StatusSubmitted, StatusAccepted, StatusConfirmed, StatusWaitlisted,
	StatusRejected, StatusDeclined, StatusExpired, StatusWithdrawn, StatusAttended, StatusNoShow}

// transitions lists, for each status, the statuses it may move to. Everything else is refused.
var transitions = map[Status][]Status{
	StatusSubmitted:  {StatusAccepted, StatusWaitlisted, StatusRejected, StatusWithdrawn, StatusConfirmed},
	StatusWaitlisted: {StatusAccepted, StatusRejected, StatusWithdrawn, StatusConfirmed},
	StatusAccepted:   {StatusConfirmed, StatusDeclined, StatusExpired, StatusWithdrawn},
	StatusConfirmed:  {StatusAttended, StatusNoShow, StatusWithdrawn},
}

// ErrTransition is returned for a status change the application's life does not allow.
var ErrTransition = errors.New("school: status change not allowed")

// CheckTransition says whether an application may move from one status to another.
// (submitted → confirmed and waitlisted → confirmed are the open-admission paths: a
// registration confirmed at once while seats last.)
func CheckTransition(from, to Status) error {
	for _, allowed := range transitions[from] {
		if allowed == to {
			return nil
		}
	}
	return fmt.Errorf("%w: %s → %s", ErrTransition, from, to)
}

// TakesSeat reports whether an application in this status holds one of the edition's seats.
func (s Status) TakesSeat() bool { return s == StatusAccepted || s == StatusConfirmed }

// FreesSeat reports whether moving from one status to another gives a seat back to the edition:
// a declined, expired or withdrawn place does; marking attendance after the event does not.
func FreesSeat(from, to Status) bool {
	return from.TakesSeat() && !to.TakesSeat() && to != StatusAttended && to != StatusNoShow
}

// Withdrawable reports whether the applicant may still withdraw.
func (s Status) Withdrawable() bool { return CheckTransition(s, StatusWithdrawn) == nil }

// Sector is the applicant's current occupation, as the school groups its participants.
type Sector string

// Sectors lists the choices of the application form, in order.
var Sectors = []Sector{"student", "young_professional", "ngo", "government", "international_organisation", "other"}

// Degrees lists the highest-degree choices of the form, in order.
var Degrees = []string{"secondary", "bachelor", "master", "doctorate", "other"}

// EnglishLevels lists the English proficiency choices, CEFR levels.
var EnglishLevels = []string{"b1", "b2", "c1", "c2", "native"}

// Genders lists the optional gender choices.
var Genders = []string{"female", "male", "other", "prefer_not"}

// HeardFrom lists where applicants heard of the school.
var HeardFrom = []string{"university", "employer", "iom", "social_media", "alumni", "search", "other"}

// MaxMotivationWords bounds the motivation statement.
const MaxMotivationWords = 500

// WordCount counts words as a reader would: runs of letters or digits.
func WordCount(s string) int {
	return len(strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' && r != '’' && r != '-'
	}))
}

// Application is one person's application to one edition.
type Application struct {
	ID              int64
	EditionID       int64
	Reference       string
	Status          Status
	Lang            string // the language the applicant used; emails follow it
	Email           string
	GivenName       string
	FamilyName      string
	DateOfBirth     time.Time // a date; zero when the edition does not ask
	Nationality     string    // ISO 3166 alpha-2
	Residence       string    // ISO 3166 alpha-2
	Gender          string
	Sector          Sector
	Institution     string
	FieldOfStudy    string
	HighestDegree   string
	EnglishLevel    string
	Motivation      string
	RefereeName     string
	RefereeEmail    string
	AttendanceMode  Mode // in_person or online, for hybrid editions
	FeeWaiver       bool
	FeeWaiverReason string
	VisaLetter      bool
	PassportName    string
	Dietary         string
	Accessibility   string
	HeardFrom       string
	CVUploadID      int64 // 0 when no CV
	CVFileName      string
	WaitlistRank    int
	Answers         []Answer
	Consents        []Consent
	SubmittedAt     time.Time
	UpdatedAt       time.Time
	ErasureAsked    time.Time
	OfferExpiresAt  time.Time // while accepted: the offer must be confirmed before this
	// ErasedAt is when the personal data was erased (retention or request); the stripped row
	// stays for the statistics.
	ErasedAt time.Time
}

// Erased reports whether the application's personal data has been erased.
func (a Application) Erased() bool { return !a.ErasedAt.IsZero() }

// Name is the applicant's full name.
func (a Application) Name() string { return strings.TrimSpace(a.GivenName + " " + a.FamilyName) }

// Answer is the reply to one of an edition's extra questions.
type Answer struct {
	QuestionID int64
	Value      string // text, or the chosen options one per line, or "yes"/"no"
	UploadID   int64  // for file questions
	FileName   string
}

// ConsentKind names what an applicant agreed to.
type ConsentKind string

const (
	ConsentProcessing ConsentKind = "processing" // required to apply
	ConsentAlumni     ConsentKind = "alumni_directory"
	ConsentPhotos     ConsentKind = "photos"
	ConsentMailings   ConsentKind = "mailings"
)

// ConsentKinds lists the consents in the order the form asks them.
var ConsentKinds = []ConsentKind{ConsentProcessing, ConsentAlumni, ConsentPhotos, ConsentMailings}

// ConsentWordingVersion identifies the wording the applicant saw; bump it when the text changes.
const ConsentWordingVersion = "2026-11"

// Consent records one consent as given or refused, when, and under which wording.
type Consent struct {
	Kind    ConsentKind
	Granted bool
	Version string
	At      time.Time
}

// QuestionKind is the kind of answer an extra question takes.
type QuestionKind string

const (
	QuestionText     QuestionKind = "text"
	QuestionLongText QuestionKind = "long_text"
	QuestionSingle   QuestionKind = "single"
	QuestionMultiple QuestionKind = "multiple"
	QuestionYesNo    QuestionKind = "yes_no"
	QuestionFile     QuestionKind = "file"
)

// Question is one of an edition's extra questions.
type Question struct {
	ID        int64
	EditionID int64
	Kind      QuestionKind
	LabelEN   string
	LabelCS   string
	OptionsEN []string
	OptionsCS []string
	Required  bool
	// Retired questions are no longer asked; the answers already given stay readable.
	Retired bool
}

// Label is the question in lang, falling back to the other language.
func (q Question) Label(lang string) string { return pick(lang, q.LabelEN, q.LabelCS) }

// Options are the choices in lang; the stored answer is always the English option, so answers
// stay comparable whatever language the applicant used.
func (q Question) Options(lang string) []string {
	if lang == "cs" && len(q.OptionsCS) == len(q.OptionsEN) {
		return q.OptionsCS
	}
	return q.OptionsEN
}

// OptionalField is a field of the form that an edition may or may not ask for.
type OptionalField string

const (
	FieldGender        OptionalField = "gender"
	FieldReferee       OptionalField = "referee"
	FieldFeeWaiver     OptionalField = "fee_waiver"
	FieldVisaLetter    OptionalField = "visa_letter"
	FieldDietary       OptionalField = "dietary"
	FieldAccessibility OptionalField = "accessibility"
	FieldHeardFrom     OptionalField = "heard_from"
)

// OptionalFields lists every optional field.
var OptionalFields = []OptionalField{FieldGender, FieldReferee, FieldFeeWaiver, FieldVisaLetter,
	FieldDietary, FieldAccessibility, FieldHeardFrom}

// Reference formats an application's reference: the school's prefix, the edition's year and a
// number counted across that year's editions, "SMS-2027-0042".
func Reference(year int, number int64) string {
	return fmt.Sprintf("SMS-%d-%04d", year, number)
}

// EditGrace is how long after the deadline a form opened before it is still accepted, so that
// nobody loses a long form to a clock.
const EditGrace = 10 * time.Minute

// AcceptsSubmission says whether a form opened at openedAt and sent at now is in time: within
// the window, or within the grace after the deadline when the form was opened before it.
func (e Edition) AcceptsSubmission(openedAt, now time.Time) bool {
	switch e.WindowAt(now) {
	case WindowOpen:
		return true
	case WindowClosed:
		return !openedAt.IsZero() && openedAt.Before(e.Deadline()) && now.Before(e.Deadline().Add(EditGrace))
	}
	return false
}

// AdmitOpen decides a registration to an open-admission edition: confirmed while seats last,
// else waitlisted after the last one waiting.
func AdmitOpen(seats, taken, lastRank int) (Status, int) {
	if taken < seats {
		return StatusConfirmed, 0
	}
	return StatusWaitlisted, lastRank + 1
}

// OfferExpiry is the last minute to confirm an offer made at now: 23:59 Prague time offerDays
// later, inclusive like every deadline.
func OfferExpiry(now time.Time, offerDays int) time.Time {
	if offerDays <= 0 {
		offerDays = 7
	}
	y, m, d := now.In(Prague).AddDate(0, 0, offerDays).Date()
	return time.Date(y, m, d, 23, 59, 0, 0, Prague).UTC()
}

// OfferLapsed reports whether an offer expiring at expires can no longer be confirmed at now.
func OfferLapsed(expires, now time.Time) bool {
	return !expires.IsZero() && !now.Before(expires.Add(time.Minute))
}

// EmailOnEntering names the email an applicant gets when their application enters a status;
// "" sends none.
func EmailOnEntering(to Status) string {
	switch to {
	case StatusAccepted, StatusWaitlisted, StatusRejected:
		return "decision_" + string(to)
	case StatusConfirmed:
		return "place_confirmed"
	case StatusDeclined:
		return "place_declined"
	case StatusExpired:
		return "offer_expired"
	case StatusWithdrawn:
		return "withdrawn"
	}
	return ""
}
