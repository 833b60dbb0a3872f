package app

import (
	"cmp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"registrar/app/i18n"
	"registrar/app/school"
	"registrar/db"
)

// chart is a bar chart: a table whose rows are the labels and the figures in the page's own
// type, each with its bar drawn as SVG by the server, so it needs no JavaScript and reads at any
// width (a whole chart drawn as one SVG shrank its labels to 6 px on a phone).
type chart struct {
	Title string
	Bars  []bar
}

type bar struct {
	Label string
	N     int
	Width float64 // percent of the widest bar
}

func newChart(title string, counts []db.Count, label func(string) string, limit int) chart {
	c := chart{Title: title}
	most := 0
	for _, n := range counts {
		most = max(most, n.N)
	}
	for i, n := range counts {
		if limit > 0 && i == limit {
			break
		}
		w := 0.0
		if most > 0 {
			w = 100 * float64(n.N) / float64(most)
		}
		c.Bars = append(c.Bars, bar{Label: label(n.Key), N: n.N, Width: w})
	}
	return c
}

// timeline is the applications per day as columns, one a day from the first to the last, with
// no labels inside the drawing: the first and last day and the busiest are text beneath it, and
// every day's figure is in a table of its own, scrolled within a bounded height. A table row a
// day (the other charts' form) ran to some 2,000 px for a call of two months.
type timeline struct {
	Title                    string
	Days                     []column
	First, Last, Busiest     string
	DayHeading, CountHeading string
}

// column is one day of a timeline: its label and figure, and its column in a drawing 100 high
// and one wide a day.
type column struct {
	Label   string
	N       int
	X, Y, H float64
}

// newTimeline draws counts of UTC hours (YYYY-MM-DDTHH, as db.EditionStats.ByHour) as days in
// Prague, where the school is; a day missing between two others had no applications.
func newTimeline(title string, counts []db.Count, L *i18n.Translator) timeline {
	tl := timeline{Title: title, DayHeading: L.T("chart_day"), CountHeading: L.T("funnel_submitted")}
	byDay := map[time.Time]int{}
	var first, last time.Time
	most := 0
	for _, c := range counts {
		hour, err := time.Parse("2006-01-02T15", c.Key)
		if err != nil {
			continue
		}
		local := hour.In(school.Prague)
		d := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, time.UTC)
		if first.IsZero() || d.Before(first) {
			first = d
		}
		if d.After(last) {
			last = d
		}
		byDay[d] += c.N
		most = max(most, byDay[d])
	}
	if first.IsZero() {
		return tl
	}
	busiest := first
	for d, i := first, 0; !d.After(last); d, i = d.AddDate(0, 0, 1), i+1 {
		n := byDay[d]
		h := max(0.5, 100*float64(n)/float64(most)) // a day of none still shows as a line
		tl.Days = append(tl.Days, column{Label: L.Date(d), N: n, X: float64(i) + 0.1, Y: 100 - h, H: h})
		if n > byDay[busiest] {
			busiest = d
		}
	}
	tl.First, tl.Last = L.Date(first), L.Date(last)
	tl.Busiest = L.T("chart_busiest", "Day", L.Date(busiest), "Count", byDay[busiest])
	return tl
}

// regions are the UN M49 regions the dashboard groups countries by: Central Asia and Eastern
// Europe first, where many of the school's participants come from.
var regions = []string{"143", "151", "145", "034", "030", "035", "154", "155", "039", "002", "019", "009"}

// byRegion sums country counts into UN M49 regions.
func byRegion(counts []db.Count, lang string) []db.Count {
	namer := display.Regions(language.MustParse(lang))
	sums := map[string]int{}
	for _, c := range counts {
		country, err := language.ParseRegion(c.Key)
		if err != nil {
			sums["?"] += c.N
			continue
		}
		found := false
		for _, code := range regions {
			r := language.MustParseRegion(code)
			if r.Contains(country) {
				sums[regionName(namer, r)] += c.N
				found = true
				break
			}
		}
		if !found {
			sums["?"] += c.N
		}
	}
	out := make([]db.Count, 0, len(sums))
	for k, n := range sums {
		out = append(out, db.Count{Key: k, N: n})
	}
	slices.SortFunc(out, func(a, b db.Count) int {
		return cmp.Or(cmp.Compare(b.N, a.N), cmp.Compare(a.Key, b.Key))
	})
	return out
}

// regionCountries lists the countries of a UN M49 region of the dashboard's list; nil for any
// other code.
func regionCountries(code string) []string {
	if !slices.Contains(regions, code) {
		return nil
	}
	r := language.MustParseRegion(code)
	var out []string
	for _, c := range strings.Fields(isoCountries) {
		if country, err := language.ParseRegion(c); err == nil && r.Contains(country) {
			out = append(out, c)
		}
	}
	return out
}

// regionName names a region as a label: CLDR writes Czech region names in lower case, as inside
// a sentence ("východní Evropa"), which reads wrong beside countries in a chart or a list.
func regionName(namer display.Namer, r language.Region) string {
	name := namer.Name(r)
	first, size := utf8.DecodeRuneInString(name)
	return string(unicode.ToUpper(first)) + name[size:]
}

// regionOptions are the regions the application list filters by, named in lang.
func regionOptions(lang string) []option {
	namer := display.Regions(language.MustParse(lang))
	opts := make([]option, len(regions))
	for i, code := range regions {
		opts[i] = option{Value: code, Label: regionName(namer, language.MustParseRegion(code))}
	}
	return opts
}
