// Package i18n translates the interface into English and Czech: messages from the TOML
// catalogues in views/locales (go-i18n, with Czech plural forms), and dates, times and money in
// each language's conventions, always in the school's time zone.
package i18n

import (
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"

	"registrar/app/school"
)

// Languages are the interface languages, the default first.
var Languages = []string{"en", "cs"}

// Supported reports whether lang is an interface language.
func Supported(lang string) bool { return lang == "en" || lang == "cs" }

var matcher = language.NewMatcher([]language.Tag{language.English, language.Czech})

// FromAcceptLanguage picks the interface language that best fits an Accept-Language header.
func FromAcceptLanguage(header string) string {
	tags, _, err := language.ParseAcceptLanguage(header)
	if err != nil || len(tags) == 0 {
		return "en"
	}
	_, index, confidence := matcher.Match(tags...)
	if confidence == language.No {
		return "en"
	}
	return Languages[index]
}

// Bundle holds the message catalogues.
type Bundle struct {
	bundle      *goi18n.Bundle
	translators map[string]*Translator
}

// Load reads locales/en.toml and locales/cs.toml from fsys.
func Load(fsys fs.FS) (*Bundle, error) {
	bundle := goi18n.NewBundle(language.English)
	bundle.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	for _, lang := range Languages {
		data, err := fs.ReadFile(fsys, "locales/"+lang+".toml")
		if err != nil {
			return nil, fmt.Errorf("i18n: %w", err)
		}
		if _, err := bundle.ParseMessageFileBytes(data, lang+".toml"); err != nil {
			return nil, fmt.Errorf("i18n: %s: %w", lang, err)
		}
	}
	b := &Bundle{bundle: bundle, translators: map[string]*Translator{}}
	for _, lang := range Languages {
		b.translators[lang] = &Translator{Lang: lang, localizer: goi18n.NewLocalizer(bundle, lang)}
	}
	return b, nil
}

// Translator returns the translator for lang, English for an unknown one.
func (b *Bundle) Translator(lang string) *Translator {
	if t, ok := b.translators[lang]; ok {
		return t
	}
	return b.translators["en"]
}

// Translator translates into one language.
type Translator struct {
	Lang      string
	localizer *goi18n.Localizer
}

// T translates the message id; args are name, value pairs for its placeholders. A missing
// message shows its id, so it is noticed rather than hidden.
func (t *Translator) T(id string, args ...any) string {
	cfg := &goi18n.LocalizeConfig{MessageID: id}
	if len(args) > 0 {
		data := make(map[string]any, len(args)/2)
		for i := 0; i+1 < len(args); i += 2 {
			data[fmt.Sprint(args[i])] = args[i+1]
		}
		cfg.TemplateData = data
	}
	s, err := t.localizer.Localize(cfg)
	if err != nil {
		return id
	}
	return s
}

// N translates a message that depends on count (Czech has one, few and other forms); the
// message sees the number as {{.Count}}.
func (t *Translator) N(id string, count int) string {
	s, err := t.localizer.Localize(&goi18n.LocalizeConfig{
		MessageID:    id,
		PluralCount:  count,
		TemplateData: map[string]any{"Count": count},
	})
	if err != nil {
		return id
	}
	return s
}

var monthsEN = [...]string{"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December"}

// Czech dates use the genitive: "4. září 2016".
var monthsCS = [...]string{"ledna", "února", "března", "dubna", "května", "června", "července",
	"srpna", "září", "října", "listopadu", "prosince"}

// Date formats a calendar date (stored as midnight UTC) as "4 September 2016" or "4. září 2016".
func (t *Translator) Date(d time.Time) string {
	if d.IsZero() {
		return ""
	}
	if t.Lang == "cs" {
		return fmt.Sprintf("%d. %s %d", d.Day(), monthsCS[d.Month()-1], d.Year())
	}
	return fmt.Sprintf("%d %s %d", d.Day(), monthsEN[d.Month()-1], d.Year())
}

var weekdaysEN = [...]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}

// Czech weekdays are written in lower case.
var weekdaysCS = [...]string{"neděle", "pondělí", "úterý", "středa", "čtvrtek", "pátek", "sobota"}

// Weekday names the day of the week of a calendar date: "Monday", "pondělí".
func (t *Translator) Weekday(d time.Time) string {
	if t.Lang == "cs" {
		return weekdaysCS[d.Weekday()]
	}
	return weekdaysEN[d.Weekday()]
}

// DayDate formats a calendar date with its weekday: "Monday 6 July 2028", "pondělí 6. července 2028".
func (t *Translator) DayDate(d time.Time) string {
	if d.IsZero() {
		return ""
	}
	return t.Weekday(d) + " " + t.Date(d)
}

// DateRange formats the days an edition runs, shortening what the two dates share.
func (t *Translator) DateRange(from, to time.Time) string {
	switch {
	case from.Equal(to):
		return t.Date(from)
	case from.Year() == to.Year() && from.Month() == to.Month():
		if t.Lang == "cs" {
			return fmt.Sprintf("%d.–%s", from.Day(), t.Date(to))
		}
		return fmt.Sprintf("%d–%s", from.Day(), t.Date(to))
	default:
		return t.Date(from) + " – " + t.Date(to)
	}
}

// Moment formats an instant in Prague time with the zone stated: "15 July 2027, 23:59 (Prague
// time, CEST)", in Czech "15. července 2027, 23:59 (čas v Praze, SELČ)".
func (t *Translator) Moment(at time.Time) string {
	if at.IsZero() {
		return ""
	}
	local := at.In(school.Prague)
	day := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, time.UTC)
	zone, _ := local.Zone() // CET or CEST, which Czech writes SEČ and SELČ
	return fmt.Sprintf("%s, %s (%s)", t.Date(day), local.Format("15:04"),
		t.T("time_zone_prague", "Zone", t.T("time_zone_"+zone)))
}

// Money formats an amount in minor units: "330 EUR", "2,300 CZK" or "2 300 CZK".
func (t *Translator) Money(cents int64, currency string) string {
	whole, frac := cents/100, cents%100
	dec := "."
	if t.Lang == "cs" {
		dec = ","
	}
	s := t.Number(whole)
	if frac != 0 {
		s += fmt.Sprintf("%s%02d", dec, frac)
	}
	return s + "\u00a0" + currency
}

// Number writes a whole number with its thousands grouped as the language does: "40,000" or
// "40 000" (a non-breaking space, so that a line never breaks inside it).
func (t *Translator) Number(n int64) string {
	sep := ","
	if t.Lang == "cs" {
		sep = "\u00a0"
	}
	digits := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, r := range digits {
		if i > 0 && r != '-' && digits[i-1] != '-' && (len(digits)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	return b.String()
}
