package db

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"registrar/app/school"
)

// The submission writer commits concurrent submissions in shared transactions: each must be
// stored once with its receipt and audit entry, a duplicate must fail alone, and the seats of
// an open edition must never be oversold.
func TestCreateApplicationGroupCommit(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, time.November, 27, 12, 0, 0, 0, time.UTC)
	s := openDemoStore(t, now)
	var conf school.Edition
	all, err := s.PublicEditions(ctx, EditionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range all {
		if e.Admission == school.AdmissionOpen && e.WindowAt(now) == school.WindowOpen {
			conf = e
		}
	}
	if conf.ID == 0 {
		t.Fatal("the demo has no open-admission edition taking registrations")
	}
	render := func(template string, a school.Application) (Email, error) {
		if a.GivenName == "Broken" {
			return Email{}, errors.New("cannot render")
		}
		return Email{To: a.Email, Lang: a.Lang, Subject: a.Reference, Text: a.Reference,
			Template: template, LinkHash: "receipt-" + a.Email}, nil
	}
	const people, tries = 200, 2 // everyone submits twice, at once
	var (
		mu         sync.Mutex
		references = map[string]string{}
		duplicates int
		wg         sync.WaitGroup
	)
	for i := range people * tries {
		wg.Add(1)
		go func() {
			defer wg.Done()
			email := fmt.Sprintf("p%d@group.example", i%people)
			name := "Load"
			if i == 7 {
				name = "Broken" // its renderer fails: only it may be lost
			}
			a := school.Application{Lang: "en", Email: email, GivenName: name, FamilyName: "Tester",
				Nationality: "CZ", Residence: "CZ"}
			got, err := s.CreateApplication(ctx, conf, a, fmt.Sprintf("landing-%d", i), now, render)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case errors.Is(err, ErrDuplicate):
				duplicates++
			case err != nil && name == "Broken":
			case err != nil:
				t.Errorf("%s: %v", email, err)
			default:
				if other, ok := references[got.Reference]; ok {
					t.Errorf("reference %s given to %s and %s", got.Reference, other, email)
				}
				references[got.Reference] = email
			}
		}()
	}
	wg.Wait()
	var apps, confirmed, waitlisted, ranks, receipts, audits int
	err = s.reader.QueryRowContext(ctx, `SELECT COUNT(*), SUM(status = 'confirmed'),
		SUM(status = 'waitlisted'), COUNT(DISTINCT NULLIF(waitlist_rank, 0)),
		(SELECT COUNT(*) FROM outbox o WHERE o.application_id IN (SELECT id FROM applications WHERE edition_id = ?1)),
		(SELECT COUNT(*) FROM audit_log l WHERE l.action = 'submit' AND l.entity_id IN (SELECT id FROM applications WHERE edition_id = ?1))
		FROM applications WHERE edition_id = ?1`, conf.ID).
		Scan(&apps, &confirmed, &waitlisted, &ranks, &receipts, &audits)
	if err != nil {
		t.Fatal(err)
	}
	if apps != len(references) || apps != people || receipts != apps || audits != apps {
		t.Errorf("%d stored, %d successes, %d people, %d receipts, %d audit entries", apps,
			len(references), people, receipts, audits)
	}
	if duplicates != people*tries-apps-1 && duplicates != people*tries-apps {
		t.Errorf("%d duplicates for %d submissions and %d stored", duplicates, people*tries, apps)
	}
	if confirmed != conf.Seats() || waitlisted != apps-confirmed || ranks != waitlisted {
		t.Errorf("%d confirmed for %d seats, %d waitlisted with %d distinct ranks", confirmed,
			conf.Seats(), waitlisted, ranks)
	}
}

func TestCreateApplicationCancelledAndClosed(t *testing.T) {
	now := time.Date(2026, time.November, 27, 12, 0, 0, 0, time.UTC)
	s := openDemoStore(t, now)
	e, err := s.PublicEdition(context.Background(), "summer-school-2027")
	if err != nil {
		t.Fatal(err)
	}
	a := school.Application{Lang: "en", Email: "late@group.example", GivenName: "Late", FamilyName: "Tester"}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.CreateApplication(ctx, e, a, "", now, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	if _, err := s.ApplicationByEmail(context.Background(), e.ID, a.Email); !errors.Is(err, ErrNotFound) {
		t.Errorf("a cancelled submission was stored: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	_, err = s.CreateApplication(context.Background(), e, a, "", now, nil)
	if !errors.Is(err, ErrClosed) || !strings.Contains(err.Error(), "closed") {
		t.Errorf("after Close: %v", err)
	}
}

// Receipts are rendered by the callers while the writer goes on; one that panics, or whose
// caller gives up once its submission was taken, must not lose the others or their receipts.
func TestCreateApplicationReceiptsRenderedByCallers(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, time.November, 27, 12, 0, 0, 0, time.UTC)
	s := openDemoStore(t, now)
	e, err := s.PublicEdition(ctx, "summer-school-2027")
	if err != nil {
		t.Fatal(err)
	}
	render := func(template string, a school.Application) (Email, error) {
		if a.GivenName == "Panics" {
			panic("a broken template")
		}
		time.Sleep(time.Millisecond) // long enough for others to queue behind
		return Email{To: a.Email, Lang: a.Lang, Subject: a.Reference, Text: a.Reference,
			Template: template, LinkHash: "receipt-" + a.Email}, nil
	}
	const people = 60
	errs := make([]error, people)
	var wg sync.WaitGroup
	for i := range people {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name, callerCtx := "Load", ctx
			switch i {
			case 13:
				name = "Panics"
			case 21: // gives up at once: either nothing is stored or all of it
				c, cancel := context.WithTimeout(ctx, time.Microsecond)
				defer cancel()
				callerCtx = c
			}
			a := school.Application{Lang: "en", Email: fmt.Sprintf("r%d@receipt.example", i), GivenName: name,
				FamilyName: "Tester", Nationality: "CZ", Residence: "CZ"}
			_, errs[i] = s.CreateApplication(callerCtx, e, a, fmt.Sprintf("landing-r%d", i), now, render)
		}()
	}
	wg.Wait()
	if errs[13] == nil || !strings.Contains(errs[13].Error(), "panic") {
		t.Errorf("the panicking receipt: %v", errs[13])
	}
	for i, err := range errs {
		var stored, receipts int
		if err := s.reader.QueryRowContext(ctx, `SELECT COUNT(*), (SELECT COUNT(*) FROM outbox o
			WHERE o.application_id = MAX(a.id)) FROM applications a WHERE a.edition_id = ? AND a.email = ?`,
			e.ID, fmt.Sprintf("r%d@receipt.example", i)).Scan(&stored, &receipts); err != nil {
			t.Fatal(err)
		}
		switch {
		case i == 13 && stored != 0:
			t.Error("the submission whose receipt panicked was stored")
		case i != 13 && err == nil && (stored != 1 || receipts != 1):
			t.Errorf("r%d: stored %d times with %d receipts", i, stored, receipts)
		case err != nil && i != 13 && (i != 21 || stored != 0):
			t.Errorf("r%d: %v (stored %d)", i, err, stored)
		}
	}
}
