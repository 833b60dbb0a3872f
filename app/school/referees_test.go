package school

import (
	"testing"
	"time"
)

func TestReferenceDeadlineIsInclusiveToTheMinute(t *testing.T) {
	closes := time.Date(2027, time.March, 31, 21, 59, 0, 0, time.UTC) // 23:59 in Prague
	e := Edition{ClosesAt: closes}
	var refs References
	if got, want := refs.DeadlineFor(e), closes.AddDate(0, 0, 7); !got.Equal(want) {
		t.Errorf("default deadline %v, want %v", got, want)
	}
	d := refs.DeadlineFor(e)
	for _, c := range []struct {
		at   time.Time
		open bool
	}{
		{d.Add(-time.Hour), true},
		{d.Add(59 * time.Second), true},
		{d.Add(time.Minute), false},
	} {
		if got := refs.OpenAt(e, c.at); got != c.open {
			t.Errorf("open at %v = %v, want %v", c.at, got, c.open)
		}
	}
	set := References{Deadline: closes.Add(-time.Hour)}
	if set.Problem(e) != "references_error_deadline" {
		t.Error("a deadline before the application deadline was taken")
	}
}

func TestRefereeReminderOnceBeforeTheDeadline(t *testing.T) {
	closes := time.Date(2027, time.March, 31, 21, 59, 0, 0, time.UTC)
	e := Edition{ClosesAt: closes}
	var refs References
	d := refs.DeadlineFor(e)
	asked := Referee{RequestedAt: closes.Add(-10 * 24 * time.Hour)}
	for _, c := range []struct {
		name string
		r    Referee
		at   time.Time
		due  bool
	}{
		{"too early", asked, d.Add(-4 * 24 * time.Hour), false},
		{"three days before", asked, d.Add(-RefereeReminderBefore), true},
		{"after the deadline", asked, d.Add(time.Hour), false},
		{"reminded already", Referee{RequestedAt: asked.RequestedAt, RemindedAt: d.Add(-80 * time.Hour)}, d.Add(-time.Hour), false},
		{"sent already", Referee{RequestedAt: asked.RequestedAt, ReceivedAt: d.Add(-80 * time.Hour)}, d.Add(-time.Hour), false},
		{"asked after the reminder's time", Referee{RequestedAt: d.Add(-time.Hour)}, d.Add(-time.Minute), false},
	} {
		if got := c.r.ReminderDue(refs, e, c.at); got != c.due {
			t.Errorf("%s: due = %v, want %v", c.name, got, c.due)
		}
	}
}

func TestRefereeProblems(t *testing.T) {
	ok := Referee{Name: "Jana Nováková", Email: "jana@uni.example", Relation: "supervisor"}
	if p := RefereeProblem(ok, "me@example.org"); len(p) != 0 {
		t.Errorf("a good referee: %v", p)
	}
	own := ok
	own.Email = "ME@example.org"
	if p := RefereeProblem(own, "me@example.org"); p["email"] != "referee_error_own_email" {
		t.Errorf("own address: %v", p)
	}
	bad := Referee{Email: "not an address"}
	p := RefereeProblem(bad, "me@example.org")
	if p["name"] == "" || p["email"] != "referee_error_email" || p["relation"] == "" {
		t.Errorf("bad referee: %v", p)
	}
}

func TestBlindReviewersSeeLettersOnlyWhenTheEditionSaysSo(t *testing.T) {
	e := Edition{BlindReview: true}
	if VisibilityFor(e, RoleReviewer).SeesLetters(References{}) {
		t.Error("a blind reviewer saw letters with the setting off")
	}
	if !VisibilityFor(e, RoleReviewer).SeesLetters(References{ReviewersSeeLetters: true}) {
		t.Error("a blind reviewer did not see letters with the setting on")
	}
	if !VisibilityFor(e, RoleOrganiser).SeesLetters(References{}) {
		t.Error("an organiser did not see letters")
	}
}
