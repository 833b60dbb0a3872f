package app

import (
	"cmp"
	"errors"
	"html/template"
	"math"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-playground/validator/v10"
	"github.com/gofiber/fiber/v2"

	"registrar/app/i18n"
	"registrar/app/mail"
	"registrar/app/school"
	"registrar/db"
)

// editionForm is the edition editor's form as typed: strings only, so that nothing typed is
// lost to a parse error and every problem becomes a message beside its field.
type editionForm struct {
	Series          string   `form:"series" validate:"required"`
	SeriesNameEN    string   `form:"series_name_en" validate:"required_if=Series new,singleline,max=200"`
	SeriesNameCS    string   `form:"series_name_cs" validate:"singleline,max=200"`
	Slug            string   `form:"slug" validate:"singleline,max=100"`
	Year            string   `form:"year" validate:"required,numeric"`
	Kind            string   `form:"kind" validate:"required,oneof=summer_school winter_school conference seminar workshop"`
	TitleEN         string   `form:"title_en" validate:"singleline,max=200"`
	TitleCS         string   `form:"title_cs" validate:"singleline,max=200"`
	ThemeEN         string   `form:"theme_en" validate:"singleline,max=300"`
	ThemeCS         string   `form:"theme_cs" validate:"singleline,max=300"`
	DescriptionEN   string   `form:"description_en" validate:"max=20000"`
	DescriptionCS   string   `form:"description_cs" validate:"max=20000"`
	StartsOn        string   `form:"starts_on" validate:"omitempty,datetime=2006-01-02"`
	EndsOn          string   `form:"ends_on" validate:"omitempty,datetime=2006-01-02"`
	Venue           string   `form:"venue" validate:"singleline,max=200"`
	VenueCS         string   `form:"venue_cs" validate:"singleline,max=200"`
	City            string   `form:"city" validate:"singleline,max=100"`
	CityCS          string   `form:"city_cs" validate:"singleline,max=100"`
	Mode            string   `form:"mode" validate:"required,oneof=in_person online hybrid"`
	Language        string   `form:"language" validate:"required,oneof=en cs"`
	Fee             string   `form:"fee" validate:"omitempty,numeric"`
	Currency        string   `form:"currency" validate:"required,oneof=EUR CZK USD"`
	SeatsInPerson   string   `form:"seats_in_person" validate:"required,numeric"`
	SeatsOnline     string   `form:"seats_online" validate:"required,numeric"`
	OpensOn         string   `form:"opens_on" validate:"omitempty,datetime=2006-01-02"`
	OpensTime       string   `form:"opens_time" validate:"omitempty,datetime=15:04"`
	ClosesOn        string   `form:"closes_on" validate:"omitempty,datetime=2006-01-02"`
	ClosesTime      string   `form:"closes_time" validate:"omitempty,datetime=15:04"`
	Admission       string   `form:"admission" validate:"required,oneof=selection open"`
	OfferDays       string   `form:"offer_days" validate:"required,numeric"`
	RequiredReviews string   `form:"required_reviews" validate:"required,numeric"`
	BlindReview     string   `form:"blind_review" validate:"omitempty,eq=yes"`
	BlindHidden     []string `form:"blind_hidden"` // the identifying details blind review hides
	AutoPromote     string   `form:"auto_promote" validate:"omitempty,eq=yes"`
	RetentionMonths string   `form:"retention_months" validate:"required,numeric"`
	SignatoryName   string   `form:"signatory_name" validate:"singleline,max=200"`
	SignatoryTitle  string   `form:"signatory_title" validate:"singleline,max=200"`
	Hours           string   `form:"hours" validate:"omitempty,numeric"`
	PaymentHolder   string   `form:"payment_holder" validate:"singleline,max=70"`
	PaymentIBAN     string   `form:"payment_iban" validate:"max=42"`
	PaymentBIC      string   `form:"payment_bic" validate:"max=11"`
	PaymentDueOn    string   `form:"payment_due_on" validate:"omitempty,datetime=2006-01-02"`
	OptionalFields  []string `form:"optional_fields"`
}

// editionFormFields names each form field by its struct field, for validator's errors.
var editionFormFields = formNames(editionForm{})

// slugPattern is what an address may look like: lower-case ASCII words joined by hyphens.
var slugPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

