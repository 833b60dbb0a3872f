package school

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestEditionProblems(t *testing.T) {
	good := Edition{TitleEN: "Summer School 2027", StartsOn: day(2027, 7, 5), EndsOn: day(2027, 7, 16),
		OpensAt: day(2027, 1, 10), ClosesAt: day(2027, 3, 31), Status: EditionDraft}
	tests := []struct {
		name   string
		change func(e *Edition)
		want   []Problem
	}{
		{"a good edition", func(e *Edition) {}, nil},
		{"ends before it starts", func(e *Edition) { e.EndsOn = day(2027, 7, 4) }, []Problem{{"ends_on", "edition_error_ends_before"}}},
		{"one day", func(e *Edition) { e.EndsOn = e.StartsOn }, nil},
		{"closes before it opens", func(e *Edition) { e.ClosesAt = e.OpensAt }, []Problem{{"closes_on", "edition_error_closes_before"}}},
		{"opens without closing", func(e *Edition) { e.ClosesAt = time.Time{} }, []Problem{{"closes_on", "edition_error_window_half"}}},
		{"no window at all", func(e *Edition) { e.OpensAt, e.ClosesAt = time.Time{}, time.Time{} }, nil},
		{"negative seats", func(e *Edition) { e.SeatsOnline = -1 }, []Problem{{"seats_online", "edition_error_negative"}}},
		{"a draft without dates", func(e *Edition) { e.StartsOn, e.EndsOn = time.Time{}, time.Time{} }, nil},
		{"published without dates", func(e *Edition) {
			e.Status, e.StartsOn, e.EndsOn = EditionPublished, time.Time{}, time.Time{}
		}, []Problem{{"starts_on", "edition_error_publish_dates"}, {"ends_on", "edition_error_publish_dates"}}},
		{"published with a Czech title only", func(e *Edition) { e.Status, e.TitleEN, e.TitleCS = EditionPublished, "", "Letní škola" }, nil},
		{"archived without a title", func(e *Edition) { e.Status, e.TitleEN = EditionArchived, " " }, []Problem{{"title_en", "edition_error_publish_title"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := good
			tt.change(&e)
			if got := e.Problems(); !slices.Equal(got, tt.want) {
				t.Errorf("problems %v, want %v", got, tt.want)
			}
		})
	}
}

func TestSlugify(t *testing.T) {
	for in, want := range map[string]string{
		"Letní škola migračních studií": "letni-skola-migracnich-studii",
		"  Winter School / 2027 ":       "winter-school-2027",
		"Žluťoučký kůň":                 "zlutoucky-kun",
		"":                              "",
		"Jiří Nováček":                  "jiri-novacek",
		"O'Brien, Seán":                 "o-brien-sean",
		"<script>alert(1)</script>":     "script-alert-1-script",
		"李雷":                            "",
		strings.Repeat("a b ", 30):      strings.TrimSuffix(strings.Repeat("a-b-", 20), "-"),
	} {
		if got := Slugify(in); got != want {
			t.Errorf("Slugify(%q) = %q, want %q", in, got, want)
		}
	}
}
