package school

import (
	"encoding/json"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Follow-up questions are asked after the decision, only of applicants holding a place
// (accepted or confirmed), on their status page: the details a school needs of participants
// alone, such as the passport's for the visa letter, arrival and departure, an emergency contact.
// They take the application form's question kinds but files.

// Purpose is what the school itself does with a follow-up answer: the visa letter prints the
// passport's lines, the logistics list the travel and stay. A question without one is only read.
type Purpose string

const (
	PurposeNone             Purpose = ""
	PurposePassportName     Purpose = "passport_name"
	PurposePassportNumber   Purpose = "passport_number"
	PurposePassportCountry  Purpose = "passport_country"
	PurposePassportExpiry   Purpose = "passport_expiry"
	PurposeArrival          Purpose = "arrival"
	PurposeDeparture        Purpose = "departure"
	PurposeAccommodation    Purpose = "accommodation"
	PurposeEmergencyContact Purpose = "emergency_contact"
)

// Purposes are the purposes an organiser may give a follow-up question, in the builder's order.
var Purposes = []Purpose{PurposeNone, PurposePassportName, PurposePassportNumber, PurposePassportCountry,
	PurposePassportExpiry, PurposeArrival, PurposeDeparture, PurposeAccommodation, PurposeEmergencyContact}

// Passport reports whether answers of this purpose are passport details: erased first, after
// the edition, and never shown to reviewers.
func (p Purpose) Passport() bool { return strings.HasPrefix(string(p), "passport_") }

// OnLetter reports whether the visa letter prints answers of this purpose: the passport's name
// and number.
func (p Purpose) OnLetter() bool { return p == PurposePassportName || p == PurposePassportNumber }

// Date reports whether the answer is a date (YYYY-MM-DD), asked with a date field.
func (p Purpose) Date() bool {
	return p == PurposePassportExpiry || p == PurposeArrival || p == PurposeDeparture
}

// FollowUpKinds are the question kinds a follow-up question may take: the form's, but files.
var FollowUpKinds = []QuestionKind{QuestionText, QuestionLongText, QuestionSingle, QuestionMultiple, QuestionYesNo}

// FollowUpQuestion is one of an edition's follow-up questions.
type FollowUpQuestion struct {
	Question
	Purpose Purpose
	// OnlyWithVisa asks it only of applicants who asked for a visa letter.
	OnlyWithVisa bool
}

// AsksFollowUps reports whether the applicant is asked the follow-up questions: they hold a
// place and their data is not erased.
func AsksFollowUps(a Application) bool {
	return (a.Status == StatusAccepted || a.Status == StatusConfirmed) && !a.Erased()
}

// FollowUpsCorrectable reports whether organisers may correct a's follow-up answers: while a
// holds a place and after they attended, until their data is erased.
func FollowUpsCorrectable(a Application) bool {
	return (a.Status == StatusAccepted || a.Status == StatusConfirmed || a.Status == StatusAttended) && !a.Erased()
}

// AppliesTo reports whether q is asked of a.
func (q FollowUpQuestion) AppliesTo(a Application) bool { return !q.OnlyWithVisa || a.VisaLetter }

// FollowUpsOpen reports whether answers are still taken at now: until the end of the deadline's
// minute, inclusive like every deadline; without a deadline, always.
func FollowUpsOpen(deadline, now time.Time) bool {
	return deadline.IsZero() || now.Before(deadline.Add(time.Minute))
}

// FollowUpReminderLead is how long before the deadline applicants who have not answered are
// reminded, once.
const FollowUpReminderLead = 3 * 24 * time.Hour

// FollowUpReminderDue reports whether the reminder of a deadline is due at now.
func FollowUpReminderDue(deadline, now time.Time) bool {
	return !deadline.IsZero() && FollowUpsOpen(deadline, now) && !now.Before(deadline.Add(-FollowUpReminderLead))
}

// MissingFollowUps are the required questions asked of a that have no answer yet.
func MissingFollowUps(questions []FollowUpQuestion, a Application, answers map[int64]string) []FollowUpQuestion {
	var missing []FollowUpQuestion
	for _, q := range questions {
		if q.Required && !q.Retired && q.AppliesTo(a) && strings.TrimSpace(answers[q.ID]) == "" {
			missing = append(missing, q)
		}
	}
	return missing
}

// Passport is the passport's details as the follow-up answers give them.
type Passport struct {
	Name, Number, Country, Expiry string
}

// PassportOf reads the passport's details from the answers.
func PassportOf(questions []FollowUpQuestion, answers map[int64]string) Passport {
	var p Passport
	for _, q := range questions {
		v := strings.TrimSpace(answers[q.ID])
		switch q.Purpose {
		case PurposePassportName:
			p.Name = v
		case PurposePassportNumber:
			p.Number = v
		case PurposePassportCountry:
			p.Country = v
		case PurposePassportExpiry:
			p.Expiry = v
		}
	}
	return p
}

// AsksPassport reports whether the questions ask for the passport's details the visa letter
// prints (its name or number): the letter then waits for them.
func AsksPassport(questions []FollowUpQuestion) bool {
	for _, q := range questions {
		if !q.Retired && q.Purpose.OnLetter() {
			return true
		}
	}
	return false
}

// Follow-up answer problems, each a message the status page words.
const (
	FollowUpRequired = "required"
	FollowUpTooLong  = "too_long"
	FollowUpChoice   = "choice"
	FollowUpDate     = "date"
	// FollowUpDepartureFirst: the departure comes before the arrival, a swapped pair of dates.
	FollowUpDepartureFirst = "departure_first"
	// FollowUpPassportExpiry: the passport ends too early for a visa (PassportNeededUntil).
	FollowUpPassportExpiry = "passport_expiry"
)

// PassportValidUntil is the last day a passport must reach for the visa of an edition ending on
// endsOn: three months past the stay, as Schengen visas require; zero while the end is unknown.
func PassportValidUntil(endsOn time.Time) time.Time {
	if endsOn.IsZero() {
		return time.Time{}
	}
	// The same day three months on, or the third month's last day when it has no such day
	// (AddDate would run on into the fourth month).
	y, m, d := endsOn.Date()
	last := time.Date(y, m+4, 0, 0, 0, 0, 0, endsOn.Location()).Day()
	return time.Date(y, m+3, min(d, last), 0, 0, 0, 0, endsOn.Location())
}

// PassportNeededUntil is the last day the passport must reach for a visa to a participant of an
// edition ending on endsOn who answered answers: PassportValidUntil of the day they leave, since a
// Schengen visa counts from the departure; the edition's end unless they answered a later
// departure, and afterDeparture says they did.
func PassportNeededUntil(questions []FollowUpQuestion, answers map[int64]string, endsOn time.Time) (until time.Time, afterDeparture bool) {
	leaves := endsOn
	for _, q := range questions {
		if q.Purpose != PurposeDeparture {
			continue
		}
		if d, err := time.Parse(time.DateOnly, answers[q.ID]); err == nil && d.After(endsOn) {
			leaves, afterDeparture = d, true
		}
		break
	}
	return PassportValidUntil(leaves), afterDeparture
}

// CheckFollowUps tidies the answers typed to the questions asked of a (by question, as the form
// sent them) and says what is wrong with each: an answer's own problems, swapped travel dates, a
// passport ending before PassportNeededUntil for an edition ending on endsOn.
func CheckFollowUps(questions []FollowUpQuestion, a Application, endsOn time.Time,
	typed map[int64][]string) (answers, problems map[int64]string) {
	answers, problems = map[int64]string{}, map[int64]string{}
	for _, q := range questions {
		values, ok := typed[q.ID]
		if !ok || !q.AppliesTo(a) {
			continue
		}
		value, problem := CheckFollowUpAnswer(q, values)
		answers[q.ID] = value
		if problem != "" {
			problems[q.ID] = problem
		}
	}
	if id := CheckTravelDates(questions, answers); id != 0 {
		problems[id] = FollowUpDepartureFirst
	}
	if until, _ := PassportNeededUntil(questions, answers, endsOn); !until.IsZero() {
		for _, q := range questions {
			v, ok := answers[q.ID]
			if q.Purpose != PurposePassportExpiry || !ok || problems[q.ID] != "" {
				continue
			}
			if d, err := time.Parse(time.DateOnly, v); err == nil && d.Before(until) {
				problems[q.ID] = FollowUpPassportExpiry
			}
		}
	}
	return answers, problems
}

// ForgiveStoredExpiry takes from problems the passport-expiry problem of an answer left as
// stored: given before the rule, or kept by organisers who correct another answer, it does not
// hold up their correction (a typo in the passport number); an expiry typed anew is checked, and
// so is a stored one once the correction moves the day it must reach later (a later departure).
func ForgiveStoredExpiry(questions []FollowUpQuestion, endsOn time.Time, problems, answers, stored map[int64]string) {
	now, _ := PassportNeededUntil(questions, answers, endsOn)
	before, _ := PassportNeededUntil(questions, stored, endsOn)
	for id, problem := range problems {
		if problem == FollowUpPassportExpiry && answers[id] == stored[id] && !now.After(before) {
			delete(problems, id)
		}
	}
}

// CorrectionNote is the history's note of the follow-up questions an organiser corrected: their
// labels in both languages, so that each reader reads their own, and never the answers, which
// may be a passport number.
func CorrectionNote(changed []FollowUpQuestion) string {
	labels := make([][2]string, 0, len(changed))
	for _, q := range changed {
		labels = append(labels, [2]string{q.LabelEN, q.LabelCS})
	}
	note, _ := json.Marshal(labels) // strings only: it cannot fail
	return string(note)
}

// CorrectedQuestions are the labels of a CorrectionNote in lang, one after another.
func CorrectedQuestions(note, lang string) string {
	var labels [][2]string
	if err := json.Unmarshal([]byte(note), &labels); err != nil {
		return note
	}
	names := make([]string, 0, len(labels))
	for _, l := range labels {
		names = append(names, pick(lang, l[0], l[1]))
	}
	return strings.Join(names, "; ")
}

// ChangedFollowUps are the questions whose answer differs from the one stored, and whether one
// of them is a passport line the visa letter prints.
func ChangedFollowUps(questions []FollowUpQuestion, stored, answers map[int64]string) ([]FollowUpQuestion, bool) {
	var changed []FollowUpQuestion
	onLetter := false
	for _, q := range questions {
		if v, ok := answers[q.ID]; ok && v != stored[q.ID] {
			changed = append(changed, q)
			onLetter = onLetter || q.Purpose.OnLetter()
		}
	}
	return changed, onLetter
}

// CheckFollowUpAnswer tidies one answer as typed and says what is wrong with it ("" when
// nothing). A choice is stored as the English options chosen, one a line.
func CheckFollowUpAnswer(q FollowUpQuestion, values []string) (string, string) {
	var kept []string
	for _, v := range values {
		if v = strings.TrimSpace(strings.ReplaceAll(strings.ToValidUTF8(v, "\uFFFD"), "\r\n", "\n")); v != "" {
			kept = append(kept, v)
		}
	}
	value := strings.Join(kept, "\n")
	limit := 500
	if q.Kind == QuestionLongText {
		limit = 5000
	}
	switch {
	case value == "":
		if q.Required {
			return "", FollowUpRequired
		}
		return "", ""
	case utf8.RuneCountInString(value) > limit:
		return value, FollowUpTooLong
	}
	switch q.Kind {
	case QuestionSingle, QuestionMultiple:
		if q.Kind == QuestionSingle && len(kept) > 1 {
			return value, FollowUpChoice
		}
		for _, v := range kept {
			if !slices.Contains(q.OptionsEN, v) {
				return value, FollowUpChoice
			}
		}
	case QuestionYesNo:
		if value != "yes" && value != "no" {
			return value, FollowUpChoice
		}
	case QuestionText:
		if strings.Contains(value, "\n") {
			return strings.ReplaceAll(value, "\n", " "), ""
		}
		if q.Purpose.Date() {
			if _, err := time.Parse(time.DateOnly, value); err != nil {
				return value, FollowUpDate
			}
		}
	}
	return value, ""
}

// CheckTravelDates finds the departure question whose answer comes before the arrival's; 0 when
// the dates are in order or either is missing or not a date (CheckFollowUpAnswer words that).
func CheckTravelDates(questions []FollowUpQuestion, answers map[int64]string) int64 {
	var arrival string
	var departure int64
	for _, q := range questions {
		switch {
		case q.Purpose == PurposeArrival && arrival == "":
			arrival = answers[q.ID]
		case q.Purpose == PurposeDeparture && departure == 0:
			departure = q.ID
		}
	}
	from, ferr := time.Parse(time.DateOnly, arrival)
	to, terr := time.Parse(time.DateOnly, answers[departure])
	if ferr != nil || terr != nil || !to.Before(from) {
		return 0
	}
	return departure
}

// PassportErasureDue reports whether the passport details of an edition that ended on endsOn
// (a date) are erased at now: keptDays after its last day, in Prague.
func PassportErasureDue(endsOn time.Time, keptDays int, now time.Time) bool {
	if endsOn.IsZero() {
		return false
	}
	y, m, d := endsOn.Date()
	erase := time.Date(y, m, d, 0, 0, 0, 0, Prague).AddDate(0, 0, keptDays+1)
	return !now.Before(erase)
}

// FollowUpsAsked are the questions still asked at now of an edition that ends on endsOn: all,
// but the passport's once its participants' passport details are erased (PassportErasureDue),
// since asking again would keep them past the time organisers chose.
func FollowUpsAsked(questions []FollowUpQuestion, endsOn time.Time, st FollowUpSettings, now time.Time) []FollowUpQuestion {
	if !PassportErasureDue(endsOn, st.PassportKeptDays, now) {
		return questions
	}
	return slices.DeleteFunc(slices.Clone(questions), func(q FollowUpQuestion) bool { return q.Purpose.Passport() })
}

// FollowUpSettings are an edition's follow-up deadline and how long its participants' passport
// details are kept after it ends.
type FollowUpSettings struct {
	Deadline         time.Time // the last minute answers are taken; zero: no deadline
	PassportKeptDays int
}

// DefaultPassportKeptDays is how long after an edition ends its participants' passport details
// are kept, unless organisers set another number: long enough for a late visa question.
const DefaultPassportKeptDays = 30