func formFromEdition(e school.Edition) editionForm {
	f := editionForm{
		Series: strconv.FormatInt(e.SeriesID, 10), Slug: e.Slug, Year: strconv.Itoa(e.Year), Kind: string(e.Kind),
		TitleEN: e.TitleEN, TitleCS: e.TitleCS, ThemeEN: e.ThemeEN, ThemeCS: e.ThemeCS,
		DescriptionEN: e.DescriptionEN, DescriptionCS: e.DescriptionCS, Venue: e.Venue, City: e.City,
		VenueCS: e.VenueCS, CityCS: e.CityCS,
		Mode: string(e.Mode), Language: e.Language, Currency: e.Currency,
		SeatsInPerson: strconv.Itoa(e.SeatsInPerson), SeatsOnline: strconv.Itoa(e.SeatsOnline),
		Admission: string(e.Admission), OfferDays: strconv.Itoa(e.OfferDays),
		RequiredReviews: strconv.Itoa(e.RequiredReviews), RetentionMonths: strconv.Itoa(e.RetentionMonths),
		SignatoryName: e.SignatoryName, SignatoryTitle: e.SignatoryTitle, Hours: strconv.Itoa(e.Hours),
		PaymentHolder: e.Payment.Holder, PaymentIBAN: school.GroupIBAN(e.Payment.IBAN), PaymentBIC: e.Payment.BIC,
	}
	if !e.Payment.DueOn.IsZero() {
		f.PaymentDueOn = e.Payment.DueOn.Format("2006-01-02")
	}
	if e.SeriesID == 0 {
		f.Series = ""
	}
	if e.FeeCents != 0 {
		f.Fee = strconv.FormatFloat(float64(e.FeeCents)/100, 'f', -1, 64)
	}
	if !e.StartsOn.IsZero() {
		f.StartsOn = e.StartsOn.Format("2006-01-02")
	}
	if !e.EndsOn.IsZero() {
		f.EndsOn = e.EndsOn.Format("2006-01-02")
	}
	if !e.OpensAt.IsZero() {
		t := e.OpensAt.In(school.Prague)
		f.OpensOn, f.OpensTime = t.Format("2006-01-02"), t.Format("15:04")
	}
	if !e.ClosesAt.IsZero() {
		t := e.ClosesAt.In(school.Prague)
		f.ClosesOn, f.ClosesTime = t.Format("2006-01-02"), t.Format("15:04")
	}
	if e.BlindReview {
		f.BlindReview = "yes"
	}
	for _, field := range school.IdentifyingFields {
		if !slices.Contains(e.BlindShown, field) {
			f.BlindHidden = append(f.BlindHidden, string(field))
		}
	}
	if !e.ManualWaitlist {
		f.AutoPromote = "yes"
	}
	for _, of := range e.OptionalFields {
		f.OptionalFields = append(f.OptionalFields, string(of))
	}
	return f
}

// newEditionDefaults is what a new edition's form starts with.
func newEditionDefaults(now time.Time) school.Edition {
	return school.Edition{Year: now.In(school.Prague).Year() + 1, Kind: school.KindSummerSchool,
		Mode: school.ModeInPerson, Language: "en", Currency: "EUR", Admission: school.AdmissionSelection,
		OfferDays: 7, RequiredReviews: 2, RetentionMonths: 6, OptionalFields: school.OptionalFields}
}

// parseEditionForm copies the form out of the request. Every field is a string, so parsing
// cannot fail on a type: a bad number becomes a message beside its field.
func parseEditionForm(c *fiber.Ctx) (editionForm, error) {
	var f editionForm
	if err := c.BodyParser(&f); err != nil {
		return f, err
	}
	v := reflect.ValueOf(&f).Elem()
	for i := range v.NumField() {
		if fv := v.Field(i); fv.Kind() == reflect.String {
			fv.SetString(strings.TrimSpace(strings.ToValidUTF8(fv.String(), "\uFFFD")))
		}
	}
	f.DescriptionEN, f.DescriptionCS = mail.NormaliseText(f.DescriptionEN), mail.NormaliseText(f.DescriptionCS)
	f.Currency = strings.ToUpper(f.Currency)
	f.Fee = strings.ReplaceAll(f.Fee, ",", ".")
	f.PaymentBIC = school.NormaliseIBAN(f.PaymentBIC) // a BIC too is written in groups, upper case
	return f, nil
}

