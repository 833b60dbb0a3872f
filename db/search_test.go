package db

import (
	"context"
	"strings"
	"testing"
	"time"
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
			l.BioEN = `Writes <script>alert("x")</script> & studies quokkas.`
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
	if !strings.Contains(sn.Text, `<script>alert("x")</script> & studies quokkas.`) || strings.ContainsAny(sn.Text, markOpen+markClose) {
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
