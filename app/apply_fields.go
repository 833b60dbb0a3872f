package app

import (
	"slices"

	"registrar/app/i18n"
	"registrar/app/school"
)

// formField describes one field for the form template, so the template only displays.
type formField struct {
	Name         string
	Label        string
	Help         string
	Type         string // text, email, date, textarea, select, radio, checkbox, checkboxes, file
	Value        string
	Values       []string // chosen options of a checkboxes field
	Options      []option
	Required     bool
	Error        string
	Autocomplete string
	MaxLength    int
	WordLimit    int
	FileName     string // a file already received and kept
	Link         option // a page the field refers to (the consent's privacy notice): address, text
}

type option struct {
	Value string
	Label string
}

// Checked reports whether an option of a checkboxes field is chosen.
func (f formField) Checked(v string) bool { return slices.Contains(f.Values, v) }

type formSection struct {
	Legend string
	Fields []formField
}

// formView builds the sections of the application form for an edition, filled with f's values
// and errs' messages.
func (s *Server) formView(e school.Edition, questions []school.Question, f applyForm, errs formErrors,
	L *i18n.Translator, cvName string, editing bool) []formSection {
	lang := L.Lang
	field := func(name, typ string, required bool, value string) formField {
		return formField{Name: name, Label: L.T("field_" + name), Type: typ, Required: required,
			Value: value, Error: errs.msg[name], MaxLength: 200}
	}
	choices := func(prefix string, values []string) []option {
		opts := make([]option, len(values))
		for i, v := range values {
			opts[i] = option{Value: v, Label: L.T(prefix + v)}
		}
		return opts
	}
	countryOptions := make([]option, 0, 250)
	for _, c := range s.countries[lang] {
		countryOptions = append(countryOptions, option{Value: c.Code, Label: c.Name})
	}
	long := !e.ShortForm()

	personal := formSection{Legend: L.T("form_personal")}
	given := field("given_name", "text", true, f.GivenName)
	given.Autocomplete = "given-name"
	family := field("family_name", "text", true, f.FamilyName)
	family.Autocomplete = "family-name"
	email := field("email", "email", true, f.Email)
	email.Autocomplete, email.MaxLength = "email", 254
	if editing {
		email.Help = L.T("form_email_fixed")
		email.Type, email.Required = "readonly", false // shown, not asked
	}
	personal.Fields = append(personal.Fields, given, family, email)
	if long {
		// A text field with the format its hint gives: a date field shows the browser's format
		// (mm/dd/yyyy for some), which no hint can name, and makes a birth date a long scroll.
		dob := field("date_of_birth", "text", true, dateIn(lang, f.DateOfBirth))
		dob.Autocomplete, dob.Help, dob.MaxLength = "bday", L.T("form_date_help"), 20
		personal.Fields = append(personal.Fields, dob)
	}
	nationality := field("nationality", "select", true, f.Nationality)
	nationality.Options = countryOptions
	residence := field("residence", "select", true, f.Residence)
	residence.Options = countryOptions
	personal.Fields = append(personal.Fields, nationality, residence)
	if e.Asks(school.FieldGender) {
		g := field("gender", "select", false, f.Gender)
		g.Options = choices("gender_", school.Genders)
		personal.Fields = append(personal.Fields, g)
	}

	background := formSection{Legend: L.T("form_background")}
	if long {
		sector := field("sector", "radio", true, f.Sector)
		sectors := make([]string, len(school.Sectors))
		for i, sc := range school.Sectors {
			sectors[i] = string(sc)
		}
		sector.Options = choices("sector_", sectors)
		inst := field("institution", "text", true, f.Institution)
		inst.Autocomplete = "organization"
		study := field("field_of_study", "text", true, f.FieldOfStudy)
		degree := field("highest_degree", "select", true, f.HighestDegree)
		degree.Options = choices("degree_", school.Degrees)
		english := field("english_level", "select", true, f.EnglishLevel)
		english.Options = choices("english_", school.EnglishLevels)
		cv := field("cv", "file", true, "")
		cv.FileName, cv.Help = cvName, L.T("form_cv_help")
		motivation := field("motivation", "textarea", true, f.Motivation)
		motivation.WordLimit, motivation.MaxLength = school.MaxMotivationWords, 6000
		motivation.Help = L.T("form_motivation_help", "Max", school.MaxMotivationWords)
		background.Fields = append(background.Fields, sector, inst, study, degree, english, cv, motivation)
	} else {
		inst := field("institution", "text", false, f.Institution)
		inst.Autocomplete = "organization"
		background.Fields = append(background.Fields, inst)
	}
	if e.Asks(school.FieldReferee) {
		background.Fields = append(background.Fields, field("referee_name", "text", false, f.RefereeName))
		re := field("referee_email", "email", false, f.RefereeEmail)
		re.MaxLength = 254
		background.Fields = append(background.Fields, re)
	}

	practical := formSection{Legend: L.T("form_practical")}
	if e.Mode == school.ModeHybrid {
		mode := field("attendance_mode", "radio", true, f.AttendanceMode)
		mode.Options = choices("mode_", []string{string(school.ModeInPerson), string(school.ModeOnline)})
		practical.Fields = append(practical.Fields, mode)
	}
	if e.Asks(school.FieldFeeWaiver) && e.HasFee() {
		practical.Fields = append(practical.Fields, field("fee_waiver", "checkbox", false, f.FeeWaiver))
		reason := field("fee_waiver_reason", "textarea", false, f.FeeWaiverReason)
		reason.Help, reason.MaxLength = L.T("form_fee_waiver_help"), 2000
		practical.Fields = append(practical.Fields, reason)
	}
	if e.Asks(school.FieldVisaLetter) {
		// The passport's details are follow-up questions, asked only of those offered a place.
		practical.Fields = append(practical.Fields, field("visa_letter", "checkbox", false, f.VisaLetter))
	}
	if e.Asks(school.FieldDietary) {
		d := field("dietary", "text", false, f.Dietary)
		d.MaxLength = 500
		practical.Fields = append(practical.Fields, d)
	}
	if e.Asks(school.FieldAccessibility) {
		a := field("accessibility", "text", false, f.Accessibility)
		a.MaxLength = 500
		practical.Fields = append(practical.Fields, a)
	}
	if e.Asks(school.FieldHeardFrom) {
		h := field("heard_from", "select", false, f.HeardFrom)
		h.Options = choices("heard_", school.HeardFrom)
		practical.Fields = append(practical.Fields, h)
	}

	sections := []formSection{personal, background}
	if len(practical.Fields) > 0 {
		sections = append(sections, practical)
	}
	if len(questions) > 0 {
		extra := formSection{Legend: L.T("form_questions")}
		for _, q := range questions {
			name := questionField(q.ID)
			qf := formField{Name: name, Label: q.Label(lang), Required: q.Required,
				Error: errs.msg[name], Values: f.Answers[q.ID], MaxLength: 5000}
			if len(qf.Values) > 0 {
				qf.Value = qf.Values[0]
			}
			switch q.Kind {
			case school.QuestionText:
				qf.Type, qf.MaxLength = "text", 500
			case school.QuestionLongText:
				qf.Type = "textarea"
			case school.QuestionSingle, school.QuestionMultiple:
				qf.Type = "radio"
				if q.Kind == school.QuestionMultiple {
					qf.Type = "checkboxes"
				}
				labels := q.Options(lang)
				for i, v := range q.OptionsEN {
					qf.Options = append(qf.Options, option{Value: v, Label: labels[i]})
				}
			case school.QuestionYesNo:
				qf.Type = "radio"
				qf.Options = []option{{"yes", L.T("yes")}, {"no", L.T("no")}}
			case school.QuestionFile:
				qf.Type, qf.Help = "file", L.T("form_cv_help")
			}
			extra.Fields = append(extra.Fields, qf)
		}
		sections = append(sections, extra)
	}
	if !editing {
		consents := formSection{Legend: L.T("form_consents")}
		for _, k := range school.ConsentKinds {
			cf := field("consent_"+string(k), "checkbox", k == school.ConsentProcessing, "")
			if k == school.ConsentProcessing {
				cf.Link = option{Value: "/editions/" + e.Slug + "/privacy", Label: L.T("form_privacy_link")}
			}
			if f.Consents[k] {
				cf.Value = "yes"
			}
			consents.Fields = append(consents.Fields, cf)
		}
		sections = append(sections, consents)
	}
	for i := range sections {
		for j := range sections[i].Fields {
			if ff := &sections[i].Fields[j]; ff.Error == missingAnswer {
				ff.Error = missingMessage(L, *ff)
			}
		}
	}
	return sections
}

// missingMessage tells what to do with a required field left empty, by the kind of field.
func missingMessage(L *i18n.Translator, f formField) string {
	switch {
	case f.Name == "date_of_birth":
		return L.T("validation_birth_date")
	case f.Name == "nationality" || f.Name == "residence":
		return L.T("validation_country")
	case f.Type == "select":
		return L.T("validation_required_select")
	case f.Type == "radio":
		return L.T("validation_choice")
	case f.Type == "checkboxes":
		return L.T("validation_required_checkboxes")
	case f.Type == "file":
		return L.T("validation_required_file")
	case f.Type == "email":
		return L.T("validation_required_email")
	default:
		return L.T("validation_required_text")
	}
}
