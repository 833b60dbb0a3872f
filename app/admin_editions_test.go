package app

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"registrar/app/school"
	"registrar/app/testkit"
	"registrar/db"
)

func editionPath(id int64, rest string) string {
	return "/admin/editions/" + strconv.FormatInt(id, 10) + rest
}

// editedID is the edition id a redirect to an editor leads to.
func editedID(t testing.TB, resp *http.Response, body string) int64 {
	t.Helper()
	wantStatus(t, resp, body, http.StatusSeeOther)
	loc := resp.Header.Get("Location")
	rest, ok := strings.CutPrefix(loc, "/admin/editions/")
	if !ok {
		t.Fatalf("redirected to %q, not to an editor", loc)
	}
	id, err := strconv.ParseInt(strings.SplitN(rest, "/", 2)[0], 10, 64)
	if err != nil {
		t.Fatalf("redirected to %q: %v", loc, err)
	}
	return id
}

// newEditionValues is a complete new edition starting a new series.
func newEditionValues() url.Values {
	return url.Values{
		"series": {"new"}, "series_name_en": {"Autumn Seminar on Labour Migration"},
		"series_name_cs": {"Podzimní seminář o pracovní migraci"}, "slug": {"autumn-seminar-2027"},
		"year": {"2027"}, "kind": {"seminar"}, "title_en": {"Autumn Seminar 2027"},
		"title_cs": {"Podzimní seminář 2027"}, "description_en": {"Three days on **labour** migration."},
		"starts_on": {"2027-10-04"}, "ends_on": {"2027-10-06"}, "venue": {"Diplomatic Academy"},
		"city": {"Prague"}, "mode": {"hybrid"}, "language": {"en"}, "fee": {"120.50"}, "currency": {"EUR"},
		"seats_in_person": {"25"}, "seats_online": {"40"}, "opens_on": {"2027-05-01"}, "opens_time": {"09:00"},
		"closes_on": {"2027-08-31"}, "closes_time": {"23:59"}, "admission": {"selection"}, "offer_days": {"10"},
		"required_reviews": {"2"}, "retention_months": {"6"}, "auto_promote": {"yes"},
		"signatory_name": {"Jana Nováková"}, "signatory_title": {"Head of office"}, "hours": {"18"},
		"optional_fields": {"dietary", "visa_letter"}, "action": {"save"},
	}
}

