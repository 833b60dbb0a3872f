package db

import (
	"context"
	"path/filepath"
	"regexp"
	"testing"
	"time"
)

// searchTerms is what SearchQuery may give: up to eight quoted prefix terms of letters and digits.
var searchTerms = regexp.MustCompile(`^("[\p{L}\p{Nd}]{1,40}"\*( "[\p{L}\p{Nd}]{1,40}"\*){0,7})?$`)

// FuzzSearchQuery quotes anything typed into the search box: the FTS5 query holds only quoted
// words, and the search runs without an error on the demo catalogue.
func FuzzSearchQuery(f *testing.F) {
	ctx := context.Background()
	s, err := Open(filepath.Join(f.TempDir(), "registrar.db"))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { s.Close() })
	if err := s.Migrate(ctx); err != nil {
		f.Fatal(err)
	}
	if err := s.LoadDemo(ctx, time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)); err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{"migration", "Letní škola", `"`, `*`, "a OR b", "NEAR(a b)", "title:x", "^start",
		"a AND NOT b", "(", "-x", "x\x00y", "ǅungla", "١٢٣", "migrace*"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, q string) {
		fts := SearchQuery(q)
		if !searchTerms.MatchString(fts) {
			t.Fatalf("%q quoted as %q", q, fts)
		}
		if _, err := s.Search(ctx, q, "en", 5); err != nil {
			t.Fatalf("searching %q (%q): %v", q, fts, err)
		}
	})
}