// editionFromForm builds the edition the form describes onto base (its id and status), adding
// every problem to errs.
func (s *Server) editionFromForm(f editionForm, base school.Edition, series []school.Series, L *i18n.Translator,
	errs *formErrors) (school.Edition, *school.Series) {
	e := base
	err := s.validate.Struct(f)
	var verrs validator.ValidationErrors
	if errors.As(err, &verrs) {
		for _, fe := range verrs {
			name := editionFormFields[fe.StructField()]
			if fe.Tag() == "numeric" {
				errs.add(name, L.T("edition_error_number"))
				continue
			}
			errs.add(name, validationMessage(L, fe))
		}
	}
	var newSeries *school.Series
	seriesSlug := ""
	switch f.Series {
	case "", "new":
		if f.SeriesNameEN != "" {
			newSeries = &school.Series{Slug: school.Slugify(f.SeriesNameEN), NameEN: f.SeriesNameEN, NameCS: f.SeriesNameCS}
			if seriesSlug = newSeries.Slug; seriesSlug == "" {
				errs.add("series_name_en", L.T("edition_error_slug"))
			}
		}
	default:
		i := slices.IndexFunc(series, func(sr school.Series) bool { return strconv.FormatInt(sr.ID, 10) == f.Series })
		if i < 0 {
			errs.add("series", L.T("validation_choice"))
			break
		}
		e.SeriesID, seriesSlug = series[i].ID, series[i].Slug
	}
	if f.Slug != "" && !slugPattern.MatchString(f.Slug) {
		errs.add("slug", L.T("edition_error_slug"))
	}
	// In form order, so that the summary lists problems as the form does. Seats have no lower
	// bound here: a negative number is the domain's to refuse, with its own message.
	ints := []struct {
		name, value string
		dst         *int
		min, max    int
	}{
		{"year", f.Year, &e.Year, 1990, 2100},
		{"seats_in_person", f.SeatsInPerson, &e.SeatsInPerson, math.MinInt32, 100000},
		{"seats_online", f.SeatsOnline, &e.SeatsOnline, math.MinInt32, 100000},
		{"offer_days", f.OfferDays, &e.OfferDays, 1, 90},
		{"required_reviews", f.RequiredReviews, &e.RequiredReviews, 1, 10},
		{"retention_months", f.RetentionMonths, &e.RetentionMonths, 1, 120},
		{"hours", f.Hours, &e.Hours, 0, 1000},
	}
	for _, in := range ints {
		*in.dst = 0
		if in.value == "" {
			continue
		}
		n, err := strconv.Atoi(in.value)
		if err != nil || n < in.min || n > in.max {
			errs.add(in.name, L.T("edition_error_range", "Min", max(in.min, 0), "Max", in.max))
			continue
		}
		*in.dst = n
	}
	e.FeeCents = 0
	if f.Fee != "" {
		fee, err := strconv.ParseFloat(f.Fee, 64)
		if err != nil || fee > 1e7 {
			errs.add("fee", L.T("edition_error_number"))
		} else {
			e.FeeCents = int64(math.Round(fee * 100))
		}
	}
	if f.Slug == "" && seriesSlug != "" && e.Year != 0 {
		f.Slug = school.EditionSlug(seriesSlug, e.Year)
	}
	if f.Slug == "" {
		errs.add("slug", L.T("validation_required"))
	}
	e.Slug, e.Kind, e.Mode, e.Language, e.Currency = f.Slug, school.Kind(f.Kind), school.Mode(f.Mode), f.Language, f.Currency
	e.TitleEN, e.TitleCS, e.ThemeEN, e.ThemeCS = f.TitleEN, f.TitleCS, f.ThemeEN, f.ThemeCS
	e.DescriptionEN, e.DescriptionCS, e.Venue, e.City = f.DescriptionEN, f.DescriptionCS, f.Venue, f.City
	e.VenueCS, e.CityCS = f.VenueCS, f.CityCS
	e.Admission, e.SignatoryName, e.SignatoryTitle = school.Admission(f.Admission), f.SignatoryName, f.SignatoryTitle
	e.BlindReview, e.ManualWaitlist = f.BlindReview == "yes", f.AutoPromote != "yes"
	e.BlindShown = nil
	for _, field := range school.IdentifyingFields {
		if !slices.Contains(f.BlindHidden, string(field)) {
			e.BlindShown = append(e.BlindShown, field)
		}
	}
	e.StartsOn, _ = time.Parse("2006-01-02", f.StartsOn)
	e.EndsOn, _ = time.Parse("2006-01-02", f.EndsOn)
	e.Payment = school.PaymentAccount{Holder: f.PaymentHolder, IBAN: school.NormaliseIBAN(f.PaymentIBAN), BIC: f.PaymentBIC}
	e.Payment.DueOn, _ = time.Parse("2006-01-02", f.PaymentDueOn)
	e.OpensAt = pragueMoment(f.OpensOn, f.OpensTime, "00:00")
	e.ClosesAt = pragueMoment(f.ClosesOn, f.ClosesTime, "23:59")
	e.OptionalFields = nil
	for _, of := range school.OptionalFields {
		if slices.Contains(f.OptionalFields, string(of)) {
			e.OptionalFields = append(e.OptionalFields, of)
		}
	}
	for _, p := range e.Problems() {
		errs.add(p.Field, L.T(p.Message))
	}
	return e, newSeries
}

