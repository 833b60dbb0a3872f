package app

import (
	"strings"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// isoCountries are the ISO 3166-1 alpha-2 codes of the world's countries and territories.
const isoCountries = `AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO
BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC
EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN
HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR
LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI
NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH
SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US
UY UZ VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW`

// country is one choice of a country list.
type country struct {
	Code string
	Name string
}

// countryLists holds, per interface language, every country sorted by its name in that language
// (Czech order puts "Č" after "C").
type countryLists map[string][]country

func newCountryLists() countryLists {
	codes := strings.Fields(isoCountries)
	lists := countryLists{}
	for _, lang := range []string{"en", "cs"} {
		tag := language.MustParse(lang)
		namer := display.Regions(tag)
		list := make([]country, 0, len(codes))
		for _, code := range codes {
			name := namer.Name(language.MustParseRegion(code))
			if name == "" {
				name = code
			}
			list = append(list, country{Code: code, Name: name})
		}
		coll := collate.New(tag)
		sortCountries(list, coll)
		lists[lang] = list
	}
	return lists
}

func sortCountries(list []country, coll *collate.Collator) {
	names := make([]string, len(list))
	for i := range list {
		names[i] = list[i].Name
	}
	byName := map[string]country{}
	for _, c := range list {
		byName[c.Name] = c
	}
	coll.SortStrings(names)
	for i, n := range names {
		list[i] = byName[n]
	}
}

// valid reports whether code is a country of the list.
func (l countryLists) valid(code string) bool {
	for _, c := range l["en"] {
		if c.Code == code {
			return true
		}
	}
	return false
}

// name is a country's name in lang, or the code when unknown.
func (l countryLists) name(lang, code string) string {
	for _, c := range l[lang] {
		if c.Code == code {
			return c.Name
		}
	}
	return code
}
