package school

import (
	"fmt"
	"strings"
	"time"
	"unicode"
)

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
	ID        int64
	EditionID int64
	Reference string
	// SubmissionKey is the one-time key of the form that sent it: the same form sent again
	// finds the application by it. Empty for applications made otherwise.
	SubmissionKey   string
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
	// FeeWaiverGranted: organisers waived the fee, so the participant is not asked to pay.
	FeeWaiverGranted bool
	VisaLetter       bool
	PassportName     string
	Dietary          string
	Accessibility    string
	HeardFrom        string
	CVUploadID       int64 // 0 when no CV
	CVFileName       string
	WaitlistRank     int
	Answers          []Answer
	Consents         []Consent
	SubmittedAt      time.Time
	UpdatedAt        time.Time
	ErasureAsked     time.Time
	OfferExpiresAt   time.Time // while accepted: the offer must be confirmed before this
	// ErasedAt is when the personal data was erased (retention or request); the stripped row
	// stays for the statistics.
	ErasedAt time.Time
}

// Erased reports whether the application's personal data has been erased.
func (a Application) Erased() bool { return !a.ErasedAt.IsZero() }

// Name is the applicant's full name.
func (a Application) Name() string { return strings.TrimSpace(a.GivenName + " " + a.FamilyName) }

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