// pragueMoment reads a date and a time of day in Prague as an instant in UTC; zero without a
// date, and at otherwise when no time is given.
func pragueMoment(date, clock, otherwise string) time.Time {
	if date == "" {
		return time.Time{}
	}
	if clock == "" {
		clock = otherwise
	}
	t, err := time.ParseInLocation("2006-01-02 15:04", date+" "+clock, school.Prague)
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}

// editionEditorPage is the edition editor.
type editionEditorPage struct {
	User     school.User
	Edition  school.Edition // the stored edition; ID 0 for a new one
	Action   string
	Sections []editorSection
	Errors   []fieldMessage
	Preview  []markdownPreview
	Done     string
	Problems []string      // what stops publishing, for the status buttons
	History  []historyLine // who created, saved, copied, published it, newest first
	Copied   []string      // what a copy just made took over from its original
	// References is the form of what the edition asks of referees, below the edition's own
	// (admin_referees.go); nil for a new edition.
	References *referenceSettings
}

// editionHistoryShown is how many of an edition's audit entries its editor lists.
const editionHistoryShown = 10

// editorNotices are the notices the editor shows after a change.
var editorNotices = []string{"saved", "cloned", "draft", "published", "archived"}

// editorSection is a fieldset of the editor; each row is shown side by side.
type editorSection struct {
	Legend string
	Rows   [][]formField
}

// markdownPreview is a description rendered as the public page will show it.
type markdownPreview struct {
	Lang string
	HTML template.HTML
}

