package app

import (
	"cmp"
	"slices"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

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
				sums[namer.Name(r)] += c.N
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

// regionOptions are the regions the application list filters by, named in lang.
func regionOptions(lang string) []option {
	namer := display.Regions(language.MustParse(lang))
	opts := make([]option, len(regions))
	for i, code := range regions {
		opts[i] = option{Value: code, Label: namer.Name(language.MustParseRegion(code))}
	}
	return opts
}
