package school

import (
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxReferences is the most references an edition may ask for.
const MaxReferences = 3

// DefaultReferenceDays is how long after the application deadline referees have by default.
const DefaultReferenceDays = 7

// RefereeReminderBefore is when, before the referees' deadline, those who have sent nothing are
// reminded, once.
const RefereeReminderBefore = 3 * 24 * time.Hour

// RefereeResendAfter is how long an applicant waits before asking a referee again: the request
// goes to someone who did not ask for email from the school.
const RefereeResendAfter = 24 * time.Hour

// RefereeRequestsPerDay is how many requests an application's referees are sent, named, changed
// or asked again, in RefereeResendAfter at most: each referee twice. Naming someone emails a
// stranger, so the status page must not mail address after address.
const RefereeRequestsPerDay = 2 * MaxReferences

// References is what an edition asks of referees.
type References struct {
	Asked int // 0–3; 0 leaves the form's one optional referee (FieldReferee) as it was
	// Deadline is the last minute referees may send, inclusive; zero means the application
	// deadline plus DefaultReferenceDays.
	Deadline time.Time
	// Questions put to referees besides the letter, one a line, in each language.
	QuestionsEN, QuestionsCS []string
	// ReviewersSeeLetters: reviewers reviewing blind see the letters, which name the applicant.
	ReviewersSeeLetters bool
}

// DeadlineFor is the last minute referees of edition e may send: the one set, or the
// application deadline plus DefaultReferenceDays.
func (r References) DeadlineFor(e Edition) time.Time {
	if !r.Deadline.IsZero() {
		return r.Deadline
	}
	if e.ClosesAt.IsZero() {
		return time.Time{}
	}
	return e.ClosesAt.AddDate(0, 0, DefaultReferenceDays)
}

// OpenAt reports whether referees of e may still send at now: until the end of the deadline's
// minute. No deadline at all (an edition without a window) leaves it open.
func (r References) OpenAt(e Edition, now time.Time) bool {
	d := r.DeadlineFor(e)
	return d.IsZero() || now.Before(d.Truncate(time.Minute).Add(time.Minute))
}

// Questions are the questions put to referees in lang, the English ones where no Czech is given.
func (r References) Questions(lang string) []string {
	if lang == "cs" && len(r.QuestionsCS) == len(r.QuestionsEN) && len(r.QuestionsCS) > 0 {
		return r.QuestionsCS
	}
	return r.QuestionsEN
}

// ReferenceProblem is what is wrong with an edition's reference settings, as a message key.
func (r References) Problem(e Edition) string {
	switch {
	case r.Asked < 0 || r.Asked > MaxReferences:
		return "references_error_count"
	case !r.Deadline.IsZero() && !e.ClosesAt.IsZero() && r.Deadline.Before(e.ClosesAt):
		return "references_error_deadline"
	case len(r.QuestionsCS) > 0 && len(r.QuestionsCS) != len(r.QuestionsEN):
		return "references_error_questions"
	}
	return ""
}

// Referee is a person an applicant named to write a reference for them.
type Referee struct {
	ID            int64
	ApplicationID int64
	Position      int // 1–3, the order the applicant named them in
	Name          string
	Email         string
	Relation      string // how the referee knows the applicant, in the applicant's words
	Lang          string // the language of the emails: the applicant's
	RequestedAt   time.Time
	RemindedAt    time.Time
	ReceivedAt    time.Time
	// LetterFileName is the name of the PDF letter as the referee sent it; empty without one.
	LetterFileName string
	LetterSize     int64
	Answers        []RefereeAnswer
}

// RefereeAnswer is a referee's answer to one question, kept with the question as it was asked.
type RefereeAnswer struct {
	Question string `json:"q"`
	Answer   string `json:"a"`
}

// Received reports whether the referee has sent their reference.
func (r Referee) Received() bool { return !r.ReceivedAt.IsZero() }

// HasLetter reports whether the referee sent a letter.
func (r Referee) HasLetter() bool { return r.LetterFileName != "" }

// MayResend says whether the applicant may ask the referee again at now: nothing received, and
// the last request at least RefereeResendAfter ago.
func (r Referee) MayResend(now time.Time) bool {
	return !r.Received() && !now.Before(r.RequestedAt.Add(RefereeResendAfter))
}

// CorrectedBy reports whether n, named in r's place, is r corrected: nothing received yet and
// the same address, so the same person, already asked. Their name and relation change in
// place, their links keep working, and they are not emailed again (which the applicant may ask
// for once a day, MayResend), so a correction knows no daily limit.
func (r Referee) CorrectedBy(n Referee) bool {
	return !r.Received() && strings.EqualFold(strings.TrimSpace(r.Email), strings.TrimSpace(n.Email))
}

// UnchangedBy reports whether n, named in r's place, is r as it was: a correction that
// corrects nothing.
func (r Referee) UnchangedBy(n Referee) bool {
	return r.CorrectedBy(n) && r.Name == n.Name && r.Relation == n.Relation
}

// ReminderDue says whether the referee is to be reminded at now: asked before the reminder's
// time, nothing sent, not reminded yet, and the deadline not passed.
func (r Referee) ReminderDue(refs References, e Edition, now time.Time) bool {
	d := refs.DeadlineFor(e)
	if d.IsZero() || r.Received() || !r.RemindedAt.IsZero() {
		return false
	}
	at := d.Add(-RefereeReminderBefore)
	return r.RequestedAt.Before(at) && !now.Before(at) && refs.OpenAt(e, now)
}

// WantsReferences says whether application a still asks its referees: not erased, and still in
// the running (not withdrawn, rejected, or its place declined or lapsed). Otherwise its
// referees' links open nothing and they are not reminded.
func (a Application) WantsReferences() bool {
	switch a.Status {
	case StatusWithdrawn, StatusRejected, StatusDeclined, StatusExpired:
		return false
	}
	return !a.Erased()
}

// ReferencesComplete reports whether as many referees have sent as the edition asks.
func ReferencesComplete(asked int, referees []Referee) bool {
	n := 0
	for _, r := range referees {
		if r.Received() {
			n++
		}
	}
	return n >= asked
}

// RefereeProblem is what is wrong with a referee as the applicant named them: a message key per
// field ("name", "email", "relation"), none when all is well. applicantEmail may not be theirs.
func RefereeProblem(r Referee, applicantEmail string) map[string]string {
	problems := map[string]string{}
	single := func(s string) bool { return !strings.ContainsAny(s, "\r\n") }
	switch {
	case r.Name == "":
		problems["name"] = "validation_required_text"
	case !single(r.Name) || utf8.RuneCountInString(r.Name) > 200:
		problems["name"] = "referee_error_name"
	}
	switch addr, err := mail.ParseAddress(r.Email); {
	case r.Email == "":
		problems["email"] = "validation_required_email"
	case err != nil || addr.Address != r.Email || len(r.Email) > 254:
		problems["email"] = "referee_error_email"
	case strings.EqualFold(r.Email, strings.TrimSpace(applicantEmail)):
		problems["email"] = "referee_error_own_email"
	}
	switch {
	case r.Relation == "":
		problems["relation"] = "validation_required_text"
	case !single(r.Relation) || utf8.RuneCountInString(r.Relation) > 200:
		problems["relation"] = "referee_error_relation"
	}
	return problems
}

// SeesLetters reports whether the viewer sees the referees' letters and answers: everyone but a
// reviewer reviewing blind, unless the edition lets them.
func (v Visibility) SeesLetters(refs References) bool {
	return !v.blind || refs.ReviewersSeeLetters
}
