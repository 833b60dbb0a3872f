package db

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"registrar/app/school"
)

// attendedApplications stores n applications to an open demo edition and moves them to attended.
func attendedApplications(t *testing.T, s *Store, now time.Time, n int) (school.Edition, []school.Application) {
	t.Helper()
	ctx := context.Background()
	all, err := s.PublicEditions(ctx, EditionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var e school.Edition
	for _, ed := range all {
		if ed.Admission == school.AdmissionOpen && ed.WindowAt(now) == school.WindowOpen {
			e = ed
		}
	}
	if e.ID == 0 {
		t.Fatal("the demo has no open-admission edition taking registrations")
	}
	var apps []school.Application
	for i := range n {
		a, err := s.CreateApplication(ctx, e, school.Application{Lang: "en", Email: fmt.Sprintf("d%d@documents.example", i),
			GivenName: fmt.Sprintf("Person%d", i), FamilyName: "Tester", Nationality: "CZ", Residence: "CZ"}, "", now, nil)
		if err != nil {
			t.Fatal(err)
		}
		if a, err = s.TransitionApplication(ctx, a.ID, school.StatusAttended, ActorSystem, now, nil); err != nil {
			t.Fatal(err)
		}
		apps = append(apps, a)
	}
	return e, apps
}

func TestADocumentIsIssuedOnceEvenWhenAskedForAtOnce(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, time.November, 27, 12, 0, 0, 0, time.UTC)
	s := openDemoStore(t, now)
	_, apps := attendedApplications(t, s, now, 1)
	a := apps[0]
	var wg sync.WaitGroup
	codes := make([]string, 20)
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d, err := s.IssueDocument(ctx, a, school.DocumentVisaLetter, ActorApplicant, now.Add(time.Duration(i)*time.Minute))
			if err != nil {
				t.Error(err)
			}
			codes[i] = d.Code
		}()
	}
	wg.Wait()
	for _, c := range codes {
		if c != codes[0] || len(c) != 12 {
			t.Fatalf("codes %v", codes)
		}
	}
	d, err := s.DocumentByCode(ctx, codes[0])
	if err != nil || d.HolderName != "Person0 Tester" || d.Kind != school.DocumentVisaLetter || d.ApplicationID != a.ID {
		t.Errorf("document by code: %+v, %v", d, err)
	}
	if _, err := s.DocumentByCode(ctx, "000000000000"); !errors.Is(err, ErrNotFound) {
		t.Errorf("an unknown code: %v", err)
	}
	history, err := s.ApplicationHistory(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	issued := 0
	for _, h := range history {
		if h.Action == "visa_letter_issued" {
			issued++
		}
	}
	if issued != 1 {
		t.Errorf("%d audit entries, want 1", issued)
	}
}

func TestIssuingCertificatesIsAllOrNothing(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, time.November, 27, 12, 0, 0, 0, time.UTC)
	s := openDemoStore(t, now)
	e, apps := attendedApplications(t, s, now, 3)
	failing := func(template string, a school.Application) (Email, error) {
		if a.ID == apps[2].ID {
			return Email{}, errors.New("cannot render")
		}
		return Email{To: a.Email, Lang: a.Lang, Subject: template, Text: template, Template: template}, nil
	}
	if _, err := s.IssueCertificates(ctx, e.ID, ActorSystem, now, failing); err == nil {
		t.Fatal("a failing email did not fail the issue")
	}
	if n, err := s.CertificatesToIssue(ctx, e.ID); err != nil || n != 3 {
		t.Fatalf("after a failed issue %d certificates to issue (%v), want 3", n, err)
	}
	working := func(template string, a school.Application) (Email, error) {
		return Email{To: a.Email, Lang: a.Lang, Subject: template, Text: template, Template: template}, nil
	}
	if n, err := s.IssueCertificates(ctx, e.ID, ActorSystem, now, working); err != nil || n != 3 {
		t.Fatalf("issued %d (%v), want 3", n, err)
	}
	if n, err := s.IssueCertificates(ctx, e.ID, ActorSystem, now, working); err != nil || n != 0 {
		t.Fatalf("issued %d more (%v), want 0", n, err)
	}
	for _, a := range apps {
		if _, err := s.IssuedDocument(ctx, a.ID, school.DocumentCertificate); err != nil {
			t.Errorf("%s: %v", a.Reference, err)
		}
	}
}
