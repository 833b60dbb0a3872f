package app

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"registrar/app/school"
)

func TestADepartureBeforeTheArrivalIsSentBackInTheApplicantsLanguage(t *testing.T) {
	t.Parallel()
	ts := newFormServer(t)
	e := documentEdition(t, ts, "follow-dates-2027")
	if err := ts.store.AddDefaultFollowUps(context.Background(), e.ID); err != nil {
		t.Fatal(err)
	}
	fields := followUpFieldsOf(t, ts, e)
	for _, c := range []struct{ lang, want string }{
		{"en", "You leave before you arrive"},
		{"cs", "Den odjezdu je dřív než den příjezdu"},
	} {
		p := createParticipant(t, ts, e, "Petr", "Svoboda", c.lang, "CZ", false, "")
		setStatus(t, ts, e, p.app.ID, school.StatusAccepted)
		v := ts.visitor()
		v.get(t, p.status()+"?lang="+c.lang)
		f := v.openForm(t, p.status(), p.status()+"/follow-ups")
		resp, body := v.submit(t, f, url.Values{fields[school.PurposeArrival]: {"2027-08-28"},
			fields[school.PurposeDeparture]: {"2027-08-22"}, fields[school.PurposeEmergencyContact]: {"Jana, +420 601 000 000"}})
		wantStatus(t, resp, body, http.StatusUnprocessableEntity)
		wantText(t, body, c.want)
		if answers, err := ts.store.FollowUpAnswers(context.Background(), p.app.ID); err != nil || len(answers) > 0 {
			t.Errorf("%s: stored %v (%v)", c.lang, answers, err)
		}
		resp, body = v.submit(t, f, url.Values{fields[school.PurposeArrival]: {"2027-08-22"},
			fields[school.PurposeDeparture]: {"2027-08-22"}, fields[school.PurposeEmergencyContact]: {"Jana, +420 601 000 000"}})
		wantStatus(t, resp, body, http.StatusSeeOther)
	}
}
