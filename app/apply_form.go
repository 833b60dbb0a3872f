package app

import (
	"errors"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-playground/validator/v10"
	"github.com/gofiber/fiber/v2"

	"registrar/app/i18n"
	"registrar/app/school"
)

// applyForm is the application form as sent: every value a string, copied out of the request.
type applyForm struct {
	GivenName       string `form:"given_name" validate:"required,singleline,max=100"`
	FamilyName      string `form:"family_name" validate:"required,singleline,max=100"`
	Email           string `form:"email" validate:"required,singleline,email,max=254"`
	DateOfBirth     string `form:"date_of_birth" validate:"required,datetime=2006-01-02"`
	Nationality     string `form:"nationality" validate:"required,len=2"`
	Residence       string `form:"residence" validate:"required,len=2"`
	Gender          string `form:"gender" validate:"omitempty,oneof=female male other prefer_not"`
	Sector          string `form:"sector" validate:"required,oneof=student young_professional ngo government international_organisation other"`
	Institution     string `form:"institution" validate:"required,singleline,max=200"`
	FieldOfStudy    string `form:"field_of_study" validate:"required,singleline,max=200"`
	HighestDegree   string `form:"highest_degree" validate:"required,oneof=secondary bachelor master doctorate other"`
	EnglishLevel    string `form:"english_level" validate:"required,oneof=b1 b2 c1 c2 native"`
	Motivation      string `form:"motivation" validate:"required,max=6000"`
	RefereeName     string `form:"referee_name" validate:"singleline,max=200"`
	RefereeEmail    string `form:"referee_email" validate:"omitempty,singleline,email,max=254"`
	AttendanceMode  string `form:"attendance_mode" validate:"required,oneof=in_person online"`
	FeeWaiver       string `form:"fee_waiver" validate:"omitempty,eq=yes"`
	FeeWaiverReason string `form:"fee_waiver_reason" validate:"required_if=FeeWaiver yes,max=2000"`
	VisaLetter      string `form:"visa_letter" validate:"omitempty,eq=yes"`
	Dietary         string `form:"dietary" validate:"singleline,max=500"`
	Accessibility   string `form:"accessibility" validate:"singleline,max=500"`
	HeardFrom       string `form:"heard_from" validate:"omitempty,oneof=university employer iom social_media alumni search other"`
	Consents        map[school.ConsentKind]bool
	Answers         map[int64][]string
	Referees        []school.Referee // when the edition asks for references (apply_referees.go)
}

// The form's fields in the order they appear, with the struct field validator reports.
var formFieldNames = map[string]string{
	"GivenName": "given_name", "FamilyName": "family_name", "Email": "email",
	"DateOfBirth": "date_of_birth", "Nationality": "nationality", "Residence": "residence",
	"Gender": "gender", "Sector": "sector", "Institution": "institution",
	"FieldOfStudy": "field_of_study", "HighestDegree": "highest_degree",
	"EnglishLevel": "english_level", "Motivation": "motivation", "RefereeName": "referee_name",
	"RefereeEmail": "referee_email", "AttendanceMode": "attendance_mode",
	"FeeWaiver": "fee_waiver", "FeeWaiverReason": "fee_waiver_reason",
	"VisaLetter": "visa_letter", "Dietary": "dietary",
	"Accessibility": "accessibility", "HeardFrom": "heard_from",
}

// Fields the short form of open-admission editions does not ask.
var longFormOnly = []string{"DateOfBirth", "Sector", "FieldOfStudy", "HighestDegree",
	"EnglishLevel", "Motivation", "Institution"}

// Struct fields behind each optional field of an edition's form.
var optionalStructFields = map[school.OptionalField][]string{
	school.FieldGender:        {"Gender"},
	school.FieldReferee:       {"RefereeName", "RefereeEmail"},
	school.FieldFeeWaiver:     {"FeeWaiver", "FeeWaiverReason"},
	school.FieldVisaLetter:    {"VisaLetter"},
	school.FieldDietary:       {"Dietary"},
	school.FieldAccessibility: {"Accessibility"},
	school.FieldHeardFrom:     {"HeardFrom"},
}

