package school

import (
	"testing"
	"time"
)

func TestFollowUpAnswersAreCheckedByKindAndPurpose(t *testing.T) {
	text := FollowUpQuestion{Question: Question{Kind: QuestionText, Required: true}}
	date := FollowUpQuestion{Question: Question{Kind: QuestionText}, Purpose: PurposeArrival}
	single := FollowUpQuestion{Question: Question{Kind: QuestionSingle, OptionsEN: []string{"Single room", "Shared room"}}}
	multiple := FollowUpQuestion{Question: Question{Kind: QuestionMultiple, OptionsEN: []string{"Lift", "Ground floor"}}}
	yesNo := FollowUpQuestion{Question: Question{Kind: QuestionYesNo, Required: true}}
	for _, c := range []struct {
		name    string
		q       FollowUpQuestion
		values  []string
		want    string
		problem string
	}{
		{"required and empty", text, []string{"  "}, "", FollowUpRequired},
		{"optional and empty", date, nil, "", ""},
		{"a line, trimmed", text, []string{"  AB123456 "}, "AB123456", ""},
		{"a date", date, []string{"2027-08-22"}, "2027-08-22", ""},
		{"not a date", date, []string{"22 August"}, "22 August", FollowUpDate},
		{"an option", single, []string{"Shared room"}, "Shared room", ""},
		{"two of one", single, []string{"Shared room", "Single room"}, "Shared room\nSingle room", FollowUpChoice},
		{"an option not offered", single, []string{"Suite"}, "Suite", FollowUpChoice},
		{"options", multiple, []string{"Lift", "Ground floor"}, "Lift\nGround floor", ""},
		{"yes", yesNo, []string{"yes"}, "yes", ""},
		{"maybe", yesNo, []string{"maybe"}, "maybe", FollowUpChoice},
	} {
		value, problem := CheckFollowUpAnswer(c.q, c.values)
		if value != c.want || problem != c.problem {
			t.Errorf("%s: %q, %q; want %q, %q", c.name, value, problem, c.want, c.problem)
		}
	}
}

func TestTheFollowUpDeadlineTakesItsWholeMinute(t *testing.T) {
	deadline := time.Date(2027, 6, 30, 21, 59, 0, 0, time.UTC) // 23:59 in Prague
	for _, c := range []struct {
		at   time.Time
		open bool
	}{{deadline, true}, {deadline.Add(59 * time.Second), true}, {deadline.Add(time.Minute), false}} {
		if got := FollowUpsOpen(deadline, c.at); got != c.open {
			t.Errorf("at %s open %v, want %v", c.at, got, c.open)
		}
	}
	if !FollowUpsOpen(time.Time{}, deadline) {
		t.Error("no deadline closes the answers")
	}
	if FollowUpReminderDue(deadline, deadline.Add(-FollowUpReminderLead-time.Second)) ||
		!FollowUpReminderDue(deadline, deadline.Add(-FollowUpReminderLead)) || FollowUpReminderDue(deadline, deadline.Add(time.Minute)) {
		t.Error("the reminder is due at the wrong time")
	}
}

func TestOnlyTheQuestionsAskedOfAnApplicantCanBeMissing(t *testing.T) {
	qs := []FollowUpQuestion{
		{Question: Question{ID: 1, Kind: QuestionText, Required: true}, Purpose: PurposePassportNumber, OnlyWithVisa: true},
		{Question: Question{ID: 2, Kind: QuestionText, Required: true}, Purpose: PurposeArrival},
		{Question: Question{ID: 3, Kind: QuestionText}, Purpose: PurposeAccommodation},
	}
	noVisa := Application{Status: StatusConfirmed}
	visa := Application{Status: StatusConfirmed, VisaLetter: true}
	if m := MissingFollowUps(qs, noVisa, map[int64]string{2: "2027-08-22"}); len(m) != 0 {
		t.Errorf("missing %v of an applicant without a visa letter", m)
	}
	if m := MissingFollowUps(qs, visa, map[int64]string{2: "2027-08-22"}); len(m) != 1 || m[0].ID != 1 {
		t.Errorf("missing %v, want the passport number", m)
	}
	if !AsksPassport(qs) || AsksPassport(qs[1:]) {
		t.Error("AsksPassport")
	}
	if p := PassportOf(qs, map[int64]string{1: " AB123 "}); p.Number != "AB123" {
		t.Errorf("passport %+v", p)
	}
	if AsksFollowUps(Application{Status: StatusSubmitted}) || !AsksFollowUps(Application{Status: StatusAccepted}) {
		t.Error("AsksFollowUps")
	}
}

// A Schengen visa needs a passport valid three months past the stay: an expiry before the
// edition's end plus three months is refused, where the end is known.
func TestAPassportEndingBeforeTheStayPlusThreeMonthsIsRefused(t *testing.T) {
	expiry := FollowUpQuestion{Question: Question{ID: 4, Kind: QuestionText}, Purpose: PurposePassportExpiry}
	arrival := FollowUpQuestion{Question: Question{ID: 5, Kind: QuestionText}, Purpose: PurposeArrival}
	questions := []FollowUpQuestion{expiry, arrival}
	ends := time.Date(2027, 8, 27, 0, 0, 0, 0, time.UTC)
	if got := PassportValidUntil(ends); !got.Equal(time.Date(2027, 11, 27, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("valid until %s", got)
	}
	for _, c := range []struct {
		value  string
		endsOn time.Time
		want   string
	}{
		{"2027-11-26", ends, FollowUpPassportExpiry},
		{"2027-11-27", ends, ""},
		{"2031-01-31", ends, ""},
		{"2027-09-01", time.Time{}, ""}, // the edition's end unknown: nothing to measure against
		{"soon", ends, FollowUpDate},
	} {
		_, problems := CheckFollowUps(questions, Application{}, c.endsOn,
			map[int64][]string{4: {c.value}, 5: {"2027-08-22"}})
		if problems[4] != c.want || problems[5] != "" {
			t.Errorf("%s (ends %s): problems %v, want %q", c.value, c.endsOn.Format(time.DateOnly), problems, c.want)
		}
	}
}