func TestOrganiserCreatesAnEditionPublishesAndUnpublishesIt(t *testing.T) {
	t.Parallel()
	f := newAdminFixture(t)
	ts := f.ts
	ctx := context.Background()
	// An organiser who runs only the winter school reaches the edition they create.
	o := createUser(t, ts, "winter.organiser@school.test", school.RoleOrganiser)
	if err := ts.store.AssignStaff(ctx, o.ID, f.winter.ID); err != nil {
		t.Fatal(err)
	}
	v := signIn(t, ts, o.Email)
	form := v.openForm(t, "/admin/editions/new?lang=en", "/admin/editions/new")
	if form.Values.Get("retention_months") != "6" {
		t.Errorf("a new edition's retention starts at %q, want 6", form.Values.Get("retention_months"))
	}
	resp, body := v.submit(t, form, newEditionValues())
	id := editedID(t, resp, body)

	e, err := ts.store.EditionByID(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	opens := time.Date(2027, 5, 1, 7, 0, 0, 0, time.UTC)     // 09:00 in Prague, summer time
	closes := time.Date(2027, 8, 31, 21, 59, 0, 0, time.UTC) // 23:59 in Prague
	switch {
	case e.Status != school.EditionDraft, e.SeriesNameCS != "Podzimní seminář o pracovní migraci",
		e.SeriesSlug != "autumn-seminar-on-labour-migration", e.FeeCents != 12050, e.SeatsOnline != 40,
		!e.OpensAt.Equal(opens), !e.ClosesAt.Equal(closes), e.ManualWaitlist, e.BlindReview, e.Hours != 18,
		!e.Asks(school.FieldDietary), e.Asks(school.FieldGender), e.RetentionMonths != 6:
		t.Errorf("stored edition is not what was typed: %+v", e)
	}
	resp, body = v.get(t, editionPath(id, "/edit?done=saved"))
	wantStatus(t, resp, body, http.StatusOK)
	wantText(t, body, "Saved.", "Status: Draft")
	resp, body = v.get(t, editionPath(id, ""))
	wantStatus(t, resp, body, http.StatusOK)

	// A draft is not public.
	if resp, _ := ts.get(t, "/editions/autumn-seminar-2027"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("the draft's public page answers %d", resp.StatusCode)
	}
	resp, body = v.postAdmin(t, editionPath(id, "/status"), url.Values{"status": {"published"}})
	wantStatus(t, resp, body, http.StatusSeeOther)
	resp, body = ts.get(t, "/editions/autumn-seminar-2027?lang=en")
	wantStatus(t, resp, body, http.StatusOK)
	wantText(t, body, "Autumn Seminar 2027", "labour")
	_, body = ts.get(t, "/editions?lang=en")
	if !strings.Contains(body, catLink("autumn-seminar-2027")) {
		t.Error("the published edition is not listed on /editions")
	}
	if _, body := ts.get(t, "/search?q=labour&lang=en"); !strings.Contains(body, "/editions/autumn-seminar-2027") {
		t.Error("the search does not find the published edition")
	}
	resp, body = v.postAdmin(t, editionPath(id, "/status"), url.Values{"status": {"draft"}, "confirm": {"yes"}})
	wantStatus(t, resp, body, http.StatusSeeOther)
	if resp, _ := ts.get(t, "/editions/autumn-seminar-2027?lang=en"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("the unpublished edition's page answers %d", resp.StatusCode)
	}
	if _, body := ts.get(t, "/editions?lang=en"); strings.Contains(body, catLink("autumn-seminar-2027")) {
		t.Error("the unpublished edition is still listed")
	}
	// The editor tells who created, published and unpublished it, newest first.
	_, body = v.get(t, editionPath(id, "/edit"))
	history := testkit.MainText(t, body)
	history = history[strings.Index(history, "History"):]
	wantText(t, history, "Published → Draft", "Draft → Published", "Created", o.Name+" (organiser)")
	if strings.Index(history, "Published → Draft") > strings.Index(history, "Created") {
		t.Error("the history is not newest first")
	}
	// The edition's editor lists it on the dashboard with a link to edit it.
	_, body = v.get(t, "/admin")
	if !strings.Contains(body, `href="`+editionPath(id, "/edit")+`"`) || !strings.Contains(body, `href="/admin/editions/new"`) {
		t.Error("the dashboard has no link to edit the edition or to create one")
	}
}

func TestEditionEditorShowsProblemsInEnglishAndCzechAndKeepsWhatWasTyped(t *testing.T) {
	t.Parallel()
	f := newAdminFixture(t)
	v := signIn(t, f.ts, f.staff.organiser.Email)
	bad := newEditionValues()
	bad.Set("ends_on", "2027-10-01")
	bad.Set("closes_on", "2027-04-01")
	bad.Set("slug", "Autumn Seminar")
	bad.Set("seats_in_person", "-3")
	bad.Set("offer_days", "many")
	for _, tt := range []struct {
		lang  string
		wants []string
	}{
		{"en", []string{"There are 5 problems with your form", "The last day cannot be before the first day.",
			"Applications must close after they open.", "Use lower-case letters without accents", "This cannot be negative.",
			"Enter a number."}},
		{"cs", []string{"Ve formuláři je 5 chyb", "Poslední den nemůže být před prvním dnem.",
			"Uzávěrka přihlášek musí být po jejich otevření.", "Nemůže být záporné.", "Zadejte číslo."}},
	} {
		t.Run(tt.lang, func(t *testing.T) {
			form := v.openForm(t, "/admin/editions/new?lang="+tt.lang, "/admin/editions/new")
			resp, body := v.submit(t, form, bad)
			wantStatus(t, resp, body, http.StatusUnprocessableEntity)
			wantText(t, body, tt.wants...)
			again := testkit.FormOn(t, "/admin/editions/new", body, "/admin/editions/new")
			for _, name := range []string{"title_cs", "description_en", "slug", "offer_days", "series_name_cs"} {
				if again.Values.Get(name) != bad.Get(name) {
					t.Errorf("%s came back as %q, typed %q", name, again.Values.Get(name), bad.Get(name))
				}
			}
			if !strings.Contains(body, `href="#ends_on"`) {
				t.Error("the summary does not link to the field")
			}
		})
	}
	// A slug another edition has is refused with its own message.
	taken := newEditionValues()
	taken.Set("slug", summerSlug)
	form := v.openForm(t, "/admin/editions/new?lang=en", "/admin/editions/new")
	resp, body := v.submit(t, form, taken)
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	wantText(t, body, "Another edition already has the address "+summerSlug)
	// Preview renders both descriptions, sanitised, and saves nothing.
	preview := newEditionValues()
	preview.Set("action", "preview")
	preview.Set("description_cs", "Tři dny <script>alert(1)</script> o *pracovní* migraci.")
	resp, body = v.submit(t, form, preview)
	wantStatus(t, resp, body, http.StatusOK)
	if !strings.Contains(body, "<strong>labour</strong>") || !strings.Contains(body, "<em>pracovní</em>") || strings.Contains(body, "<script>alert") {
		t.Errorf("the preview is not the sanitised Markdown:\n%s", testkit.MainText(t, body))
	}
	if sr, _ := f.ts.store.Series(context.Background()); len(sr) != 4 {
		t.Errorf("%d series after a preview and refused forms", len(sr))
	}
}

func TestPublishingNeedsDatesAndATitle(t *testing.T) {
	t.Parallel()
	f := newAdminFixture(t)
	v := signIn(t, f.ts, f.staff.admin.Email)
	// No address: it is made from the series and the year.
	bare := url.Values{"series": {strconv.FormatInt(f.summer.SeriesID, 10)}, "year": {"2031"}, "kind": {"summer_school"}, "mode": {"in_person"}, "language": {"en"}, "currency": {"EUR"},
		"seats_in_person": {"0"}, "seats_online": {"0"}, "admission": {"selection"}, "offer_days": {"7"},
		"required_reviews": {"2"}, "retention_months": {"6"}, "_csrf": {v.token(t)}, "action": {"save"}}
	resp, body := v.post(t, "/admin/editions/new?lang=en", "/admin/editions/new", bare)
	id := editedID(t, resp, body)
	resp, body = v.postAdmin(t, editionPath(id, "/status?lang=en"), url.Values{"status": {"published"}})
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	wantText(t, body, "A published edition needs its first and last day.", "A published edition needs a title in English or in Czech.")
	if e, _ := f.ts.store.EditionByID(context.Background(), id); e.Status != school.EditionDraft {
		t.Errorf("refused publishing left status %s", e.Status)
	}
	form := v.openForm(t, editionPath(id, "/edit"), editionPath(id, "/edit"))
	resp, body = v.submit(t, form, url.Values{"title_cs": {"Letní škola 2031"}, "starts_on": {"2031-07-07"}, "ends_on": {"2031-07-18"}})
	wantStatus(t, resp, body, http.StatusSeeOther)
	resp, body = v.postAdmin(t, editionPath(id, "/status"), url.Values{"status": {"published"}})
	wantStatus(t, resp, body, http.StatusSeeOther)
	resp, body = f.ts.get(t, "/editions/summer-school-2031?lang=cs")
	wantStatus(t, resp, body, http.StatusOK)
	wantText(t, body, "Letní škola 2031")
	// A published edition cannot lose its dates.
	form = v.openForm(t, editionPath(id, "/edit?lang=en"), editionPath(id, "/edit"))
	resp, body = v.submit(t, form, url.Values{"starts_on": nil})
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	wantText(t, body, "A published edition needs its first and last day.")
}

// TestCopyForNextYearAsksForTheStartAndMovesByWholeWeeks: "Copy for next year" asks for the
// copy's first day, proposing the same weekday a year on; a day that would move the weekdays is
// refused; the copy's title says the new year, its editor says what was copied, and copying
// again names the edition that has the address already.
func TestCopyForNextYearAsksForTheStartAndMovesByWholeWeeks(t *testing.T) {
	t.Parallel()
	f := newAdminFixture(t)
	ts := f.ts
	ctx := context.Background()
	src := f.summer
	err := ts.store.SaveEmailTemplate(ctx, db.EmailTemplate{EditionID: src.ID, Name: "application_received", Lang: "en",
		Subject: "Thanks, {given_name}", Body: "We have it.", UpdatedAt: demoNow, UpdatedBy: f.staff.admin.ID})
	if err != nil {
		t.Fatal(err)
	}
	en := ts.i18n.Translator("en")
	v := signIn(t, ts, f.staff.organiser.Email)
	// The editor's button opens the form; it changes nothing.
	_, body := v.get(t, editionPath(src.ID, "/edit?lang=en"))
	if !strings.Contains(body, `href="`+editionPath(src.ID, "/clone")+`"`) {
		t.Error("the editor has no link to the copy form")
	}
	proposed := school.NextYearStart(src.StartsOn)
	if proposed.Weekday() != src.StartsOn.Weekday() || proposed.Year() != src.StartsOn.Year()+1 {
		t.Fatalf("proposed %s for %s", proposed, src.StartsOn)
	}
	page := editionPath(src.ID, "/clone?lang=en")
	form := v.openForm(t, page, editionPath(src.ID, "/clone"))
	if got := form.Values.Get("starts_on"); got != proposed.Format(time.DateOnly) {
		t.Errorf("the form proposes %q, want %s", got, proposed.Format(time.DateOnly))
	}
	_, body = v.get(t, page)
	wantText(t, body, "Copy for next year: Summer School on Migration Studies 2027",
		"Proposed: "+en.DayDate(proposed), "“Summer School on Migration Studies 2028”", "summer-school-2028")

	// The same calendar date a year on falls on another weekday: refused, with the days that do.
	sameDate := src.StartsOn.AddDate(1, 0, 0)
	resp, body := v.submit(t, form, url.Values{"starts_on": {sameDate.Format(time.DateOnly)}})
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	wantText(t, body, "Choose a "+src.StartsOn.Weekday().String()+", the weekday this edition starts on", en.DayDate(proposed))

	resp, body = v.submit(t, form, nil)
	id := editedID(t, resp, body)
	resp, body = v.get(t, resp.Header.Get("Location")+"&lang=en")
	wantStatus(t, resp, body, http.StatusOK)
	want, err := ts.store.EditionContents(ctx, src.ID)
	if err != nil {
		t.Fatal(err)
	}
	wantText(t, body, "Edit Summer School on Migration Studies 2028", "This is the copy, a draft",
		"Copied:", fmt.Sprintf("the programme of %d sessions", want.Sessions), fmt.Sprintf("%d lecturers", want.Lecturers),
		fmt.Sprintf("%d extra questions", want.Questions), fmt.Sprintf("%d review criteria", want.Criteria),
		"1 edited email text", "Not copied: applications, reviews")

	e, err := ts.store.EditionByID(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	weeks := 52 * 7
	if e.Status != school.EditionDraft || e.Year != src.Year+1 || e.Slug != "summer-school-2028" ||
		e.TitleEN != "Summer School on Migration Studies 2028" || e.TitleCS != strings.Replace(src.TitleCS, "2027", "2028", 1) ||
		!e.StartsOn.Equal(proposed) || !e.EndsOn.Equal(src.EndsOn.AddDate(0, 0, weeks)) ||
		e.SeatsInPerson != src.SeatsInPerson || len(e.OptionalFields) != len(src.OptionalFields) {
		t.Errorf("the copy is %+v", e)
	}
	if e.ClosesAt.In(school.Prague).Format("Mon 15:04") != src.ClosesAt.In(school.Prague).Format("Mon 15:04") {
		t.Errorf("the call closes %s; the original's %s", e.ClosesAt.In(school.Prague), src.ClosesAt.In(school.Prague))
	}
	got, err := ts.store.EditionContents(ctx, id)
	if err != nil || want.Sessions == 0 || want.Questions == 0 || want.Criteria == 0 || got.Sessions != want.Sessions ||
		got.Lecturers != want.Lecturers || got.Questions != want.Questions || got.Criteria != want.Criteria ||
		got.EmailTemplates != 1 {
		t.Errorf("the copy holds %+v, the original %+v (%v)", got, want, err)
	}
	srcProg, _ := ts.store.Programme(ctx, src.ID)
	prog, _ := ts.store.Programme(ctx, id)
	for i := range prog {
		if !prog[i].Day.Equal(srcProg[i].Day.AddDate(0, 0, weeks)) || prog[i].StartsAt != srcProg[i].StartsAt {
			t.Errorf("session %d on %v at %s, the original on %v at %s", i, prog[i].Day, prog[i].StartsAt, srcProg[i].Day, srcProg[i].StartsAt)
		}
	}
	if sum, err := ts.store.EditionSummary(ctx, id); err != nil || sum.Total != 0 {
		t.Errorf("the copy has %d applications (%v)", sum.Total, err)
	}
	// The copy's staff are the original's: its reviewer reaches it.
	rv := signIn(t, ts, f.staff.reviewer.Email)
	if resp, _ := rv.get(t, editionPath(id, "")); resp.StatusCode != http.StatusOK {
		t.Errorf("the summer school's reviewer gets %d on the copy", resp.StatusCode)
	}
	// Copying again would list two "…2028": the form says which edition has the address.
	resp, body = v.submit(t, form, nil)
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	wantText(t, body, "The copy's address summer-school-2028 is already used by “Summer School on Migration Studies 2028”",
		"Open “Summer School on Migration Studies 2028”")
	if !strings.Contains(body, `href="`+editionPath(id, "/edit")+`"`) {
		t.Error("no link to the edition that has the address")
	}
}

func TestRetiredQuestionKeepsItsAnswerOnTheApplicationPage(t *testing.T) {
	t.Parallel()
	f := newAdminFixture(t)
	ts := f.ts
	ctx := context.Background()
	v := signIn(t, ts, f.staff.organiser.Email)
	questions, err := ts.store.Questions(ctx, f.summer.ID)
	if err != nil {
		t.Fatal(err)
	}
	var long school.Question
	for _, q := range questions {
		if q.Kind == school.QuestionLongText {
			long = q
		}
	}
	builder := editionPath(f.summer.ID, "/form?lang=en")
	// Rewording keeps the answer attached.
	form := v.openForm(t, builder, editionPath(f.summer.ID, "/questions/"+strconv.FormatInt(long.ID, 10)))
	resp, body := v.submit(t, form, url.Values{"label_en": {"Your research topic, in a sentence"}, "action": {"save"}})
	wantStatus(t, resp, body, http.StatusSeeOther)
	appPage := "/admin/applications/" + strconv.FormatInt(f.app.ID, 10) + "?lang=en"
	_, body = v.get(t, appPage)
	wantText(t, body, "Your research topic, in a sentence", "Water scarcity and internal migration.")
	// Its kind cannot change once answered.
	resp, body = v.submit(t, form, url.Values{"kind": {"yes_no"}, "action": {"save"}})
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	wantText(t, body, "its kind cannot change")

	resp, body = v.submit(t, form, url.Values{"action": {"remove"}})
	wantStatus(t, resp, body, http.StatusSeeOther)
	_, body = v.get(t, resp.Header.Get("Location")+"&lang=en")
	wantText(t, body, "it was retired", "(retired)")
	_, body = v.get(t, appPage)
	wantText(t, body, "Water scarcity and internal migration.")
	_, body = ts.get(t, applyPath(summerSlug)+"?lang=en")
	if strings.Contains(body, "Your research topic") {
		t.Error("the application form still asks the retired question")
	}
	// A question nobody answered is deleted.
	add := editionPath(f.summer.ID, "/questions")
	resp, body = v.postAdmin(t, add, url.Values{"kind": {"single"}, "label_en": {"Preferred workshop"},
		"options_en": {"Only one"}})
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	wantText(t, body, "A choice needs at least two options")
	resp, body = v.postAdmin(t, add, url.Values{"kind": {"single"}, "label_en": {"Preferred workshop"},
		"options_en": {"Data\nLaw"}, "options_cs": {"Data\nPrávo"}, "required": {"yes"}})
	wantStatus(t, resp, body, http.StatusSeeOther)
	_, body = ts.get(t, applyPath(summerSlug)+"?lang=cs")
	wantText(t, body, "Preferred workshop", "Právo")
	all, _, _ := ts.store.AllQuestions(ctx, f.summer.ID)
	added := all[len(questions)-1] // retired ones come last
	resp, body = v.postAdmin(t, editionPath(f.summer.ID, "/questions/"+strconv.FormatInt(added.ID, 10)), url.Values{"action": {"remove"}})
	wantStatus(t, resp, body, http.StatusSeeOther)
	if !strings.Contains(resp.Header.Get("Location"), "question_deleted") {
		t.Errorf("an unanswered question was not deleted: %s", resp.Header.Get("Location"))
	}
}

func TestRubricCriterionWithScoresIsKept(t *testing.T) {
	t.Parallel()
	f := newAdminFixture(t)
	ts := f.ts
	ctx := context.Background()
	rubric, err := ts.store.Rubric(ctx, f.summer.ID)
	if err != nil || len(rubric) == 0 {
		t.Fatalf("rubric %v, %v", rubric, err)
	}
	scores := map[int64]int{}
	for _, c := range rubric {
		scores[c.ID] = 4
	}
	if err := ts.store.SubmitReview(ctx, school.Review{ApplicationID: f.app.ID, ReviewerID: f.staff.reviewer.ID,
		Scores: scores}, "test", demoNow); err != nil {
		t.Fatal(err)
	}
	v := signIn(t, ts, f.staff.organiser.Email)
	first := editionPath(f.summer.ID, "/criteria/"+strconv.FormatInt(rubric[0].ID, 10))
	form := v.openForm(t, editionPath(f.summer.ID, "/form?lang=en"), first)
	resp, body := v.submit(t, form, url.Values{"action": {"delete"}})
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	wantText(t, body, "Reviews have scored this criterion")
	resp, body = v.submit(t, form, url.Values{"weight": {"0"}, "action": {"save"}})
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	wantText(t, body, "The weight must be a number above 0")
	resp, body = v.submit(t, form, url.Values{"weight": {"2.5"}, "action": {"down"}})
	wantStatus(t, resp, body, http.StatusSeeOther)
	after, _ := ts.store.Rubric(ctx, f.summer.ID)
	if len(after) != len(rubric) || after[1].ID != rubric[0].ID {
		t.Errorf("moving down: rubric %v, was %v", after, rubric)
	}
	resp, body = v.postAdmin(t, editionPath(f.summer.ID, "/criteria"), url.Values{"label_en": {"Writing"}, "weight": {"0,5"}})
	wantStatus(t, resp, body, http.StatusSeeOther)
	if after, _ := ts.store.Rubric(ctx, f.summer.ID); len(after) != len(rubric)+1 || after[len(after)-1].Weight != 0.5 {
		t.Errorf("after adding: %v", after)
	}
}

func TestEditorsAreForOrganisersOnly(t *testing.T) {
	t.Parallel()
	f := newAdminFixture(t)
	v := signIn(t, f.ts, f.staff.reviewer.Email)
	for _, r := range []struct{ method, path string }{
		{"GET", "/admin/editions/new"}, {"POST", "/admin/editions/new"},
		{"GET", editionPath(f.summer.ID, "/edit")}, {"POST", editionPath(f.summer.ID, "/edit")},
		{"POST", editionPath(f.summer.ID, "/status")}, {"POST", editionPath(f.summer.ID, "/clone")},
		{"GET", editionPath(f.summer.ID, "/form")}, {"POST", editionPath(f.summer.ID, "/form/fields")},
		{"POST", editionPath(f.summer.ID, "/questions")}, {"POST", editionPath(f.summer.ID, "/criteria")},
	} {
		var resp *http.Response
		if r.method == "GET" {
			resp, _ = v.get(t, r.path)
		} else {
			resp, _ = v.postAdmin(t, r.path, url.Values{"status": {"draft"}})
		}
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s %s as a reviewer: %d, want 403", r.method, r.path, resp.StatusCode)
		}
	}
	// An organiser assigned to other editions does not reach this one.
	o := createUser(t, f.ts, "winter.only@school.test", school.RoleOrganiser)
	if err := f.ts.store.AssignStaff(context.Background(), o.ID, f.winter.ID); err != nil {
		t.Fatal(err)
	}
	ov := signIn(t, f.ts, o.Email)
	if resp, _ := ov.get(t, editionPath(f.summer.ID, "/edit")); resp.StatusCode != http.StatusNotFound {
		t.Errorf("an organiser of another edition gets %d on the summer school's editor", resp.StatusCode)
	}
	if resp, _ := ov.postAdmin(t, editionPath(f.summer.ID, "/clone"), nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("an organiser of another edition cloned the summer school: %d", resp.StatusCode)
	}
}