// parseApplyForm copies the form's values out of the request and rejects text that is not UTF-8.
func parseApplyForm(c *fiber.Ctx, questions []school.Question, errs *formErrors) applyForm {
	value := func(name string) string {
		v := strings.ReplaceAll(c.FormValue(name), "\x00", "")
		if !utf8.ValidString(v) {
			errs.add(name, "invalid_utf8")
			return strings.ToValidUTF8(v, "\uFFFD")
		}
		return strings.TrimSpace(v)
	}
	f := applyForm{
		GivenName: value("given_name"), FamilyName: value("family_name"), Email: value("email"),
		DateOfBirth: isoDate(value("date_of_birth")), Nationality: value("nationality"),
		Residence: value("residence"), Gender: value("gender"), Sector: value("sector"),
		Institution: value("institution"), FieldOfStudy: value("field_of_study"),
		HighestDegree: value("highest_degree"), EnglishLevel: value("english_level"),
		Motivation: value("motivation"), RefereeName: value("referee_name"),
		RefereeEmail: value("referee_email"), AttendanceMode: value("attendance_mode"),
		FeeWaiver: value("fee_waiver"), FeeWaiverReason: value("fee_waiver_reason"),
		VisaLetter: value("visa_letter"), Dietary: value("dietary"),
		Accessibility: value("accessibility"), HeardFrom: value("heard_from"),
		Consents: map[school.ConsentKind]bool{}, Answers: map[int64][]string{},
	}
	for _, k := range school.ConsentKinds {
		f.Consents[k] = c.FormValue("consent_"+string(k)) == "yes"
	}
	form, _ := c.MultipartForm()
	for _, q := range questions {
		name := questionField(q.ID)
		if q.Kind == school.QuestionMultiple && form != nil {
			for _, v := range form.Value[name] {
				f.Answers[q.ID] = append(f.Answers[q.ID], strings.ToValidUTF8(v, "\uFFFD"))
			}
			continue
		}
		if v := value(name); v != "" {
			f.Answers[q.ID] = []string{v}
		}
	}
	return f
}

// validateApplyForm checks the form against what the edition asks, adding a translated message
// per wrong field.
func (s *Server) validateApplyForm(f *applyForm, e school.Edition, questions []school.Question,
	now time.Time, L *i18n.Translator, errs *formErrors) {
	if e.Mode != school.ModeHybrid {
		f.AttendanceMode = string(e.Mode)
		if e.Mode != school.ModeOnline {
			f.AttendanceMode = string(school.ModeInPerson)
		}
	}
	except := []string{"Consents", "Answers"}
	if e.ShortForm() {
		except = append(except, longFormOnly...)
	}
	for _, of := range school.OptionalFields {
		if !e.Asks(of) {
			except = append(except, optionalStructFields[of]...)
		}
	}
	err := s.validate.StructExcept(f, except...)
	var verrs validator.ValidationErrors
	if errors.As(err, &verrs) {
		for _, fe := range verrs {
			msg := validationMessage(L, fe)
			switch fe.Tag() {
			case "required", "required_if":
				msg = missingAnswer
			case "datetime":
				msg = L.T("validation_birth_date")
			}
			errs.add(formFieldNames[fe.StructField()], msg)
		}
	}
	// Messages that stand for codes set while parsing become words now.
	for field, msg := range errs.msg {
		if msg == "invalid_utf8" {
			errs.msg[field] = L.T("validation_utf8")
		}
	}
	if !slices.Contains(except, "DateOfBirth") && f.DateOfBirth != "" {
		dob, err := time.Parse("2006-01-02", f.DateOfBirth)
		switch {
		case err != nil:
		case !dob.Before(now):
			errs.add("date_of_birth", L.T("validation_dob_future"))
		case dob.Before(now.AddDate(-oldestApplicant, 0, 0)):
			// A year mistyped (0998, 1089): the visa letter would carry it.
			errs.add("date_of_birth", L.T("validation_dob_past", "Years", oldestApplicant))
		}
	}
	for _, field := range []struct{ name, code string }{{"nationality", f.Nationality}, {"residence", f.Residence}} {
		if field.code != "" && !s.countries.valid(field.code) {
			errs.add(field.name, L.T("validation_country"))
		}
	}
	if !slices.Contains(except, "Motivation") {
		if n := school.WordCount(f.Motivation); n > school.MaxMotivationWords {
			errs.add("motivation", L.T("validation_motivation_words", "Max", school.MaxMotivationWords, "Count", n))
		}
	}
	for _, q := range questions {
		ans := f.Answers[q.ID]
		name := questionField(q.ID)
		if q.Kind == school.QuestionFile {
			continue // checked with the uploads
		}
		if q.Required && len(ans) == 0 {
			errs.add(name, missingAnswer)
			continue
		}
		switch q.Kind {
		case school.QuestionSingle, school.QuestionMultiple:
			for _, a := range ans {
				if !slices.Contains(q.OptionsEN, a) {
					errs.add(name, L.T("validation_choice"))
				}
			}
		case school.QuestionYesNo:
			if len(ans) > 0 && ans[0] != "yes" && ans[0] != "no" {
				errs.add(name, L.T("validation_choice"))
			}
		default:
			if len(ans) > 0 && utf8.RuneCountInString(ans[0]) > 5000 {
				errs.add(name, L.T("validation_max", "Max", L.Number(5000)))
			}
			if len(ans) > 0 && q.Kind == school.QuestionText && !singleLine(ans[0]) {
				errs.add(name, L.T("validation_single_line"))
			}
		}
	}
	if !f.Consents[school.ConsentProcessing] {
		errs.add("consent_processing", L.T("validation_consent"))
	}
}