// editorView builds the editor's sections from the form as typed.
func (s *Server) editorView(f editionForm, series []school.Series, errs formErrors, L *i18n.Translator) []editorSection {
	field := func(name, typ string, required bool, value string, max int) formField {
		return formField{Name: name, Label: L.T("editor_" + name), Type: typ, Required: required, Value: value,
			Error: errs.msg[name], MaxLength: max}
	}
	help := func(ff formField, key string) formField { ff.Help = L.T(key); return ff }
	choices := func(prefix string, values ...string) []option {
		opts := make([]option, len(values))
		for i, v := range values {
			opts[i] = option{Value: v, Label: L.T(prefix + v)}
		}
		return opts
	}
	seriesField := field("series", "select", true, f.Series, 0)
	for _, sr := range series {
		seriesField.Options = append(seriesField.Options, option{Value: strconv.FormatInt(sr.ID, 10), Label: sr.Name(L.Lang)})
	}
	seriesField.Options = append(seriesField.Options, option{Value: "new", Label: L.T("editor_series_new")})
	kinds := make([]string, len(school.Kinds))
	for i, k := range school.Kinds {
		kinds[i] = string(k)
	}
	optional := field("optional_fields", "checkboxes", false, "", 0)
	optional.Values = f.OptionalFields
	for _, of := range school.OptionalFields {
		optional.Options = append(optional.Options, option{Value: string(of), Label: L.T("editor_optional_" + string(of))})
	}
	checkbox := func(name, value string) formField { return field(name, "checkbox", false, value, 0) }
	blindHidden := field("blind_hidden", "checkboxes", false, "", 0)
	blindHidden.Values = f.BlindHidden
	for _, bf := range school.IdentifyingFields {
		blindHidden.Options = append(blindHidden.Options, option{Value: string(bf), Label: L.T("blind_field_" + string(bf))})
	}
	currency := field("currency", "select", true, f.Currency, 0)
	currency.Options = []option{{"EUR", "EUR"}, {"CZK", "CZK"}, {"USD", "USD"}}
	year := field("year", "number", true, f.Year, 4)
	description := func(name, value string) formField {
		return help(field(name, "textarea", false, value, 20000), "editor_markdown_help")
	}
	return []editorSection{
		{L.T("editor_section_identity"), [][]formField{
			{seriesField, year},
			{field("series_name_en", "text", false, f.SeriesNameEN, 200), field("series_name_cs", "text", false, f.SeriesNameCS, 200)},
			{help(field("slug", "text", false, f.Slug, 100), "editor_slug_help"), withOptions(field("kind", "select", true, f.Kind, 0), choices("kind_", kinds...))},
		}},
		{L.T("editor_section_texts"), [][]formField{
			{field("title_en", "text", false, f.TitleEN, 200), field("title_cs", "text", false, f.TitleCS, 200)},
			{field("theme_en", "text", false, f.ThemeEN, 300), field("theme_cs", "text", false, f.ThemeCS, 300)},
			{description("description_en", f.DescriptionEN), description("description_cs", f.DescriptionCS)},
		}},
		{L.T("editor_section_event"), [][]formField{
			{field("starts_on", "date", false, f.StartsOn, 0), field("ends_on", "date", false, f.EndsOn, 0)},
			{field("venue", "text", false, f.Venue, 200), help(field("venue_cs", "text", false, f.VenueCS, 200), "editor_place_cs_help")},
			{field("city", "text", false, f.City, 100), help(field("city_cs", "text", false, f.CityCS, 100), "editor_place_cs_help")},
			{withOptions(field("mode", "select", true, f.Mode, 0), choices("mode_", "in_person", "online", "hybrid")),
				withOptions(field("language", "select", true, f.Language, 0), choices("language_", "en", "cs"))},
			{field("fee", "text", false, f.Fee, 12), currency},
			{field("seats_in_person", "number", true, f.SeatsInPerson, 6), field("seats_online", "number", true, f.SeatsOnline, 6)},
		}},
		{L.T("editor_section_window"), [][]formField{
			{field("opens_on", "date", false, f.OpensOn, 0), help(field("opens_time", "time", false, f.OpensTime, 5), "editor_prague_time")},
			{field("closes_on", "date", false, f.ClosesOn, 0), help(field("closes_time", "time", false, f.ClosesTime, 5), "editor_closes_help")},
			{withOptions(field("admission", "select", true, f.Admission, 0), choices("editor_admission_", "selection", "open")),
				help(field("offer_days", "number", true, f.OfferDays, 3), "editor_offer_days_help")},
		}},
		{L.T("editor_section_selection"), [][]formField{
			{field("required_reviews", "number", true, f.RequiredReviews, 2), help(field("retention_months", "number", true, f.RetentionMonths, 3), "editor_retention_help")},
			{checkbox("blind_review", f.BlindReview), checkbox("auto_promote", f.AutoPromote)},
			{blindHidden},
			{optional},
		}},
		{L.T("editor_section_payment"), [][]formField{
			{help(field("payment_holder", "text", false, f.PaymentHolder, 70), "editor_payment_help")},
			{help(field("payment_iban", "text", false, f.PaymentIBAN, 42), "editor_payment_iban_help"), field("payment_bic", "text", false, f.PaymentBIC, 11)},
			{field("payment_due_on", "date", false, f.PaymentDueOn, 0)},
		}},
		{L.T("editor_section_letters"), [][]formField{
			{field("signatory_name", "text", false, f.SignatoryName, 200), field("signatory_title", "text", false, f.SignatoryTitle, 200)},
			{help(field("hours", "number", false, f.Hours, 4), "editor_hours_help")},
		}},
	}
}

func withOptions(f formField, opts []option) formField { f.Options = opts; return f }

