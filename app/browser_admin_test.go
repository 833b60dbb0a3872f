package app

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"registrar/app/school"
	"registrar/app/testkit"
)

// applyInEnglish sends an edition's long form in English as a person with the given name and
// returns the stored application.
func applyInEnglish(t testing.TB, ts *testServer, slug, given, family, email string) school.Application {
	t.Helper()
	answers := summerAnswers(t, ts, email)
	for k := range answers {
		if strings.HasPrefix(k, "q_") { // the summer school's own questions
			delete(answers, k)
		}
	}
	answers["given_name"] = []string{given}
	answers["family_name"] = []string{family}
	v := ts.visitor()
	f := v.openForm(t, applyPath(slug)+"?lang=en", applyPath(slug))
	resp, body := v.submit(t, f, answers, cvFile(strings.ToLower(family)+".pdf"))
	formSent(t, resp, body)
	// By address, not by the receipt's link: the outbox may have sent the receipt already, and a
	// sent email keeps no status link.
	e, err := ts.store.PublicEdition(context.Background(), slug)
	if err != nil {
		t.Fatal(err)
	}
	a, err := ts.store.ApplicationByEmail(context.Background(), e.ID, email)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// inboxEmail is the first message to addr whose subject starts with prefix.
func inboxEmail(t testing.TB, inbox *testkit.Inbox, addr, prefix string) (testkit.Email, bool) {
	t.Helper()
	for _, m := range inbox.Received() {
		if len(m.To) != 1 || m.To[0] != addr {
			continue
		}
		e := testkit.ReadEmail(t, m.Data)
		if strings.HasPrefix(e.Subject(t), prefix) {
			return e, true
		}
	}
	return testkit.Email{}, false
}

// waitForEmail waits until a message to addr whose subject starts with prefix arrives.
func waitForEmail(t testing.TB, inbox *testkit.Inbox, addr, prefix string) testkit.Email {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		if e, ok := inboxEmail(t, inbox, addr, prefix); ok {
			return e
		}
		if time.Now().After(deadline) {
			var got []string
			for _, m := range inbox.Received() {
				got = append(got, strings.Join(m.To, ",")+": "+testkit.ReadEmail(t, m.Data).Subject(t))
			}
			t.Fatalf("no email %q… to %s arrived; the inbox has:\n%s", prefix, addr, strings.Join(got, "\n"))
		}
		select {
		case <-inbox.Arrived():
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// openFromEmail is the address, on the test listener, of the status link in an email.
func openFromEmail(t testing.TB, base string, e testkit.Email) string {
	t.Helper()
	link := statusLinkInEmail.FindStringSubmatch(e.Text)
	if link == nil {
		t.Fatalf("the email has no status link:\n%s", e.Text)
	}
	return base + "/status/" + link[1]
}

// click presses a button or link and waits until the page shows want.
func click(t testing.TB, ctx context.Context, what string, sel chromedp.CSS, want chromedp.CSS) {
	t.Helper()
	browse(t, ctx, what, chromedp.Click(sel, chromedp.NodeVisible), chromedp.WaitVisible(want))
}

// TestBrowserOrganiserSelectsAndApplicantsAnswerTheirOffers: an organiser signs in, stages and
// releases decisions; the emails arrive over SMTP; one accepted applicant confirms from the
// link, the other declines, and the first on the waiting list receives the freed seat's offer.
func TestBrowserOrganiserSelectsAndApplicantsAnswerTheirOffers(t *testing.T) {
	ts, inbox := newMailingServer(t, "School of Migration Studies <school@registrar.test>", func(c *Config) { c.ApplyLimit = 10000 })

	e := createSelectionEdition(t, ts, "summer-school-2027-small", 2)
	organiser := createUser(t, ts, "organiser@school.test", school.RoleOrganiser)
	alice := applyInEnglish(t, ts, e.Slug, "Alice", "Arnold", "alice@example.org")
	carla := applyInEnglish(t, ts, e.Slug, "Carla", "Conti", "carla@example.org")
	bruno := applyInEnglish(t, ts, e.Slug, "Bruno", "Berger", "bruno@example.org")
	ts.runOutbox(t)  // after the applications: a sent receipt keeps no link to read
	inbox.Wait(t, 3) // the receipts

	base := ts.listen(t)
	office := testkit.NewTab(t)

	// The organiser signs in: the back office sends them to the login page and back.
	apps := "/admin/editions/" + strconv.FormatInt(e.ID, 10) + "/applications"
	browse(t, office, "open the back office", chromedp.Navigate(base+apps), chromedp.WaitVisible(chromedp.CSS(`#password`)))
	if loc := evaluate[string](t, office, `location.pathname + location.search`); loc != "/admin/login?next="+url.QueryEscape(apps) {
		t.Errorf("the back office sent a stranger to %s", loc)
	}
	testkit.CheckAccessibility(t, office, "login")
	browse(t, office, "sign in",
		chromedp.SendKeys(chromedp.CSS(`#email`), organiser.Email),
		chromedp.SendKeys(chromedp.CSS(`#password`), staffPassword),
		chromedp.Click(chromedp.CSS(`#main form[action="/admin/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#main table`)))
	if loc := evaluate[string](t, office, `location.pathname`); loc != apps {
		t.Fatalf("after login the organiser is at %s, want %s", loc, apps)
	}
	testkit.CheckAccessibility(t, office, "applications list")
	wantPageText(t, office, "the applications list", "3 applications", alice.Reference, "Arnold, Alice", "Berger, Bruno")

	browse(t, office, "open the dashboard", chromedp.Navigate(base+"/admin"), chromedp.WaitVisible(chromedp.CSS(`#main table`)))
	testkit.CheckAccessibility(t, office, "dashboard")
	wantPageText(t, office, "the dashboard", e.TitleEN, "0 / 2")
	edition := "/admin/editions/" + strconv.FormatInt(e.ID, 10)
	follow(t, office, chromedp.CSS(`#main a[href="`+edition+`"]`))
	testkit.CheckAccessibility(t, office, "edition dashboard")
	follow(t, office, chromedp.CSS(`#main a[href="`+apps+`"]`))

	// Stage: Alice and Carla accepted, Bruno first on the waiting list.
	stageIn := func(a school.Application, decision school.Status, rank int) {
		t.Helper()
		page := "/admin/applications/" + strconv.FormatInt(a.ID, 10)
		follow(t, office, chromedp.CSS(`#main a[href="`+page+`"]`))
		steps := []chromedp.Action[chromedp.Void]{
			chromedp.SetValue(chromedp.CSS(`#main select[name=decision]`), string(decision)),
		}
		if rank > 0 {
			steps = append(steps, chromedp.SendKeys(chromedp.CSS(`#main input[name=rank]`), strconv.Itoa(rank)))
		}
		steps = append(steps, chromedp.Click(chromedp.CSS(`#main form[action="`+page+`/decision"] button[type=submit]`)),
			chromedp.WaitVisible(chromedp.CSS(`#main p.notice[role=status]`)))
		browse(t, office, "stage "+string(decision)+" for "+a.GivenName, steps...)
		wantPageText(t, office, a.Reference, "The decision is staged")
		browse(t, office, "back to the list", chromedp.Navigate(base+apps), chromedp.WaitVisible(chromedp.CSS(`#main table`)))
	}
	stageIn(alice, school.StatusAccepted, 0)
	page := "/admin/applications/" + strconv.FormatInt(alice.ID, 10)
	browse(t, office, "open Alice's application", chromedp.Navigate(base+page), chromedp.WaitVisible(chromedp.CSS(`#decision`)))
	testkit.CheckAccessibility(t, office, "application page")
	browse(t, office, "back to the list", chromedp.Navigate(base+apps), chromedp.WaitVisible(chromedp.CSS(`#main table`)))
	stageIn(carla, school.StatusAccepted, 0)
	stageIn(bruno, school.StatusWaitlisted, 1)

	// The preview, then the release.
	decisions := "/admin/editions/" + strconv.FormatInt(e.ID, 10) + "/decisions"
	browse(t, office, "open the decisions", chromedp.Navigate(base+decisions), chromedp.WaitVisible(chromedp.CSS(`#main form[action="`+decisions+`"]`)))
	testkit.CheckAccessibility(t, office, "decisions page")
	wantPageText(t, office, "the decisions preview", "Offered a place: 2 emails", "On the waiting list: 1 email")
	browse(t, office, "confirm the release", chromedp.Click(chromedp.CSS(`#main form[action="`+decisions+`"] input[name=confirm]`)))
	click(t, office, "release", chromedp.CSS(`#main form[action="`+decisions+`"] button[type=submit]`), chromedp.CSS(`#main p.notice[role=status]`))
	wantPageText(t, office, "the decisions page after the release", "3 decisions released", "Seats taken: 2 / 2")

	aliceOffer := waitForEmail(t, inbox, alice.Email, "You are offered a place: "+e.TitleEN)
	carlaOffer := waitForEmail(t, inbox, carla.Email, "You are offered a place: "+e.TitleEN)
	waitForEmail(t, inbox, bruno.Email, "Waiting list: "+e.TitleEN)
	for _, m := range []testkit.Email{aliceOffer, carlaOffer} {
		if m.Header.Get("Content-Language") != "en" || !strings.Contains(m.Text, "Please confirm or decline your place by") {
			t.Errorf("the offer is not the English offer with its deadline:\n%s", m.Text)
		}
	}

	// Alice, in her own browser, confirms from the link in her email.
	applicant := testkit.NewTab(t)
	browse(t, applicant, "Alice opens her offer", chromedp.Navigate(openFromEmail(t, base, aliceOffer)), chromedp.WaitVisible(chromedp.CSS(`#offer`)))
	wantPageText(t, applicant, "Alice's status page", "Your place is waiting for your answer", "Please confirm or decline by")
	click(t, applicant, "Alice confirms", chromedp.CSS(`form[action$="/confirm"] button`), chromedp.CSS(`#main p.notice[role=status]`))
	if badge := strings.TrimSpace(evaluate[string](t, applicant, `document.querySelector('#main .badge').innerText`)); badge != "Confirmed" {
		t.Errorf("after confirming Alice's status is %q", badge)
	}
	waitForEmail(t, inbox, alice.Email, "Place confirmed: "+e.TitleEN)
	if st := statusOf(t, ts, alice.ID).Status; st != school.StatusConfirmed {
		t.Errorf("Alice is %s", st)
	}

	// Carla declines from hers, asked once more: the seat goes to Bruno, who gets an offer by email.
	browse(t, applicant, "Carla opens her offer", chromedp.Navigate(openFromEmail(t, base, carlaOffer)), chromedp.WaitVisible(chromedp.CSS(`#offer`)))
	follow(t, applicant, `#main a[href$="/decline"]`)
	wantPageText(t, applicant, "Carla's question", "You cannot undo this.")
	click(t, applicant, "Carla declines", chromedp.CSS(`form[action$="/decline"] button`), chromedp.CSS(`#main p.notice[role=status]`))
	if badge := strings.TrimSpace(evaluate[string](t, applicant, `document.querySelector('#main .badge').innerText`)); badge != "Declined" {
		t.Errorf("after declining Carla's status is %q", badge)
	}
	brunoOffer := waitForEmail(t, inbox, bruno.Email, "You are offered a place: "+e.TitleEN)
	browse(t, applicant, "Bruno opens his offer", chromedp.Navigate(openFromEmail(t, base, brunoOffer)), chromedp.WaitVisible(chromedp.CSS(`#offer`)))
	wantPageText(t, applicant, "Bruno's status page", "Offered a place", "Confirm my place")

	// The organiser sees the seats: Alice confirmed, Bruno's offer open.
	browse(t, office, "back to the dashboard", chromedp.Navigate(base+"/admin"), chromedp.WaitVisible(chromedp.CSS(`#main table`)))
	wantPageText(t, office, "the dashboard", "2 / 2")
	for _, c := range []struct {
		a    school.Application
		want school.Status
	}{{alice, school.StatusConfirmed}, {carla, school.StatusDeclined}, {bruno, school.StatusAccepted}} {
		if st := statusOf(t, ts, c.a.ID).Status; st != c.want {
			t.Errorf("%s is %s, want %s", c.a.GivenName, st, c.want)
		}
	}
}