// application builds the application the form describes.
func (f applyForm) application(e school.Edition, questions []school.Question, lang string, now time.Time) school.Application {
	a := school.Application{
		Lang: lang, Email: f.Email, GivenName: f.GivenName, FamilyName: f.FamilyName,
		Nationality: f.Nationality, Residence: f.Residence, Gender: f.Gender,
		Sector: school.Sector(f.Sector), Institution: f.Institution, FieldOfStudy: f.FieldOfStudy,
		HighestDegree: f.HighestDegree, EnglishLevel: f.EnglishLevel, Motivation: f.Motivation,
		RefereeName: f.RefereeName, RefereeEmail: f.RefereeEmail,
		AttendanceMode: school.Mode(f.AttendanceMode), FeeWaiver: f.FeeWaiver == "yes",
		FeeWaiverReason: f.FeeWaiverReason, VisaLetter: f.VisaLetter == "yes",
		Dietary: f.Dietary, Accessibility: f.Accessibility, HeardFrom: f.HeardFrom,
	}
	if !a.FeeWaiver {
		a.FeeWaiverReason = ""
	}
	if dob, err := time.Parse("2006-01-02", f.DateOfBirth); err == nil && !e.ShortForm() {
		a.DateOfBirth = dob
	}
	for _, q := range questions {
		if q.Kind == school.QuestionFile {
			continue
		}
		if ans := f.Answers[q.ID]; len(ans) > 0 {
			a.Answers = append(a.Answers, school.Answer{QuestionID: q.ID, Value: strings.Join(ans, "\n")})
		}
	}
	return a
}

// consents are the form's consents as given or refused at now, under the wording version
// (school.PrivacyNotice.ConsentVersion) of the notice the form linked.
func (f applyForm) consents(version string, now time.Time) []school.Consent {
	consents := make([]school.Consent, 0, len(school.ConsentKinds))
	for _, k := range school.ConsentKinds {
		consents = append(consents, school.Consent{Kind: k, Granted: f.Consents[k], Version: version, At: now})
	}
	return consents
}

// formFromApplication fills the form with what an application holds, for editing.
func formFromApplication(a school.Application) applyForm {
	f := applyForm{
		GivenName: a.GivenName, FamilyName: a.FamilyName, Email: a.Email,
		Nationality: a.Nationality, Residence: a.Residence, Gender: a.Gender,
		Sector: string(a.Sector), Institution: a.Institution, FieldOfStudy: a.FieldOfStudy,
		HighestDegree: a.HighestDegree, EnglishLevel: a.EnglishLevel, Motivation: a.Motivation,
		RefereeName: a.RefereeName, RefereeEmail: a.RefereeEmail,
		AttendanceMode: string(a.AttendanceMode), FeeWaiverReason: a.FeeWaiverReason,
		Dietary: a.Dietary, Accessibility: a.Accessibility,
		HeardFrom: a.HeardFrom, Consents: map[school.ConsentKind]bool{}, Answers: map[int64][]string{},
	}
	if !a.DateOfBirth.IsZero() {
		f.DateOfBirth = a.DateOfBirth.Format("2006-01-02")
	}
	if a.FeeWaiver {
		f.FeeWaiver = "yes"
	}
	if a.VisaLetter {
		f.VisaLetter = "yes"
	}
	for _, c := range a.Consents {
		f.Consents[c.Kind] = c.Granted
	}
	for _, ans := range a.Answers {
		f.Answers[ans.QuestionID] = strings.Split(ans.Value, "\n")
	}
	return f
}

// oldestApplicant is the most years ago a date of birth may be: an earlier one is a mistyped year.
const oldestApplicant = 120

// missingAnswer stands for the message of a required field left empty until the form's view,
// which knows the field's kind, words it.
const missingAnswer = "missing"

// dateForms are the ways a date may be typed: year-month-day (the English hint), and day. month.
// year (the Czech hint); both are unambiguous, unlike 04/05/1998.
var dateForms = []*regexp.Regexp{
	regexp.MustCompile(`^(?P<y>\d{4})[\s\x{a0}]*-[\s\x{a0}]*(?P<m>\d{1,2})[\s\x{a0}]*-[\s\x{a0}]*(?P<d>\d{1,2})$`),
	regexp.MustCompile(`^(?P<d>\d{1,2})[\s\x{a0}]*\.[\s\x{a0}]*(?P<m>\d{1,2})[\s\x{a0}]*\.[\s\x{a0}]*(?P<y>\d{4})$`),
}

// isoDate is a typed date as 2006-01-02, or what was typed when it is not a date in one of the
// forms the hints give.
func isoDate(typed string) string {
	for _, re := range dateForms {
		m := re.FindStringSubmatch(typed)
		if m == nil {
			continue
		}
		part := func(name string) int { n, _ := strconv.Atoi(m[re.SubexpIndex(name)]); return n }
		y, mo, d := part("y"), part("m"), part("d")
		t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
		if t.Year() == y && t.Month() == time.Month(mo) && t.Day() == d {
			return t.Format(time.DateOnly)
		}
	}
	return typed
}

// dateIn shows a date kept as 2006-01-02 in the form the hint in lang gives; anything else as typed.
func dateIn(lang, value string) string {
	t, err := time.Parse(time.DateOnly, value)
	if err != nil || lang != "cs" {
		return value
	}
	return t.Format("2. 1. 2006")
}

func questionField(id int64) string { return "q_" + strconv.FormatInt(id, 10) }
