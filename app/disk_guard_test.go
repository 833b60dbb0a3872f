package app

import (
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"registrar/app/ops"
	"registrar/app/school"
	"registrar/app/testkit"
)

// fakeDisk is a disk of 10 GB whose free space the test sets.
type fakeDisk struct{ free atomic.Uint64 }

func (d *fakeDisk) spaceOf(string) (ops.Space, error) {
	return ops.Space{Free: d.free.Load(), Total: 10 << 30}, nil
}

// The issue: with the disk full, applicants got "403 … reload the page" and nobody was told.
// Now a disk below its threshold refuses new applications and uploads with a 503 in the
// applicant's language, reading pages keep working, /healthz says so, each admin gets one email
// and staff see a banner; once space is freed, applications are taken again.
func TestDiskNearlyFullRefusesApplicationsAndTellsAdminsOnce(t *testing.T) {
	disk := &fakeDisk{}
	disk.free.Store(5 << 30)
	clock := testkit.NewClock(demoNow)
	inbox := testkit.StartInbox(t)
	ts := newTestServerWith(t, clock.Now, func(c *Config) {
		c.ApplyLimit = 10000
		c.SMTPURL, c.MailFrom = inbox.URL(), "school@school.example"
		c.Ops.MinFreeDisk = ops.DefaultThreshold // 5 % of 10 GB: 512 MB
		c.Ops.SpaceOf = disk.spaceOf
	})
	createUser(t, ts, "admin@school.example", school.RoleAdmin)
	createUser(t, ts, "organiser@school.example", school.RoleOrganiser)
	summer, err := ts.store.PublicEdition(t.Context(), summerSlug)
	if err != nil {
		t.Fatal(err)
	}
	link := ts.visitor().applyOK(t, summerSlug, summerAnswers(t, ts, "early@example.org"), cvFile("cv.pdf"))
	// Started once the receipt's link is read: a sent email keeps no secret.
	ts.runOutbox(t)

	// The applicant opened the form while there was room; then the disk filled.
	applicant := ts.visitor()
	form := applicant.openForm(t, applyPath(summerSlug), applyPath(summerSlug))
	disk.free.Store(400 << 20)
	clock.Set(clock.Now().Add(diskCheckEvery))

	resp, body := applicant.submit(t, form, summerAnswers(t, ts, "late@example.org"), cvFile("cv.pdf"))
	wantStatus(t, resp, body, http.StatusServiceUnavailable)
	wantText(t, body, "We can't accept applications right now. Nothing was saved. Please try again later.")
	noApplication(t, ts, "late@example.org")
	resp, body = ts.visitor().get(t, applyPath(summerSlug)+"?lang=cs")
	wantStatus(t, resp, body, http.StatusServiceUnavailable)
	wantText(t, body, "Přihlášky teď nemůžeme přijímat. Nic se neuložilo. Zkuste to prosím později.")

	for _, path := range []string{"/", "/editions/" + summerSlug, "/archive", "/status/" + link} {
		resp, body := ts.visitor().get(t, path)
		wantStatus(t, resp, body, http.StatusOK)
	}
	resp, body = ts.get(t, "/healthz")
	wantStatus(t, resp, body, http.StatusOK)
	if !strings.Contains(body, `"status":"degraded"`) || !strings.Contains(body, `"disk":"low`) {
		t.Errorf("/healthz with the disk nearly full says %s", body)
	}

	staff := signIn(t, ts, "organiser@school.example")
	resp, body = staff.get(t, "/admin")
	wantStatus(t, resp, body, http.StatusOK)
	wantText(t, body, "The server's disk is nearly full")
	resp, body = ts.visitor().get(t, "/editions/"+summer.Slug)
	if strings.Contains(body, "disk is nearly full") {
		t.Errorf("a visitor sees the staff's banner")
	}

	// One email to each admin, however long the disk stays low.
	msgs := inbox.Wait(t, 2) // the early applicant's receipt, and the admin's email
	msgs = slices.DeleteFunc(msgs, func(m testkit.Message) bool { return m.To[0] == "early@example.org" })
	for range 3 {
		clock.Set(clock.Now().Add(diskCheckEvery))
		ts.visitor().get(t, applyPath(summerSlug))
	}
	time.Sleep(300 * time.Millisecond)
	if got := inbox.Received(); len(got) != 2 || len(msgs) != 1 || msgs[0].To[0] != "admin@school.example" {
		t.Fatalf("admins got %d emails, want one to the admin: %+v", len(got), got)
	}
	if got := testkit.ReadEmail(t, msgs[0].Data); !strings.Contains(got.Text, "New applications and uploads are refused") {
		t.Errorf("the admins' email says:\n%s", got.Text)
	}

	// Space freed: applications are taken again.
	disk.free.Store(2 << 30)
	clock.Set(clock.Now().Add(diskCheckEvery))
	resp, body = ts.visitor().apply(t, summerSlug, summerAnswers(t, ts, "later@example.org"), cvFile("cv.pdf"))
	formSent(t, resp, body)
	resp, body = staff.get(t, "/admin")
	if strings.Contains(body, "disk is nearly full") {
		t.Errorf("the banner stays once space is freed")
	}
}
