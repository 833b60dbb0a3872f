package app

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-playground/validator/v10"
	"github.com/gofiber/fiber/v2"

	"registrar/app/i18n"
)

// Forms: the errors shown beside fields, reading a typed value, validating a form struct by its
// tags, the messages of validation errors, and the done notices shown after a change.

// formErrors maps a form field name to the message shown beside it, in form order.
type formErrors struct {
	order []string
	msg   map[string]string
}

func (e *formErrors) add(field, message string) {
	if e.msg == nil {
		e.msg = map[string]string{}
	}
	if _, ok := e.msg[field]; ok {
		return
	}
	e.order = append(e.order, field)
	e.msg[field] = message
}

func (e *formErrors) empty() bool { return len(e.order) == 0 }

// formValue reads a text field: trimmed, without NUL, and with unreadable bytes noted as an
// error rather than stored.
func formValue(c *fiber.Ctx, name string, L *i18n.Translator, errs *formErrors) string {
	v := strings.ReplaceAll(c.FormValue(name), "\x00", "")
	if !utf8.ValidString(v) {
		errs.add(name, L.T("validation_utf8"))
		v = strings.ToValidUTF8(v, "\uFFFD")
	}
	return strings.TrimSpace(strings.ReplaceAll(v, "\r\n", "\n"))
}

// checkStruct validates f with its tags and adds an error under each wrong field's form name.
func (s *Server) checkStruct(f any, L *i18n.Translator, errs *formErrors) {
	var verrs validator.ValidationErrors
	if !errors.As(s.validate.Struct(f), &verrs) {
		return
	}
	t := reflect.TypeOf(f)
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	for _, fe := range verrs {
		if sf, ok := t.FieldByName(fe.StructField()); ok {
			errs.add(sf.Tag.Get("form"), validationMessage(L, fe))
		}
	}
}

func formNames(v any) map[string]string {
	t := reflect.TypeOf(v)
	names := map[string]string{}
	for i := range t.NumField() {
		names[t.Field(i).Name] = t.Field(i).Tag.Get("form")
	}
	return names
}

// lineBreaks are the characters that end a line. A single-line field that held one would carry a
// second line into an email's header, a letter or an export.
const lineBreaks = "\r\n\v\f\u0085\u2028\u2029"

// singleLine reports whether s has no line break.
func singleLine(s string) bool { return !strings.ContainsAny(s, lineBreaks) }

// newValidator is the validator of every form, with the tag singleline for fields that take one
// line of text.
func newValidator() (*validator.Validate, error) {
	v := validator.New()
	if err := v.RegisterValidation("singleline", func(fl validator.FieldLevel) bool {
		return singleLine(fl.Field().String())
	}); err != nil {
		return nil, fmt.Errorf("app: validator: %w", err)
	}
	return v, nil
}

func validationMessage(L *i18n.Translator, fe validator.FieldError) string {
	switch fe.Tag() {
	case "singleline":
		return L.T("validation_single_line")
	case "required", "required_if":
		return L.T("validation_required")
	case "email":
		return L.T("validation_email")
	case "max":
		if n, err := strconv.ParseInt(fe.Param(), 10, 64); err == nil {
			return L.T("validation_max", "Max", L.Number(n))
		}
		return L.T("validation_max", "Max", fe.Param())
	case "datetime":
		return L.T("validation_date")
	default:
		return L.T("validation_choice")
	}
}

// doneNotice is the done parameter of the address, when it names one of the notices.
func doneNotice(c *fiber.Ctx, notices []string) string {
	if done := c.Query("done"); slices.Contains(notices, done) {
		return done
	}
	return ""
}
