package db

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"registrar/app/school"
)

func TestSearchReturnsPlainTextAndTheRangesThatMatched(t *testing.T) {
	ctx := context.Background()
	s := openDemoStore(t, time.Date(2026, time.March, 1, 10, 0, 0, 0, time.UTC))
	var found bool
	ls, err := s.Lecturers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range ls {
		if strings.Contains(l.Name, "Drbohlav") {
			l.BioEN = `Writes 1 < 2 & "x" studies quokkas.`
			if err := s.UpdateLecturer(ctx, l); err != nil {
				t.Fatal(err)
			}
			found = true
		}
	}
	if !found {
		t.Fatal("no demo lecturer Drbohlav")
	}
	hits, err := s.Search(ctx, "quokka", "en", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 1 || hits[0].Kind != "lecturer" {
		t.Fatalf("hits %+v, want the one lecturer", hits)
	}
	sn := hits[0].Snippet
	if !strings.Contains(sn.Text, `Writes 1 < 2 & "x" studies quokkas.`) || strings.ContainsAny(sn.Text, markOpen+markClose) {
		t.Errorf("snippet text %q, want the biography as typed, without markers", sn.Text)
	}
	if len(sn.Matches) != 1 || sn.Text[sn.Matches[0].Start:sn.Matches[0].End] != "quokkas" {
		t.Errorf("snippet matches %+v in %q, want the one word quokkas", sn.Matches, sn.Text)
	}
	if title := hits[0].Title; !strings.Contains(title.Text, "Drbohlav") || len(title.Matches) != 0 {
		t.Errorf("title %+v, want the name with nothing matched", title)
	}
}

func TestMatchedTextTakesOutTheMarkers(t *testing.T) {
	tests := []struct {
		in   string
		text string
		want []Match
	}{
		{"no match", "no match", nil},
		{"\x02Mig\x03ration", "Migration", []Match{{0, 3}}},
		{"a \x02b\x03 c \x02dé\x03", "a b c dé", []Match{{2, 3}, {6, 9}}},
		{"an \x02open end", "an open end", []Match{{3, 11}}},
		{"a stray\x03 close, an \x02\x03 empty one", "a stray close, an  empty one", nil},
	}
	for _, tt := range tests {
		m := matchedText(tt.in)
		if m.Text != tt.text || len(m.Matches) != len(tt.want) {
			t.Errorf("matchedText(%q) = %+v, want %q %v", tt.in, m, tt.text, tt.want)
			continue
		}
		for i := range tt.want {
			if m.Matches[i] != tt.want[i] {
				t.Errorf("matchedText(%q) = %+v, want %q %v", tt.in, m, tt.text, tt.want)
			}
		}
	}
}

// setLecturer changes the demo lecturer whose name has name.
func setLecturer(t *testing.T, s *Store, name string, change func(*school.Lecturer)) {
	t.Helper()
	ctx := context.Background()
	ls, err := s.Lecturers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range ls {
		if strings.Contains(l.Name, name) {
			change(&l)
			if err := s.UpdateLecturer(ctx, l); err != nil {
				t.Fatal(err)
			}
			return
		}
	}
	t.Fatalf("no demo lecturer %s", name)
}

func TestSearchSnippetsAreTheTextAReaderSeesNotItsMarkdown(t *testing.T) {
	ctx := context.Background()
	s := openDemoStore(t, time.Date(2026, time.March, 1, 10, 0, 0, 0, time.UTC))
	setLecturer(t, s, "Drbohlav", func(l *school.Lecturer) {
		l.BioEN = "**Magistrát** of [Prague](https://praha.eu), _studies_ quokkas.\n\n- one\n- two <b>bold</b>"
	})
	err := s.catalogueWrite(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE editions SET description_en = '## Wombats' || char(10) || char(10) || '*Lots* of `+"`wombats`"+`.'
			WHERE slug = 'summer-school-2016'`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string]string{
		"quokka": "Magistrát of Prague, studies quokkas. one; two bold.",
		"wombat": "Wombats. Lots of wombats.",
	} {
		hits, err := s.Search(ctx, q, "en", 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) != 1 {
			t.Fatalf("%s: hits %+v, want one", q, hits)
		}
		if sn := hits[0].Snippet.Text; !strings.Contains(sn, want) || strings.ContainsAny(sn, "*_[]#`<>") {
			t.Errorf("%s: snippet %q, want the plain text %q", q, sn, want)
		}
	}
}

func TestSearchShowsTheReadersLanguage(t *testing.T) {
	ctx := context.Background()
	s := openDemoStore(t, time.Date(2026, time.March, 1, 10, 0, 0, 0, time.UTC))
	setLecturer(t, s, "Drbohlav", func(l *school.Lecturer) {
		l.BioEN, l.BioCS = "Studies quokkas.", "Studuje vakoně."
	})
	setLecturer(t, s, "Hodžić", func(l *school.Lecturer) {
		l.BioEN, l.BioCS = "Studies wombats.", ""
	})
	tests := []struct {
		q, lang, want, not string
	}{
		{"drbohlav", "en", "Studies quokkas.", "vakoně"},
		{"drbohlav", "cs", "Studuje vakoně.", "quokkas"},
		{"quokka", "cs", "Studuje vakoně.", "quokkas"}, // found in English, shown in Czech
		{"vakon", "en", "Studies quokkas.", "vakoně"},
		{"wombat", "cs", "Studies wombats.", ""}, // no Czech biography: the English one
	}
	for _, tt := range tests {
		hits, err := s.Search(ctx, tt.q, tt.lang, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) == 0 || hits[0].Kind != "lecturer" {
			t.Fatalf("%s in %s: hits %+v, want the lecturer first", tt.q, tt.lang, hits)
		}
		sn := hits[0].Snippet.Text
		if !strings.Contains(sn, tt.want) || (tt.not != "" && strings.Contains(sn, tt.not)) {
			t.Errorf("%s in %s: snippet %q, want %q without %q", tt.q, tt.lang, sn, tt.want, tt.not)
		}
	}
}

func TestSearchHitsSayWhichEditionTheyBelongTo(t *testing.T) {
	ctx := context.Background()
	s := openDemoStore(t, time.Date(2026, time.March, 1, 10, 0, 0, 0, time.UTC))
	tests := []struct {
		q, lang, path, context string
	}{
		{"realities myths", "en", "/editions/summer-school-2016#session-", "Migration Studies 2016"},
		{"expertise", "en", "/editions/seminar-2001-counter-trafficking", "2001"},
		{"drbohlav", "en", "/lecturers/dusan-drbohlav", "Charles University"},
	}
	for _, tt := range tests {
		hits, err := s.Search(ctx, tt.q, tt.lang, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) == 0 || !strings.HasPrefix(hits[0].Path, tt.path) {
			t.Fatalf("%s: hits %+v, want %s first", tt.q, hits, tt.path)
		}
		if !strings.Contains(hits[0].Context, tt.context) {
			t.Errorf("%s: context %q, want %q in it", tt.q, hits[0].Context, tt.context)
		}
	}
}
