package app

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"registrar/app/mail"
	"registrar/app/school"
	"registrar/app/testkit"
)

// Czech readers: the place in Czech, choice answers in their language, greetings that are
// correct Czech.

func TestCzechPagesEmailsAndCalendarNameThePlaceInCzech(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	e := createSelectionEdition(t, ts, "place-2027", 2)
	organiser := createUser(t, ts, "organiser@school.test", school.RoleOrganiser)
	v := signIn(t, ts, organiser.Email)

	// The organiser names the place in Czech in the edition's editor.
	edit := editionPath(e.ID, "/edit")
	resp, body := v.get(t, edit+"?lang=en")
	wantStatus(t, resp, body, http.StatusOK)
	wantText(t, body, "Venue (Czech)", "City (Czech)")
	f := v.openForm(t, edit+"?lang=en", edit)
	resp, body = v.submit(t, f, url.Values{"venue_cs": {"Albertov 6, velká posluchárna"}, "city_cs": {"Praha"},
		"venue": {"Albertov 6, main lecture hall"}})
	wantStatus(t, resp, body, http.StatusSeeOther)
	stored, err := ts.store.EditionByID(context.Background(), e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if stored.VenueCS != "Albertov 6, velká posluchárna" || stored.CityCS != "Praha" || stored.City != "Prague" {
		t.Fatalf("stored venue %q/%q, city %q/%q", stored.Venue, stored.VenueCS, stored.City, stored.CityCS)
	}
	_, body = v.get(t, edit+"?lang=en")
	if !strings.Contains(body, `value="Albertov 6, velká posluchárna"`) || !strings.Contains(body, `value="Praha"`) {
		t.Error("the editor does not show the Czech venue and city it stored")
	}

	page := "/editions/" + e.Slug
	_, cs := ts.get(t, page+"?lang=cs")
	wantText(t, cs, "Albertov 6, velká posluchárna, Praha")
	catLacks(t, cs, "Prague", "main lecture hall")
	_, en := ts.get(t, page+"?lang=en")
	wantText(t, en, "Albertov 6, main lecture hall, Prague")
	_, list := ts.get(t, "/editions?lang=cs")
	wantText(t, catPart(t, list, e.TitleCS, "</article>"), "Praha")

	_, ics := ts.get(t, page+"/calendar.ics?lang=cs")
	wantMarkup(t, ics, "LOCATION:Albertov 6\\, velká posluchárna\\, Praha\r\n")
	_, ics = ts.get(t, page+"/calendar.ics?lang=en")
	wantMarkup(t, ics, "LOCATION:Albertov 6\\, main lecture hall\\, Prague\r\n")

	// Emails name the city in the applicant's language.
	bohdan := createApplicant(t, ts, stored, "Bohdan", "cs")
	anna := createApplicant(t, ts, stored, "Anna", "en")
	stageOK(t, v, bohdan.ID, school.StatusAccepted, 0)
	stageOK(t, v, anna.ID, school.StatusAccepted, 0)
	resp, body = release(t, v, e.ID)
	wantStatus(t, resp, body, http.StatusSeeOther)
	if m := lastEmail(t, ts, bohdan.ID); !strings.Contains(m.Text, ", Praha)") || strings.Contains(m.Text+m.HTML, "Prague") {
		t.Errorf("the Czech offer does not name the city in Czech:\n%s", m.Text)
	}
	if m := lastEmail(t, ts, anna.ID); !strings.Contains(m.Text, ", Prague)") {
		t.Errorf("the English offer does not name the city in English:\n%s", m.Text)
	}
}

func TestCzechPagesFallBackToTheEnglishPlaceAndShowCzechRooms(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	catAddEdition(t, ts, school.Edition{Slug: "english-place-2028", TitleEN: "English Place 2028",
		TitleCS: "Anglické místo 2028", Venue: "Diplomatic Academy", City: "Vienna"})
	_, cs := ts.get(t, "/editions/english-place-2028?lang=cs")
	wantText(t, cs, "Diplomatic Academy, Vienna")

	// The demo's summer school names its city and its lecture hall in Czech.
	_, cs = ts.get(t, "/editions/"+summerSlug+"?lang=cs")
	wantText(t, catPart(t, cs, `<dl class="facts">`, "</dl>"), "Univerzita Karlova, Praha")
	wantText(t, cs, "Albertov 6, velká posluchárna")
	catLacks(t, cs, "main lecture hall")
	_, en := ts.get(t, "/editions/"+summerSlug+"?lang=en")
	wantText(t, en, "Charles University, Prague", "Albertov 6, main lecture hall")
	// The Czech search finds an edition by its Czech city.
	_, hits := ts.get(t, "/search?lang=cs&q="+url.QueryEscape("Jihočeská univerzita"))
	if !strings.Contains(catPart(t, hits, `<ol class="hits">`, `</ol>`), `/editions/summer-school-2013"`) {
		t.Error("searching for the Czech venue does not find the edition held there")
	}
}

func TestChoiceAnswersShowInTheReadersLanguage(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	v := ts.visitor()
	f := v.openForm(t, applyPath(summerSlug)+"?lang=cs", applyPath(summerSlug))
	answers := summerAnswers(t, ts, "jana@example.cz")
	resp, body := v.submit(t, f, answers, cvFile("zivotopis.pdf"))
	token := ts.submitted(t, resp, body, "jana@example.cz")
	a := applicationOf(t, ts, token)

	receipt := lastEmail(t, ts, a.ID)
	for _, part := range []string{receipt.Text, receipt.HTML} {
		if !strings.Contains(part, "Klima a mobilita") || strings.Contains(part, "Climate and mobility") {
			t.Errorf("the Czech receipt does not give the chosen option in Czech:\n%s", part)
		}
	}
	if strings.Contains(receipt.Text, "?:") || !strings.Contains(receipt.Text, "nejdůležitější? Klima a mobilita\n") {
		t.Errorf("the receipt's answers have doubled punctuation:\n%s", receipt.Text)
	}
	_, page := v.get(t, "/status/"+token+"?lang=cs")
	wantText(t, page, "Klima a mobilita")
	catLacks(t, testkit.MainText(t, page), "Climate and mobility")
	// In English, the same answer reads in English.
	_, page = v.get(t, "/status/"+token+"?lang=en")
	wantText(t, page, "Climate and mobility")
}

// Czech greets in the vocative ("Dobrý den, Petro"), which no rule gets right for names from a
// hundred countries; so the Czech emails greet without the name, and the English ones by name.
func TestCzechEmailsGreetWithoutTheNameInTheNominative(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	e := createSelectionEdition(t, ts, "greeting-2027", 2)
	organiser := createUser(t, ts, "organiser@school.test", school.RoleOrganiser)
	petra := createApplicant(t, ts, e, "Petra", "cs")
	v := signIn(t, ts, organiser.Email)
	for _, kind := range mail.Kinds {
		_, cs := v.get(t, emailPage(e, kind, "cs")+"?lang=en")
		_, en := v.get(t, emailPage(e, kind, "en")+"?lang=en")
		// A referee's email greets the referee: Petra named none, so the editor's sample one.
		dear := "Dear Petra,"
		if kind == mail.RefereeRequest || kind == mail.RefereeReminder {
			dear = "Dear Petr Svoboda,"
		}
		for _, want := range []struct{ body, greeting, wrong string }{
			{cs, "Dobrý den,", "Dobrý den, Petra"}, {en, dear, ""}} {
			if !strings.Contains(want.body, want.greeting) || want.wrong != "" && strings.Contains(want.body, want.wrong) {
				t.Errorf("%s: the preview does not greet %q:\n%.2000s", kind, want.greeting, testkit.MainText(t, want.body))
			}
		}
	}
	receipt := lastEmail(t, ts, petra.ID)
	if !strings.HasPrefix(receipt.Text, "Dobrý den,\n") {
		t.Errorf("the Czech receipt begins:\n%.200s", receipt.Text)
	}
	_, body := v.get(t, emailPage(e, mail.DecisionAccepted, "cs")+"?lang=cs")
	wantText(t, body, "v 1. pádě")
}

// Words a Czech reader stumbled on (review of the Czech wording): the time zone, "received"
// read as "admitted", a number's preposition, the rank on the waiting list.
func TestCzechWordingReadsAsCzech(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	_, page := ts.get(t, "/editions/"+summerSlug+"?lang=cs")
	wantText(t, page, "23:59 (čas v Praze, SEČ)")
	catLacks(t, testkit.MainText(t, page), "pražského času", "CET")

	e := createSelectionEdition(t, ts, "wording-2027", 1)
	petra := createApplicant(t, ts, e, "Petra", "cs")
	receipt := lastEmail(t, ts, petra.ID)
	if !strings.HasPrefix(receipt.Subject, "Přihláška doručena: ") || strings.Contains(receipt.Text, "přijal") ||
		strings.Contains(receipt.Text, "))") {
		t.Errorf("the Czech receipt: %q\n%s", receipt.Subject, receipt.Text)
	}

	_, page = ts.get(t, "/alumni?lang=cs")
	if main := testkit.MainText(t, page); strings.Contains(main, " z ") && strings.Contains(main, " zemí") {
		t.Errorf("the alumni totals say \"z N zemí\", spoken \"ze sedmi\" for 7:\n%.300s", main)
	}

	organiser := createUser(t, ts, "organiser@school.test", school.RoleOrganiser)
	v := signIn(t, ts, organiser.Email)
	jan := createApplicant(t, ts, e, "Jan", "cs")
	stageOK(t, v, petra.ID, school.StatusAccepted, 0)
	// Ranks run without gaps, so rank 2 on an empty list is rank 1.
	stageOK(t, v, jan.ID, school.StatusWaitlisted, 2)
	resp, body := release(t, v, e.ID)
	wantStatus(t, resp, body, http.StatusSeeOther)
	if m := lastEmail(t, ts, jan.ID); !strings.Contains(m.Text, "vaše pořadí na ní je 1.") {
		t.Errorf("the waiting-list email does not give the rank as \"pořadí\":\n%s", m.Text)
	}
}

func TestASessionsRoomIsEditedInCzechToo(t *testing.T) {
	t.Parallel()
	p := newProgrammeEditor(t)
	_, body := p.v.get(t, p.base+"/new?lang=en")
	wantText(t, body, "Room in English", "Room in Czech")
	values := p.sessionValues("Migration and Cities", "14:00", "15:00")
	values.Set("room", "Hall B")
	values.Set("room_cs", "Sál B")
	p.postOK(t, p.base+"/new", values)
	page := p.publicPage(t, "?lang=cs")
	wantText(t, catPart(t, page, "Migration and Cities", "</div>"), "Sál B")
	page = p.publicPage(t, "?lang=en")
	wantText(t, catPart(t, page, "Migration and Cities", "</div>"), "Hall B")
	_, body = p.v.get(t, p.base+"/"+strconv.FormatInt(p.sessionID(t, "Migration and Cities"), 10))
	wantMarkup(t, body, `value="Sál B"`)
}