// editorPage renders the editor with the form as typed, errors and a preview when asked.
func (s *Server) editorPage(c *fiber.Ctx, status int, e school.Edition, f editionForm, errs formErrors, preview bool) error {
	L := s.i18n.Translator(langOf(c))
	series, err := s.store.Series(c.UserContext())
	if err != nil {
		return err
	}
	data := editionEditorPage{User: currentUser(c), Edition: e, Done: doneNotice(c, editorNotices),
		Sections: s.editorView(f, series, errs, L)}
	data.Action = "/admin/editions/new"
	title := L.T("editor_new_title")
	if e.ID != 0 {
		data.Action = "/admin/editions/" + strconv.FormatInt(e.ID, 10) + "/edit"
		title = L.T("editor_edit_title", "Title", cmp.Or(e.Title(L.Lang), e.Slug))
		for _, p := range e.PublishProblems() {
			data.Problems = append(data.Problems, L.T(p.Message))
		}
		if data.History, err = s.editionHistory(c, e, L); err != nil {
			return err
		}
		if data.References, err = s.editorReferences(c, e); err != nil {
			return err
		}
		if data.Done == "cloned" {
			contents, err := s.store.EditionContents(c.UserContext(), e.ID)
			if err != nil {
				return err
			}
			data.Copied = copiedLines(L, contents)
		}
	}
	for _, name := range errs.order {
		data.Errors = append(data.Errors, fieldMessage{Field: name, Label: L.T("editor_" + name), Message: errs.msg[name]})
	}
	if preview {
		data.Done = ""
		for _, p := range []struct{ lang, text string }{{"en", f.DescriptionEN}, {"cs", f.DescriptionCS}} {
			data.Preview = append(data.Preview, markdownPreview{Lang: p.lang, HTML: s.markdown.render(p.text)})
		}
	}
	return s.renderStatus(c, status, "admin/edition_edit", s.newPage(c, title, "admin", data))
}

// showNewEdition shows an empty editor.
func (s *Server) showNewEdition(c *fiber.Ctx) error {
	f := formFromEdition(newEditionDefaults(s.now()))
	return s.editorPage(c, fiber.StatusOK, school.Edition{}, f, formErrors{}, false)
}

// showEditionEditor shows the editor of an edition the user may run.
func (s *Server) showEditionEditor(c *fiber.Ctx) error {
	e, err := s.pathEdition(c)
	if err != nil {
		return err
	}
	return s.editorPage(c, fiber.StatusOK, e, formFromEdition(e), formErrors{}, false)
}

// createEdition stores a new draft edition, or shows the form again with its problems or with
// the preview asked for.
func (s *Server) createEdition(c *fiber.Ctx) error {
	return s.saveEditionForm(c, school.Edition{Status: school.EditionDraft})
}

// saveEdition saves the editor of an existing edition.
func (s *Server) saveEdition(c *fiber.Ctx) error {
	e, err := s.pathEdition(c)
	if err != nil {
		return err
	}
	return s.saveEditionForm(c, e)
}

func (s *Server) saveEditionForm(c *fiber.Ctx, stored school.Edition) error {
	L := s.i18n.Translator(langOf(c))
	f, err := parseEditionForm(c)
	if err != nil {
		return badRequest(L.T("error_form_unreadable"))
	}
	series, err := s.store.Series(c.UserContext())
	if err != nil {
		return err
	}
	var errs formErrors
	e, newSeries := s.editionFromForm(f, stored, series, L, &errs)
	f.Slug = e.Slug
	if c.FormValue("action") == "preview" {
		return s.editorPage(c, fiber.StatusOK, stored, f, errs, true)
	}
	if !errs.empty() {
		return s.editorPage(c, fiber.StatusUnprocessableEntity, stored, f, errs, false)
	}
	draft := db.EditionDraft{Edition: e, NewSeries: newSeries, Actor: userActor(currentUser(c))}
	if stored.ID != 0 {
		if draft.Render, err = s.emails.Renderer(c.UserContext(), e); err != nil {
			return err
		}
	}
	if stored.ID == 0 {
		scope, err := s.editionScope(c)
		if err != nil {
			return err
		}
		if !scope.All {
			draft.AssignTo = currentUser(c).ID
		}
	}
	id, err := s.store.SaveEdition(c.UserContext(), draft, s.now())
	if below := (*school.SeatsBelowHeld)(nil); errors.As(err, &below) {
		errs.add("seats_in_person", seatsHeldMessage(L, below.Held))
		return s.editorPage(c, fiber.StatusUnprocessableEntity, stored, f, errs, false)
	}
	if errors.Is(err, db.ErrSlugTaken) {
		if newSeries != nil && slices.ContainsFunc(series, func(sr school.Series) bool { return sr.Slug == newSeries.Slug }) {
			errs.add("series_name_en", L.T("editor_error_series_taken"))
		} else {
			errs.add("slug", L.T("editor_error_slug_taken", "Slug", e.Slug))
		}
		return s.editorPage(c, fiber.StatusUnprocessableEntity, stored, f, errs, false)
	}
	if err != nil {
		return err
	}
	return c.Redirect("/admin/editions/"+strconv.FormatInt(id, 10)+"/edit?done=saved", fiber.StatusSeeOther)
}

