package app

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"registrar/app/i18n"
	"registrar/app/school"
)

// The referees an edition asks for are named on the form (this file), or later on the status
// page (status_referees.go); each is then emailed their own link (referee_page.go).

// refereeField is the form's name of one detail (name, email, relation) of the referee at
// position n.
func refereeField(n int, detail string) string {
	return "referee_" + strconv.Itoa(n) + "_" + detail
}

// parseReferees reads the referees named on a form for positions from..to, checking each; a
// position left wholly empty is skipped when optional. applicantEmail may not be a referee's.
func parseReferees(c *fiber.Ctx, positions []int, optional bool, lang, applicantEmail string,
	L *i18n.Translator, errs *formErrors) []school.Referee {
	var named []school.Referee
	for _, n := range positions {
		r := school.Referee{Position: n, Lang: lang,
			Name:     formValue(c, refereeField(n, "name"), L, errs),
			Email:    formValue(c, refereeField(n, "email"), L, errs),
			Relation: formValue(c, refereeField(n, "relation"), L, errs)}
		if optional && r.Name == "" && r.Email == "" && r.Relation == "" {
			continue
		}
		for _, detail := range []string{"name", "email", "relation"} {
			if key, ok := school.RefereeProblem(r, applicantEmail)[detail]; ok {
				errs.add(refereeField(n, detail), L.T(key))
			}
		}
		if slices.ContainsFunc(named, func(o school.Referee) bool { return strings.EqualFold(o.Email, r.Email) }) {
			errs.add(refereeField(n, "email"), L.T("referee_error_same"))
		}
		named = append(named, r)
	}
	return named
}

// formReferees reads into f the referees named on the form of an edition asking for references,
// in place of the free-text referee. They are optional there: a referee not named yet is named
// on the status page.
func formReferees(c *fiber.Ctx, fe formEdition, f *applyForm, L *i18n.Translator, errs *formErrors) {
	if fe.references.Asked == 0 {
		return
	}
	f.RefereeName, f.RefereeEmail = "", ""
	f.Referees = parseReferees(c, positions(fe.references.Asked), true, L.Lang, f.Email, L, errs)
}

// positions lists 1..n.
func positions(n int) []int {
	ps := make([]int, n)
	for i := range ps {
		ps[i] = i + 1
	}
	return ps
}

// refereeFields are the fields naming the referee at position n, filled from r, with errs'
// messages.
func refereeFields(n int, r school.Referee, required bool, errs formErrors, L *i18n.Translator) []formField {
	field := func(detail, typ, value, autocomplete string, max int) formField {
		name := refereeField(n, detail)
		return formField{Name: name, Label: L.T("referee_field_"+detail, "N", n), Type: typ, Value: value,
			Required: required, Error: errs.msg[name], MaxLength: max, Autocomplete: autocomplete}
	}
	relation := field("relation", "text", r.Relation, "off", 200)
	relation.Help = L.T("referee_relation_help")
	return []formField{field("name", "text", r.Name, "off", 200), field("email", "email", r.Email, "off", 254), relation}
}

// withRefereeSection puts the referees an edition asks for on its application form, before the
// consents, in place of the one optional referee of editions that ask for none. Each may be left
// empty and named later on the status page, when the applicant has asked the person first.
func (s *Server) withRefereeSection(ctx context.Context, e school.Edition, sections []formSection, f applyForm,
	errs formErrors, L *i18n.Translator, editing bool) ([]formSection, error) {
	if editing {
		return sections, nil // named and changed on the status page
	}
	fe, err := s.formEdition(ctx, e.Slug)
	if err != nil || fe.references.Asked == 0 {
		return sections, err
	}
	for i := range sections {
		sections[i].Fields = slices.DeleteFunc(sections[i].Fields, func(ff formField) bool {
			return ff.Name == "referee_name" || ff.Name == "referee_email"
		})
	}
	sec := formSection{Legend: L.N("form_referees", fe.references.Asked)}
	for _, n := range positions(fe.references.Asked) {
		var r school.Referee
		if i := slices.IndexFunc(f.Referees, func(r school.Referee) bool { return r.Position == n }); i >= 0 {
			r = f.Referees[i]
		}
		sec.Fields = append(sec.Fields, refereeFields(n, r, false, errs, L)...)
	}
	sec.Fields[0].Help = L.T("form_referees_help", "Deadline", L.Moment(fe.references.DeadlineFor(e)))
	at := len(sections)
	if i := slices.IndexFunc(sections, func(sec formSection) bool { return sec.Legend == L.T("form_consents") }); i >= 0 {
		at = i
	}
	return slices.Insert(sections, at, sec), nil
}
