package i18n

import (
	"io/fs"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"

	"registrar/app/school"
	"registrar/views"
)

// catalogue reads one message catalogue as plain TOML.
func catalogue(t *testing.T, lang string) map[string]any {
	t.Helper()
	data, err := fs.ReadFile(views.FS, "locales/"+lang+".toml")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := toml.Unmarshal(data, &m); err != nil {
		t.Fatalf("%s.toml: %v", lang, err)
	}
	return m
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func TestCataloguesHaveTheSameKeys(t *testing.T) {
	en, cs := catalogue(t, "en"), catalogue(t, "cs")
	for _, k := range sortedKeys(en) {
		if _, ok := cs[k]; !ok {
			t.Errorf("%q is in en.toml but not in cs.toml", k)
		}
	}
	for _, k := range sortedKeys(cs) {
		if _, ok := en[k]; !ok {
			t.Errorf("%q is in cs.toml but not in en.toml", k)
		}
	}
	for _, k := range sortedKeys(en) {
		_, enPlural := en[k].(map[string]any)
		_, csPlural := cs[k].(map[string]any)
		if _, ok := cs[k]; ok && enPlural != csPlural {
			t.Errorf("%q is a plural message in one catalogue and a plain one in the other", k)
		}
	}
}

func TestNoMessageIsEmpty(t *testing.T) {
	for _, lang := range Languages {
		m := catalogue(t, lang)
		for _, k := range sortedKeys(m) {
			switch v := m[k].(type) {
			case string:
				if strings.TrimSpace(v) == "" {
					t.Errorf("%s.toml: %q is empty", lang, k)
				}
			case map[string]any:
				for form, text := range v {
					if s, _ := text.(string); strings.TrimSpace(s) == "" {
						t.Errorf("%s.toml: %q.%s is empty", lang, k, form)
					}
				}
			default:
				t.Errorf("%s.toml: %q is a %T, want a string or a plural table", lang, k, v)
			}
		}
	}
}

func TestPluralMessagesHaveEveryFormTheLanguageNeeds(t *testing.T) {
	forms := map[string][]string{"en": {"one", "other"}, "cs": {"few", "one", "other"}}
	for lang, want := range forms {
		m := catalogue(t, lang)
		plurals := 0
		for _, k := range sortedKeys(m) {
			table, ok := m[k].(map[string]any)
			if !ok {
				continue
			}
			plurals++
			got := sortedKeys(table)
			if !slices.Equal(got, want) {
				t.Errorf("%s.toml: %q has the forms %v, want %v", lang, k, got, want)
			}
		}
		if plurals == 0 {
			t.Errorf("%s.toml has no plural messages; days_left at least should be one", lang)
		}
	}
}

// messageUse finds `.L.T "id"` and `.L.N "id"` (also `$.L.T "id"`) in templates.
var messageUse = regexp.MustCompile(`\.L\.[TN] "([^"]+)"`)

func TestEveryMessageUsedInTemplatesExists(t *testing.T) {
	en, cs := catalogue(t, "en"), catalogue(t, "cs")
	used := 0
	err := fs.WalkDir(views.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		data, err := fs.ReadFile(views.FS, p)
		if err != nil {
			return err
		}
		for _, m := range messageUse.FindAllStringSubmatch(string(data), -1) {
			used++
			id := m[1]
			if _, ok := en[id]; !ok {
				t.Errorf("%s uses %q, missing from en.toml", p, id)
			}
			if _, ok := cs[id]; !ok {
				t.Errorf("%s uses %q, missing from cs.toml", p, id)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if used < 20 {
		t.Errorf("found only %d message uses in the templates; is the pattern still right?", used)
	}
}

// Templates build some ids from values (print "kind_" .Kind): every value must have a message.
func TestEveryValueShownByPrefixHasAMessage(t *testing.T) {
	var ids []string
	for _, k := range school.Kinds {
		ids = append(ids, "kind_"+string(k))
	}
	for _, m := range []school.Mode{school.ModeInPerson, school.ModeOnline, school.ModeHybrid} {
		ids = append(ids, "mode_"+string(m))
	}
	for _, k := range []school.SessionKind{school.SessionLecture, school.SessionPanel,
		school.SessionWorkshop, school.SessionStudyVisit, school.SessionSocial, school.SessionOpening} {
		ids = append(ids, "session_"+string(k))
	}
	for _, lang := range Languages {
		ids = append(ids, "language_"+lang)
	}
	ids = append(ids, "hit_edition", "hit_session", "hit_lecturer")
	for _, lang := range Languages {
		m := catalogue(t, lang)
		for _, id := range ids {
			if _, ok := m[id]; !ok {
				t.Errorf("%s.toml has no %q", lang, id)
			}
		}
	}
}

func TestFromAcceptLanguage(t *testing.T) {
	tests := []struct {
		header string
		want   string
	}{
		{"", "en"},
		{"cs-CZ,cs;q=0.9", "cs"},
		{"cs", "cs"},
		{"cs-CZ,cs;q=0.9,en-US;q=0.8,en;q=0.7", "cs"},
		{"en-GB,en;q=0.9,cs;q=0.8", "en"},
		{"de", "en"},
		{"de-DE,de;q=0.9", "en"},
		{"*", "en"},
		{"not a header;;;q=x", "en"},
	}
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			if got := FromAcceptLanguage(tt.header); got != tt.want {
				t.Errorf("FromAcceptLanguage(%q) = %q, want %q", tt.header, got, tt.want)
			}
		})
	}
}

func loadBundle(t *testing.T) *Bundle {
	t.Helper()
	b, err := Load(views.FS)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestDatesTimesAndMoneyInEachLanguage(t *testing.T) {
	b := loadBundle(t)
	en, cs := b.Translator("en"), b.Translator("cs")
	const nbsp = "\u00a0"
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"English date", en.Date(date(2016, time.September, 4)), "4 September 2016"},
		{"Czech date in the genitive", cs.Date(date(2016, time.September, 4)), "4. září 2016"},
		{"Czech January", cs.Date(date(2027, time.January, 11)), "11. ledna 2027"},
		{"zero date is empty", en.Date(time.Time{}), ""},
		{"English date with its weekday", en.DayDate(date(2028, time.July, 3)), "Monday 3 July 2028"},
		{"Czech date with its weekday in lower case", cs.DayDate(date(2028, time.July, 5)), "středa 5. července 2028"},
		{"English range in one month", en.DateRange(date(2016, time.September, 4), date(2016, time.September, 10)), "4–10 September 2016"},
		{"Czech range in one month", cs.DateRange(date(2016, time.September, 4), date(2016, time.September, 10)), "4.–10. září 2016"},
		{"one-day range is one date", en.DateRange(date(2001, time.November, 14), date(2001, time.November, 14)), "14 November 2001"},
		{"range across months", en.DateRange(date(2019, time.August, 30), date(2019, time.September, 2)), "30 August 2019 – 2 September 2019"},
		{"Czech range across years", cs.DateRange(date(2026, time.December, 30), date(2027, time.January, 2)), "30. prosince 2026 – 2. ledna 2027"},
		{"English moment in summer time", en.Moment(time.Date(2027, 7, 15, 21, 59, 0, 0, time.UTC)), "15 July 2027, 23:59 (Prague time, CEST)"},
		{"Czech moment in summer time", cs.Moment(time.Date(2027, 7, 15, 21, 59, 0, 0, time.UTC)), "15. července 2027, 23:59 (čas v Praze, SELČ)"},
		{"English moment in winter time", en.Moment(time.Date(2027, 1, 11, 22, 59, 0, 0, time.UTC)), "11 January 2027, 23:59 (Prague time, CET)"},
		{"a moment just after midnight in Prague is on the Prague day", en.Moment(time.Date(2027, 7, 15, 22, 30, 0, 0, time.UTC)), "16 July 2027, 00:30 (Prague time, CEST)"},
		{"zero moment is empty", en.Moment(time.Time{}), ""},
		{"English whole euros", en.Money(33000, "EUR"), "330" + nbsp + "EUR"},
		{"Czech whole euros", cs.Money(33000, "EUR"), "330" + nbsp + "EUR"},
		{"English thousands", en.Money(230000, "CZK"), "2,300" + nbsp + "CZK"},
		{"Czech thousands with a space", cs.Money(230000, "CZK"), "2" + nbsp + "300" + nbsp + "CZK"},
		{"English cents", en.Money(123456789, "EUR"), "1,234,567.89" + nbsp + "EUR"},
		{"Czech cents with a comma", cs.Money(123456789, "EUR"), "1" + nbsp + "234" + nbsp + "567,89" + nbsp + "EUR"},
		{"single cent", en.Money(5, "EUR"), "0.05" + nbsp + "EUR"},
		{"nothing", en.Money(0, "EUR"), "0" + nbsp + "EUR"},
		{"English number", en.Number(40000), "40,000"},
		{"Czech number with a space", cs.Number(40000), "40" + nbsp + "000"},
		{"small number", cs.Number(500), "500"},
		{"negative number", en.Number(-1234567), "-1,234,567"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
}

func TestMessagesAndPlurals(t *testing.T) {
	b := loadBundle(t)
	en, cs := b.Translator("en"), b.Translator("cs")
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"English message", en.T("home_open_calls"), "Open calls"},
		{"Czech message", cs.T("home_open_calls"), "Otevřené výzvy"},
		{"an unknown language is English", b.Translator("de").T("home_open_calls"), "Open calls"},
		{"a missing message shows its id", cs.T("no_such_message"), "no_such_message"},
		{"placeholders are filled", en.T("call_opens_on", "When", "1 May"), "Applications open on 1 May."},
		{"English one", en.N("days_left", 1), "1 day left"},
		{"English other", en.N("days_left", 46), "46 days left"},
		{"English zero", en.N("days_left", 0), "0 days left"},
		{"Czech one", cs.N("days_left", 1), "Zbývá 1 den"},
		{"Czech few", cs.N("days_left", 3), "Zbývají 3 dny"},
		{"Czech other", cs.N("days_left", 5), "Zbývá 5 dní"},
		{"Czech other for many", cs.N("editions_count", 22), "22 ročníků"},
		{"Czech few for editions", cs.N("editions_count", 4), "4 ročníky"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
}