// unpublishPage asks whether to unpublish a live or an archived edition.
type unpublishPage struct {
	User    school.User
	Edition school.Edition
}

// setEditionStatus publishes, unpublishes or archives an edition. Publishing and archiving
// need the edition's dates and a title: the editor says what is missing otherwise.
func (s *Server) setEditionStatus(c *fiber.Ctx) error {
	e, err := s.pathEdition(c)
	if err != nil {
		return err
	}
	status := school.EditionStatus(c.FormValue("status"))
	if !slices.Contains([]school.EditionStatus{school.EditionDraft, school.EditionPublished, school.EditionArchived}, status) {
		return badRequest(s.i18n.Translator(langOf(c)).T("validation_choice"))
	}
	if status != school.EditionDraft {
		if problems := e.PublishProblems(); len(problems) > 0 {
			L := s.i18n.Translator(langOf(c))
			var errs formErrors
			for _, p := range problems {
				errs.add(p.Field, L.T(p.Message))
			}
			return s.editorPage(c, fiber.StatusUnprocessableEntity, e, formFromEdition(e), errs, false)
		}
	}
	// Unpublishing takes a live edition's page and form, or an archived one's page among the past
	// editions, offline at once: asked once more.
	if status == school.EditionDraft && e.Status != school.EditionDraft && c.FormValue("confirm") != "yes" {
		L := s.i18n.Translator(langOf(c))
		return s.renderPage(c, "admin/edition_unpublish", s.newPage(c, L.T("unpublish_title", "Edition", e.Title(L.Lang)),
			"admin", unpublishPage{User: currentUser(c), Edition: e}))
	}
	if err := s.store.SetEditionStatus(c.UserContext(), e.ID, status, userActor(currentUser(c)), s.now()); err != nil {
		return err
	}
	return c.Redirect("/admin/editions/"+strconv.FormatInt(e.ID, 10)+"/edit?done="+string(status), fiber.StatusSeeOther)
}

// rankingName names an edition's choice of the score that ranks, as the fill seats form does.
func rankingName(L *i18n.Translator, ranking string) string {
	return L.T("ranking_option_"+ranking, "Count", school.NormaliseAfter)
}

// editionHistory is what the audit log says of changes to the edition, newest first.
func (s *Server) editionHistory(c *fiber.Ctx, e school.Edition, L *i18n.Translator) ([]historyLine, error) {
	entries, err := s.store.EditionHistory(c.UserContext(), e.ID)
	if err != nil {
		return nil, err
	}
	var lines []historyLine
	for _, h := range entries {
		var text string
		switch h.Action {
		case "edition_status":
			text = L.T("history_edition_status", "From", L.T("editor_status_"+h.From), "To", L.T("editor_status_"+h.To))
		case "edition_ranking":
			text = L.T("history_edition_ranking", "From", rankingName(L, h.From), "To", rankingName(L, h.To))
		case "notice_contact":
			text = L.T("history_notice_contact", "From", h.From, "To", h.To)
		case "edition_copied":
			text = L.T("history_edition_copied", "Slug", h.Detail)
		case "edition_created", "edition_saved", "retention_purge":
			text = L.T("history_" + h.Action)
		default:
			continue
		}
		lines = append(lines, historyLine{At: L.Moment(h.At), Text: text + " · " + actorName(L, h)})
		if len(lines) == editionHistoryShown {
			break
		}
	}
	return lines, nil
}
