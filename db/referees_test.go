package db

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"registrar/app/school"
)

// fakeRefereeRenderer renders a referee's email with a link numbered in order, so that a test
// can tell the links apart.
func fakeRefereeRenderer() (RefereeRenderer, *[]Email) {
	var sent []Email
	return func(r school.Referee, reminder bool) (Email, error) {
		n := len(sent) + 1
		m := Email{To: r.Email, Lang: r.Lang, Subject: fmt.Sprintf("ref %d %v", n, reminder),
			Text: fmt.Sprintf("/referee/secret-%d", n), Template: "referee_request",
			LinkHash: fmt.Sprintf("hash-%d", n), StatusToken: fmt.Sprintf("secret-%d", n)}
		sent = append(sent, m)
		return m, nil
	}, &sent
}

// A referee's life in the store: named, asked, asked again only after a day, replaced while
// nothing came, sending once, reminded once; erasure leaves nothing of them nor their letter.
func TestRefereesFromRequestToErasure(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, time.November, 27, 12, 0, 0, 0, time.UTC)
	s := openDemoStore(t, now)
	all, err := s.PublicEditions(ctx, EditionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var e school.Edition
	for _, ed := range all {
		if ed.WindowAt(now) == school.WindowOpen && ed.Admission == school.AdmissionSelection {
			e = ed
		}
	}
	if e.ID == 0 {
		t.Fatal("no open selective edition in the demo")
	}
	if err := s.SaveReferences(ctx, e.ID, school.References{Asked: 2, QuestionsEN: []string{"How long?"},
		ReviewersSeeLetters: true}, "user:1 o@example.org", now); err != nil {
		t.Fatal(err)
	}
	refs, err := s.References(ctx, e.ID)
	if err != nil || refs.Asked != 2 || !refs.ReviewersSeeLetters || len(refs.QuestionsEN) != 1 {
		t.Fatalf("references = %+v, %v", refs, err)
	}
	copyID, err := s.CloneEdition(ctx, e.ID, time.Time{}, 0, ActorSystem, now)
	if err != nil {
		t.Fatal(err)
	}
	if copied, err := s.References(ctx, copyID); err != nil || copied.Asked != 2 || !copied.Deadline.IsZero() || len(copied.QuestionsEN) != 1 {
		t.Errorf("the copy for next year asks %+v, %v", copied, err)
	}
	render, sent := fakeRefereeRenderer()
	named := []school.Referee{
		{Position: 1, Name: "Prof. One", Email: "one@uni.example", Relation: "supervisor", Lang: "cs"},
		{Position: 2, Name: "Dr Two", Email: "two@uni.example", Relation: "teacher", Lang: "cs"},
	}
	a, err := s.CreateApplicationNaming(ctx, e, school.Application{Lang: "cs", Email: "ref-test@example.org",
		GivenName: "Ref", FamilyName: "Test", Nationality: "CZ", Residence: "CZ"},
		NamedReferees{List: named, Render: render}, now, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(*sent) != 2 {
		t.Fatalf("%d requests rendered, want 2", len(*sent))
	}
	emails, _ := s.ApplicationEmails(ctx, a.ID)
	var toReferees int
	for _, m := range emails {
		if m.Template == "referee_request" {
			toReferees++
			if text, _ := m.Shown(); text != "/referee/"+WithheldLink {
				t.Errorf("staff see %q of a referee's email, want the secret withheld", text)
			}
		}
	}
	if toReferees != 2 {
		t.Errorf("%d referee emails in the outbox, want 2", toReferees)
	}

	one, err := s.RefereeByLink(ctx, "hash-1")
	if err != nil || one.Name != "Prof. One" {
		t.Fatalf("referee by link: %+v, %v", one, err)
	}
	if _, err := s.RefereeByLink(ctx, "hash-unknown"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown link: %v", err)
	}
	if err := s.ResendReferee(ctx, a.ID, 1, now.Add(time.Hour), render); !errors.Is(err, ErrTooSoon) {
		t.Errorf("asking again after an hour: %v, want ErrTooSoon", err)
	}
	later := now.Add(25 * time.Hour)
	if err := s.ResendReferee(ctx, a.ID, 1, later, render); err != nil {
		t.Fatal(err)
	}
	if r, err := s.RefereeByLink(ctx, "hash-1"); err != nil || r.ID != one.ID {
		t.Errorf("the first link stopped working when asked again: %v", err)
	}
	// The second referee is replaced: their link stops working.
	if corrected, err := s.ReplaceReferee(ctx, a.ID, school.Referee{Position: 2, Name: "Dr Three",
		Email: "three@uni.example", Relation: "employer", Lang: "cs"}, later, render); err != nil || corrected {
		t.Fatalf("replacing a referee: corrected %v, %v", corrected, err)
	}
	if _, err := s.RefereeByLink(ctx, "hash-2"); !errors.Is(err, ErrNotFound) {
		t.Errorf("a replaced referee's link still works: %v", err)
	}

	pdf := []byte("%PDF-1.4\nletter\n%%EOF\n")
	letter := &Upload{StoredName: "letter-abc", OriginalName: "letter.pdf", ContentType: "application/pdf", Size: int64(len(pdf))}
	if err := s.ReceiveReference(ctx, one.ID, Reference{Letter: letter, Data: pdf,
		Answers: []school.RefereeAnswer{{Question: "How long?", Answer: "Three years."}}}, later); err != nil {
		t.Fatal(err)
	}
	if err := s.ReceiveReference(ctx, one.ID, Reference{}, later); !errors.Is(err, ErrReferenceReceived) {
		t.Errorf("a second sending: %v, want ErrReferenceReceived", err)
	}
	if _, err := s.ReplaceReferee(ctx, a.ID, school.Referee{Position: 1, Name: "X", Email: "x@example.org",
		Relation: "x", Lang: "cs"}, later, render); !errors.Is(err, ErrReferenceReceived) {
		t.Errorf("replacing a referee who sent: %v", err)
	}
	stored, _, err := s.RefereeLetter(ctx, a.ID, one.ID)
	if err != nil {
		t.Fatal(err)
	}
	if data, err := s.FileData(ctx, stored); err != nil || string(data) != string(pdf) {
		t.Errorf("letter bytes: %q, %v", data, err)
	}
	list, err := s.Referees(ctx, a.ID)
	if err != nil || len(list) != 2 || !list[0].Received() || list[1].Received() || list[0].Answers[0].Answer != "Three years." {
		t.Fatalf("referees = %+v, %v", list, err)
	}
	counts, _ := s.RefereeCounts(ctx, e.ID)
	if counts[a.ID] != 1 {
		t.Errorf("received count %d, want 1", counts[a.ID])
	}

	waiting, err := s.WaitingReferees(ctx, now)
	if err != nil || len(waiting) != 1 || waiting[0].Referee.Name != "Dr Three" {
		t.Fatalf("waiting = %+v, %v", waiting, err)
	}
	before := len(*sent)
	for range 2 {
		if err := s.RemindReferee(ctx, waiting[0].Referee.ID, later, render); err != nil {
			t.Fatal(err)
		}
	}
	if len(*sent) != before+1 || (*sent)[before].Subject != fmt.Sprintf("ref %d true", before+1) {
		t.Errorf("reminders rendered: %d, want one", len(*sent)-before)
	}

	if err := s.RequestErasure(ctx, a.ID, later); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CarryOutErasure(ctx, a.ID, "user:1 o@example.org", later, func(string, school.Application) (Email, error) {
		return Email{To: "ref-test@example.org", Subject: "erased"}, nil
	}); err != nil {
		t.Fatal(err)
	}
	var left int
	if err := s.reader.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM referees) + (SELECT COUNT(*)
		FROM referee_links) + (SELECT COUNT(*) FROM file_blobs WHERE name = ?)`, stored).Scan(&left); err != nil {
		t.Fatal(err)
	}
	if left != 0 {
		t.Errorf("%d rows of referees, their links or letters left after erasure", left)
	}
	if _, err := s.RefereeByLink(ctx, "hash-1"); !errors.Is(err, ErrNotFound) {
		t.Errorf("a link of an erased application: %v", err)
	}
}

// The demo's summer school asks for one reference, and some letters are in.
func TestTheDemoSummerSchoolAsksForAReference(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, time.November, 27, 12, 0, 0, 0, time.UTC)
	s := openDemoStore(t, now)
	if err := s.LoadDemoApplicants(ctx, now); err != nil {
		t.Fatal(err)
	}
	e, err := s.PublicEdition(ctx, "summer-school-2027")
	if err != nil {
		t.Fatal(err)
	}
	refs, err := s.References(ctx, e.ID)
	if err != nil || refs.Asked != 1 || len(refs.QuestionsCS) != 2 {
		t.Fatalf("the demo asks %+v, %v", refs, err)
	}
	d, err := s.EditionRefereeData(ctx, e.ID)
	if err != nil || d.Referees == 0 || d.Letters == 0 || d.Letters == d.Referees {
		t.Fatalf("demo referees %+v, %v", d, err)
	}
	counts, _ := s.RefereeCounts(ctx, e.ID)
	for id, n := range counts {
		if n == 1 {
			list, _ := s.Referees(ctx, id)
			stored, _, err := s.RefereeLetter(ctx, id, list[0].ID)
			if err != nil {
				t.Fatal(err)
			}
			data, err := s.FileData(ctx, stored)
			if err != nil || !bytes.HasPrefix(data, []byte("%PDF-")) || !bytes.Contains(data[len(data)-10:], []byte("%%EOF")) {
				t.Errorf("a demo letter is no PDF: %.40q %v", data, err)
			}
			break
		}
	}
}

// An application naming referees is stored with them, their requests and its receipt, or not at
// all: among submissions written together, one whose referee's request cannot be rendered, and
// one whose receipt cannot, leave no application, referee nor email; the others keep theirs.
func TestAnApplicationIsStoredWithItsRefereesOrNotAtAll(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, time.November, 27, 12, 0, 0, 0, time.UTC)
	s := openDemoStore(t, now)
	all, err := s.PublicEditions(ctx, EditionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var e school.Edition
	for _, ed := range all {
		if ed.WindowAt(now) == school.WindowOpen && ed.Admission == school.AdmissionSelection {
			e = ed
		}
	}
	receipt := func(template string, a school.Application) (Email, error) {
		if a.GivenName == "Receipt" {
			return Email{}, errors.New("cannot render the receipt")
		}
		return Email{To: a.Email, Lang: a.Lang, Subject: a.Reference, Text: a.Reference, Template: template}, nil
	}
	const people = 20
	var wg sync.WaitGroup
	for i := range people {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := "Fine"
			switch i {
			case 3:
				name = "Referee"
			case 5:
				name = "Receipt"
			}
			a := school.Application{Lang: "en", Email: fmt.Sprintf("named%d@example.org", i), GivenName: name,
				FamilyName: "Tester", Nationality: "CZ", Residence: "CZ"}
			var n atomic.Int32
			named := NamedReferees{List: []school.Referee{{Position: 1, Name: "Dr Ref", Relation: "teacher",
				Email: fmt.Sprintf("ref%d@uni.example", i), Lang: "en"}},
				Render: func(r school.Referee, reminder bool) (Email, error) {
					if name == "Referee" {
						return Email{}, errors.New("cannot render the request")
					}
					k := n.Add(1)
					return Email{To: r.Email, Lang: r.Lang, Subject: "ref", Text: "ref", Template: "referee_request",
						LinkHash: fmt.Sprintf("hash-%d-%d", i, k)}, nil
				}}
			_, err := s.CreateApplicationNaming(ctx, e, a, named, now, receipt)
			if (err != nil) != (name != "Fine") {
				t.Errorf("%s (%s): %v", a.Email, name, err)
			}
		}()
	}
	wg.Wait()
	for i := range people {
		address := fmt.Sprintf("named%d@example.org", i)
		var apps, referees, emails int
		if err := s.reader.QueryRowContext(ctx, `SELECT
			(SELECT COUNT(*) FROM applications WHERE email = ?),
			(SELECT COUNT(*) FROM referees r JOIN applications a ON a.id = r.application_id WHERE a.email = ?),
			(SELECT COUNT(*) FROM outbox WHERE to_addr IN (?, ?))`,
			address, address, address, fmt.Sprintf("ref%d@uni.example", i)).Scan(&apps, &referees, &emails); err != nil {
			t.Fatal(err)
		}
		want := [3]int{1, 1, 2}
		if i == 3 || i == 5 {
			want = [3]int{}
		}
		if got := [3]int{apps, referees, emails}; got != want {
			t.Errorf("%s: %d applications, %d referees, %d emails; want %v", address, apps, referees, emails, want)
		}
	}
}
