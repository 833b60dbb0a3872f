package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"registrar/app/school"
)

// ErrCatalogueNotEmpty is returned by LoadDemo when the database already holds editions.
var ErrCatalogueNotEmpty = errors.New("db: the catalogue already has editions")

// LoadDemo fills an empty database with the school's archive (with participants who attended
// its recent editions) and two upcoming editions placed relative to now, in one transaction. It refuses (returns an error) when editions already exist.
func (s *Store) LoadDemo(ctx context.Context, now time.Time) error {
	editions := append(append([]demoEdition(nil), demoArchive...), upcomingDemo(now)...)
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM editions`).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return ErrCatalogueNotEmpty
		}
		seriesIDs := map[string]int64{}
		kinds := map[string]school.Kind{}
		for _, ds := range demoSeries {
			id, err := demoSlugID(ctx, tx, `SELECT id FROM series WHERE slug = ?`, ds.series.Slug)
			if err == nil && id == 0 {
				id, err = insertSeries(ctx, tx, ds.series)
			}
			if err != nil {
				return fmt.Errorf("series %s: %w", ds.series.Slug, err)
			}
			seriesIDs[ds.series.Slug], kinds[ds.series.Slug] = id, ds.kind
		}
		lecturerIDs := map[string]int64{}
		for _, l := range demoLecturers {
			id, err := demoSlugID(ctx, tx, `SELECT id FROM lecturers WHERE slug = ?`, l.Slug)
			if err == nil && id == 0 {
				id, err = insertLecturer(ctx, tx, l)
			}
			if err != nil {
				return fmt.Errorf("lecturer %s: %w", l.Slug, err)
			}
			lecturerIDs[l.Slug] = id
		}
		for _, de := range editions {
			if err := de.insert(ctx, tx, seriesIDs, kinds, lecturerIDs); err != nil {
				return fmt.Errorf("edition %s: %w", de.edition.Slug, err)
			}
		}
		if err := insertDemoFollowUps(ctx, tx, now); err != nil {
			return err
		}
		if err := insertDemoAlumni(ctx, tx, now); err != nil {
			return err
		}
		return rebuildSearch(ctx, tx)
	})
	if err != nil {
		if errors.Is(err, ErrCatalogueNotEmpty) {
			return err
		}
		return fmt.Errorf("db: load demo: %w", err)
	}
	s.catalogueVersion.Add(1)
	return nil
}

// demoSlugID is the id the query finds for slug, or 0 when there is none.
func demoSlugID(ctx context.Context, tx *sql.Tx, query, slug string) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, query, slug).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, err
}

// demoEdition is one edition of the demo catalogue with its programme and documents. The edition
// leaves out what follows from its series or is the same everywhere; insert fills it in.
type demoEdition struct {
	series    string // series slug
	edition   school.Edition
	call      window // zero when the edition took no applications
	room      string // where the sessions take place, except study visits
	programme []demoSession
	documents []demoDocument
	questions []school.Question // extra questions of the application form
	rubric    []school.Criterion
}

// demoSession is one programme slot; day counts from the edition's first day.
type demoSession struct {
	day      int
	from, to string
	kind     school.SessionKind
	en, cs   string
	who      []string // lecturer slugs, in order
}

type demoDocument struct {
	kind, en, cs, url string
}

// window is an application call: from the start of one Prague day to 23:59 of another.
type window struct{ opens, closes time.Time }

// date is a calendar date as the catalogue stores it: midnight UTC.
func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// call is the window from 00:00 Prague time on from to 23:59 Prague time on to (both dates).
func call(from, to time.Time) window {
	return window{
		opens:  time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, school.Prague).UTC(),
		closes: time.Date(to.Year(), to.Month(), to.Day(), 23, 59, 0, 0, school.Prague).UTC(),
	}
}

// summerCall is the usual summer school call: mid-May to mid-July.
func summerCall(y int) window { return call(date(y, time.May, 15), date(y, time.July, 15)) }

// pragueDate is the calendar date of t in Prague.
func pragueDate(t time.Time) time.Time {
	y, m, d := t.In(school.Prague).Date()
	return date(y, m, d)
}

func (de demoEdition) insert(ctx context.Context, tx *sql.Tx, seriesIDs map[string]int64,
	kinds map[string]school.Kind, lecturerIDs map[string]int64) error {
	e := de.edition
	var ok bool
	if e.SeriesID, ok = seriesIDs[de.series]; !ok {
		return fmt.Errorf("unknown series %q", de.series)
	}
	e.Kind = kinds[de.series]
	e.Year = e.StartsOn.Year()
	e.OpensAt, e.ClosesAt = de.call.opens, de.call.closes
	if e.Mode == "" {
		e.Mode = school.ModeInPerson
	}
	if e.Language == "" {
		e.Language = "en"
	}
	if e.Currency == "" {
		e.Currency = "EUR"
	}
	if e.OfferDays == 0 {
		e.OfferDays = 7
	}
	if e.Status == "" {
		e.Status = school.EditionArchived
	}
	if e.SignatoryName == "" {
		// A made-up name: the demo must not put a real person's signature on letters.
		e.SignatoryName, e.SignatoryTitle = "Dr. Jana Demo", "Programme Coordinator, IOM Prague (demo)"
	}
	if e.Hours == 0 {
		e.Hours = 8 * (int(e.EndsOn.Sub(e.StartsOn).Hours()/24) + 1)
	}
	if e.Admission == "" {
		e.Admission = school.AdmissionOpen
		if e.Kind == school.KindSummerSchool || e.Kind == school.KindWinterSchool {
			e.Admission = school.AdmissionSelection
		}
	}
	e.VenueCS, e.CityCS = demoInCzech[e.Venue], demoInCzech[e.City]
	if e.FeeCents > 0 && e.Payment.IBAN == "" {
		// A made-up account with valid check digits at bank code 0000, which no Czech bank has:
		// a demo payment can't reach anyone's money.
		e.Payment = school.PaymentAccount{Holder: "IOM Prague (demo)", IBAN: "CZ7300000000001234567899",
			DueOn: e.StartsOn.AddDate(0, 0, -14)}
	}
	id, err := insertEdition(ctx, tx, e)
	if err != nil {
		return err
	}
	for _, c := range de.rubric {
		c.EditionID = id
		if err := insertCriterion(ctx, tx, c); err != nil {
			return err
		}
	}
	for _, q := range de.questions {
		q.EditionID = id
		if _, err := insertQuestion(ctx, tx, q); err != nil {
			return err
		}
	}
	for _, ds := range de.programme {
		ps := school.Session{
			EditionID: id,
			Day:       e.StartsOn.AddDate(0, 0, ds.day),
			StartsAt:  ds.from,
			EndsAt:    ds.to,
			Kind:      ds.kind,
			TitleEN:   ds.en,
			TitleCS:   ds.cs,
		}
		if ps.Day.After(e.EndsOn) {
			return fmt.Errorf("session %q is after the edition ends", ds.en)
		}
		if ds.kind != school.SessionStudyVisit {
			ps.Room, ps.RoomCS = de.room, demoInCzech[de.room]
		}
		if note, ok := demoSessionNotes[ds.en]; ok {
			ps.DescriptionEN, ps.DescriptionCS = note[0], note[1]
		}
		ids := make([]int64, len(ds.who))
		for i, slug := range ds.who {
			if ids[i], ok = lecturerIDs[slug]; !ok {
				return fmt.Errorf("session %q: unknown lecturer %q", ds.en, slug)
			}
		}
		if _, err := insertSession(ctx, tx, ps, ids); err != nil {
			return fmt.Errorf("session %q: %w", ds.en, err)
		}
	}
	for _, dd := range de.documents {
		d := school.Document{EditionID: id, TitleEN: dd.en, TitleCS: dd.cs, Kind: dd.kind,
			URL: dd.url, Public: true}
		if _, err := insertDocument(ctx, tx, d); err != nil {
			return fmt.Errorf("document %q: %w", dd.en, err)
		}
	}
	return nil
}

var demoSeries = []struct {
	series school.Series
	kind   school.Kind
}{
	{school.Series{Slug: "summer-school", NameEN: "Summer School on Migration Studies",
		NameCS: "Letní škola migračních studií"}, school.KindSummerSchool},
	{school.Series{Slug: "winter-school", NameEN: "Winter School on Migration Studies",
		NameCS: "Zimní škola migračních studií"}, school.KindWinterSchool},
	{school.Series{Slug: "conferences", NameEN: "International conferences",
		NameCS: "Mezinárodní konference"}, school.KindConference},
	{school.Series{Slug: "seminars", NameEN: "Seminars", NameCS: "Semináře"}, school.KindSeminar},
}

// demoLecturers are invented people at real institutions, except Prof. Drbohlav, the Charles
// University migration geographer who has taught at the school.
var demoLecturers = []school.Lecturer{
	{Slug: "dusan-drbohlav", Name: "Prof. Dušan Drbohlav",
		Affiliation: "Charles University, Faculty of Science (GEOMIGRACE)",
		BioEN:       "Professor of geography at Charles University, where he leads the GEOMIGRACE research centre on migration and integration.",
		BioCS:       "Profesor geografie na Univerzitě Karlově, kde vede výzkumné centrum GEOMIGRACE zaměřené na migraci a integraci."},
	{Slug: "marketa-simkova", Name: "Markéta Šimková", Affiliation: "IOM Prague",
		BioEN: "Head of office at IOM Prague; works on migration management and integration programmes.",
		BioCS: "Vedoucí pražské kanceláře IOM; věnuje se řízení migrace a integračním programům."},
	{Slug: "lenka-horakova", Name: "Lenka Horáková", Affiliation: "IOM Prague",
		BioEN: "Programme officer at IOM Prague for migration management, counter-trafficking and return.",
		BioCS: "Programová pracovnice IOM Praha pro řízení migrace, boj proti obchodu s lidmi a návraty."},
	{Slug: "daniel-whitfield", Name: "Daniel Whitfield", Affiliation: "U.S. Embassy Prague",
		BioEN: "Diplomat at the U.S. Embassy in Prague responsible for refugee and migration affairs.",
		BioCS: "Diplomat Velvyslanectví USA v Praze odpovědný za otázky uprchlíků a migrace."},
	{Slug: "pavel-kucera", Name: "doc. Pavel Kučera", Affiliation: "Charles University, Faculty of Science",
		BioEN: "Vice-dean of the Faculty of Science of Charles University; demographer.",
		BioCS: "Proděkan Přírodovědecké fakulty Univerzity Karlovy; demograf."},
	{Slug: "katarina-lindqvist", Name: "Katarina Lindqvist", Affiliation: "UNHCR",
		BioEN: "Protection officer with UNHCR, formerly in field operations in the Balkans and the Mediterranean.",
		BioCS: "Pracovnice UNHCR pro ochranu uprchlíků, dříve v terénních operacích na Balkáně a ve Středomoří."},
	{Slug: "tomas-benes", Name: "Tomáš Beneš", Affiliation: "United Nations Information Centre (UNIC) Prague",
		BioEN: "Communication officer at the UN Information Centre in Prague.",
		BioCS: "Pracovník pro komunikaci Informačního centra OSN v Praze."},
	{Slug: "amra-hodzic", Name: "Amra Hodžić", Affiliation: "IOM Sarajevo",
		BioEN: "Counter-trafficking specialist at IOM Sarajevo, working on victim assistance across the Western Balkans.",
		BioCS: "Specialistka IOM Sarajevo na boj proti obchodu s lidmi; pomáhá obětem v zemích západního Balkánu."},
	{Slug: "petra-dvorakova", Name: "Petra Dvořáková", Affiliation: "La Strada Czech Republic",
		BioEN: "Social worker and trainer at La Strada Czech Republic, an NGO assisting trafficked persons.",
		BioCS: "Sociální pracovnice a lektorka organizace La Strada Česká republika, která pomáhá obchodovaným osobám."},
	{Slug: "ondrej-vesely", Name: "JUDr. Ondřej Veselý", Affiliation: "Charles University, Faculty of Law",
		BioEN: "Lecturer in international and EU migration and asylum law.",
		BioCS: "Vyučuje mezinárodní a evropské právo migrace a azylu."},
	{Slug: "anna-kowalczyk", Name: "Dr. Anna Kowalczyk",
		Affiliation: "Centre of Migration Research, University of Warsaw",
		BioEN:       "Economist studying remittances, diaspora engagement and labour migration in Central and Eastern Europe.",
		BioCS:       "Ekonomka zkoumající remitence, zapojení diaspor a pracovní migraci ve střední a východní Evropě."},
	{Slug: "helena-markova", Name: "Dr. Helena Marková",
		Affiliation: "Institute of Sociology, Czech Academy of Sciences",
		BioEN:       "Sociologist researching the integration and identity of migrants and their children in Czechia.",
		BioCS:       "Socioložka zkoumající integraci a identitu migrantů a jejich dětí v Česku."},
	{Slug: "jakub-stransky", Name: "Jakub Stránský", Affiliation: "Prague City Hall",
		BioEN: "Coordinator of integration policy for foreigners at Prague City Hall.",
		BioCS: "Koordinátor politiky integrace cizinců na Magistrátu hlavního města Prahy."},
	{Slug: "samuel-okafor", Name: "Dr. Samuel Okafor", Affiliation: "Maastricht University",
		BioEN: "Geographer working on environmental migration and climate-related mobility.",
		BioCS: "Geograf zabývající se environmentální migrací a mobilitou spojenou se změnou klimatu."},
	{Slug: "iveta-prochazkova", Name: "Iveta Procházková", Affiliation: "Integration Centre Prague",
		BioEN: "Runs courses and counselling for newcomers at the Integration Centre Prague.",
		BioCS: "Vede kurzy a poradenství pro nově příchozí v Integračním centru Praha."},
	{Slug: "klara-stastna", Name: "MUDr. Klára Šťastná", Affiliation: "National Institute of Public Health",
		BioEN: "Physician working on access to health care for migrants and on psychosocial support.",
		BioCS: "Lékařka zabývající se přístupem migrantů ke zdravotní péči a psychosociální podporou."},
	{Slug: "radka-vondrova", Name: "Radka Vondrová", Affiliation: "Town of Dobříš",
		BioEN: "Community worker for the town of Dobříš, where the Czech and Ukrainian communities meet.",
		BioCS: "Komunitní pracovnice města Dobříš, kde se setkává česká a ukrajinská komunita."},
}

// demoSessionNotes are session descriptions (English, Czech), keyed by the English title.
var demoSessionNotes = map[string][2]string{
	"Visit to an integration centre": {
		"Participants meet the staff and clients of the Integration Centre Prague. The visit is in Czech with interpretation into English.",
		"Účastníci se setkají s pracovníky a klienty Integračního centra Praha. Prohlídka probíhá česky s tlumočením do angličtiny.",
	},
	"Visit to the community centre in Dobříš": {
		"How a small town brought its Czech and Ukrainian residents together.",
		"Jak malé město propojilo své české a ukrajinské obyvatele.",
	},
	"Panel: trafficking in human beings in Central and South-Eastern Europe": {
		"Practitioners from IOM and La Strada on identifying and assisting victims.",
		"Odborníci z IOM a La Strada o identifikaci obětí a pomoci jim.",
	},
}

// demoInCzech names the demo's venues, cities and rooms in Czech, as an organiser fills them in.
var demoInCzech = map[string]string{
	"Prague":                                 "Praha",
	"Kašperské Hory":                         "Kašperské Hory",
	"České Budějovice":                       "České Budějovice",
	"Town hall":                              "Radnice",
	"Charles University":                     "Univerzita Karlova",
	"Charles University, Faculty of Science": "Univerzita Karlova, Přírodovědecká fakulta",
	"Charles University, Faculty of Law":     "Univerzita Karlova, Právnická fakulta",
	"Charles University, Faculty of Science (GEOMIGRACE)":              "Univerzita Karlova, Přírodovědecká fakulta (GEOMIGRACE)",
	"Charles University, Faculty of Social Sciences (Hollar building)": "Univerzita Karlova, Fakulta sociálních věd (budova Hollar)",
	"University of South Bohemia":                                      "Jihočeská univerzita",
	"Online":                                                           "Online",
	"Clam-Gallas Palace":                                               "Clam-Gallasův palác",
	"Prague City Hall":                                                 "Magistrát hlavního města Prahy",
	"Albertov 6, main lecture hall":                                    "Albertov 6, velká posluchárna",
	"Albertov 6, lecture hall":                                         "Albertov 6, posluchárna",
	"Faculty of Law, room 38, and online":                              "Právnická fakulta, místnost 38, a online",
	"Clam-Gallas Palace, Great Hall":                                   "Clam-Gallasův palác, velký sál",
}

// demoArchive is the school's past: every edition the school's website lists.
var demoArchive = []demoEdition{
	{series: "seminars", edition: school.Edition{
		Slug:          "seminar-2001-counter-trafficking",
		TitleEN:       "Seminar about IOM Expertise in Counter-Trafficking",
		TitleCS:       "Seminář o zkušenostech IOM v boji proti obchodu s lidmi",
		ThemeEN:       "Trafficking in human beings",
		ThemeCS:       "Obchod s lidmi",
		DescriptionEN: "A seminar in Kašperské Hory where IOM shared its expertise in **counter-trafficking** with Czech police, border officials and NGOs: identifying victims, assistance and safe return.",
		DescriptionCS: "Seminář v Kašperských Horách, na kterém IOM předala zkušenosti s **bojem proti obchodu s lidmi** české policii, pohraniční službě a nevládním organizacím: identifikace obětí, pomoc a bezpečný návrat.",
		StartsOn:      date(2001, time.November, 14), EndsOn: date(2001, time.November, 16),
		Venue: "Town hall", City: "Kašperské Hory", SeatsInPerson: 70,
	}},
	{series: "summer-school", call: summerCall(2009), edition: school.Edition{
		Slug:          "summer-school-2009",
		TitleEN:       "Summer School on Migration Studies 2009",
		TitleCS:       "Letní škola migračních studií 2009",
		ThemeEN:       "Theories of migration",
		ThemeCS:       "Teorie migrace",
		DescriptionEN: "The first **Summer School on Migration Studies**, organised by IOM Prague with Charles University. A week of lectures and discussions for students and young professionals on:\n\n- theories of migration\n- migration in Central Europe after 1989\n- the work of IOM",
		DescriptionCS: "První **Letní škola migračních studií**, kterou IOM Praha uspořádala s Univerzitou Karlovou. Týden přednášek a diskusí pro studenty a mladé odborníky o:\n\n- teoriích migrace\n- migraci ve střední Evropě po roce 1989\n- práci IOM",
		StartsOn:      date(2009, time.August, 24), EndsOn: date(2009, time.August, 28),
		Venue: "Charles University, Faculty of Science", City: "Prague",
		FeeCents: 20000, SeatsInPerson: 70,
	}},
	{series: "summer-school", call: summerCall(2010), edition: school.Edition{
		Slug:          "summer-school-2010",
		TitleEN:       "Summer School on Migration Studies 2010",
		TitleCS:       "Letní škola migračních studií 2010",
		ThemeEN:       "Migration and demography",
		ThemeCS:       "Migrace a demografie",
		DescriptionEN: "The second edition looked at how migration shapes the population of Europe. Lecturers from Charles University and IOM discussed **ageing, labour shortages and migration policy**, with case studies from Czechia.",
		DescriptionCS: "Druhý ročník se zabýval tím, jak migrace utváří obyvatelstvo Evropy. Přednášející z Univerzity Karlovy a IOM diskutovali o **stárnutí populace, nedostatku pracovních sil a migrační politice** na příkladech z Česka.",
		StartsOn:      date(2010, time.August, 23), EndsOn: date(2010, time.August, 27),
		Venue: "Charles University, Faculty of Science", City: "Prague",
		FeeCents: 20000, SeatsInPerson: 80,
	}},
	{series: "summer-school", call: summerCall(2011), edition: school.Edition{
		Slug:          "summer-school-2011",
		TitleEN:       "Summer School on Migration and Development 2011",
		TitleCS:       "Letní škola o migraci a rozvoji 2011",
		ThemeEN:       "Migration and development",
		ThemeCS:       "Migrace a rozvoj",
		DescriptionEN: "Held in the Hollar building of the Faculty of Social Sciences, this edition focused on **migration and development**: remittances, diaspora engagement and circular migration. Participants worked in small groups on development projects of IOM.",
		DescriptionCS: "Ročník v budově Hollar Fakulty sociálních věd se věnoval **migraci a rozvoji**: remitencím, zapojení diaspor a cirkulační migraci. Účastníci pracovali v malých skupinách na rozvojových projektech IOM.",
		StartsOn:      date(2011, time.August, 21), EndsOn: date(2011, time.August, 27),
		Venue: "Charles University, Faculty of Social Sciences (Hollar building)", City: "Prague",
		FeeCents: 20000, SeatsInPerson: 90,
	}},
	{series: "summer-school", call: summerCall(2012), edition: school.Edition{
		Slug:          "summer-school-2012",
		TitleEN:       "Summer School on Migration Studies 2012",
		TitleCS:       "Letní škola migračních studií 2012",
		ThemeEN:       "Remittances and diaspora",
		ThemeCS:       "Remitence a diaspora",
		DescriptionEN: "The school moved to the **University of South Bohemia in České Budějovice**. Lectures on remittances and diasporas were complemented by a study visit and evening discussions with practitioners.",
		DescriptionCS: "Škola se přesunula na **Jihočeskou univerzitu v Českých Budějovicích**. Přednášky o remitencích a diasporách doplnila exkurze a večerní diskuse s odborníky z praxe.",
		StartsOn:      date(2012, time.September, 3), EndsOn: date(2012, time.September, 7),
		Venue: "University of South Bohemia", City: "České Budějovice",
		FeeCents: 20000, SeatsInPerson: 80,
	}},
	{series: "summer-school", call: summerCall(2013), edition: school.Edition{
		Slug:          "summer-school-2013",
		TitleEN:       "Summer School on Migration and Integration 2013",
		TitleCS:       "Letní škola o migraci a integraci 2013",
		ThemeEN:       "Integration and identity",
		ThemeCS:       "Integrace a identita",
		DescriptionEN: "The **Summer School on Migration and Integration** asked how newcomers become part of society. Topics included:\n\n- integration policies in the EU and Czechia\n- identity and belonging\n- the role of municipalities and NGOs",
		DescriptionCS: "**Letní škola o migraci a integraci** se ptala, jak se nově příchozí stávají součástí společnosti. Témata:\n\n- integrační politiky EU a Česka\n- identita a sounáležitost\n- role obcí a nevládních organizací",
		StartsOn:      date(2013, time.August, 26), EndsOn: date(2013, time.August, 30),
		Venue: "University of South Bohemia", City: "České Budějovice",
		FeeCents: 25000, SeatsInPerson: 90,
	}},
	{series: "summer-school", call: summerCall(2014), edition: school.Edition{
		Slug:          "summer-school-2014",
		TitleEN:       "Summer School on Migration Studies 2014",
		TitleCS:       "Letní škola migračních studií 2014",
		ThemeEN:       "Gender and migration",
		ThemeCS:       "Gender a migrace",
		DescriptionEN: "A week in České Budějovice on **gender and migration**: women in labour migration, family reunification and vulnerability. Participants stayed together in the K4 dormitory of the University of South Bohemia.",
		DescriptionCS: "Týden v Českých Budějovicích na téma **gender a migrace**: ženy v pracovní migraci, slučování rodin a zranitelnost. Účastníci bydleli společně na koleji K4 Jihočeské univerzity.",
		StartsOn:      date(2014, time.August, 25), EndsOn: date(2014, time.August, 29),
		Venue: "University of South Bohemia", City: "České Budějovice",
		FeeCents: 25000, SeatsInPerson: 90,
	}},
	{series: "summer-school", call: summerCall(2015), edition: school.Edition{
		Slug:          "summer-school-2015",
		TitleEN:       "Summer School on Migration Studies 2015",
		TitleCS:       "Letní škola migračních studií 2015",
		ThemeEN:       "Environmental migration",
		ThemeCS:       "Environmentální migrace",
		DescriptionEN: "The last edition in České Budějovice turned to **environmental migration**: how floods, droughts and land degradation move people, and how policy responds.",
		DescriptionCS: "Poslední ročník v Českých Budějovicích se věnoval **environmentální migraci**: jak povodně, sucha a degradace půdy vyhánějí lidi z domovů a jak na to reaguje politika.",
		StartsOn:      date(2015, time.August, 17), EndsOn: date(2015, time.August, 22),
		Venue: "University of South Bohemia", City: "České Budějovice",
		FeeCents: 25000, SeatsInPerson: 100,
	}},
	{series: "summer-school", call: summerCall(2016), room: "Albertov 6, main lecture hall",
		edition: school.Edition{
			Slug:          "summer-school-2016",
			TitleEN:       "Summer School on Migration Studies 2016",
			TitleCS:       "Letní škola migračních studií 2016",
			ThemeEN:       "Refugees, trafficking and migration myths",
			ThemeCS:       "Uprchlíci, obchod s lidmi a mýty o migraci",
			DescriptionEN: "About **100 participants from more than 50 countries** spent a week at the Faculty of Science with lecturers from Charles University, IOM, UNHCR and the UN Information Centre. The programme covered:\n\n- migration theories, realities and myths\n- refugee protection and communication\n- counter-trafficking, with a panel of practitioners",
			DescriptionCS: "Zhruba **100 účastníků z více než 50 zemí** strávilo týden na Přírodovědecké fakultě s přednášejícími z Univerzity Karlovy, IOM, UNHCR a Informačního centra OSN. Program zahrnoval:\n\n- teorie, realitu a mýty migrace\n- ochranu uprchlíků a komunikaci\n- boj proti obchodu s lidmi, včetně panelu odborníků z praxe",
			StartsOn:      date(2016, time.September, 4), EndsOn: date(2016, time.September, 10),
			Venue: "Charles University, Faculty of Science (GEOMIGRACE)", City: "Prague",
			FeeCents: 25000, SeatsInPerson: 100,
		},
		programme: []demoSession{
			{0, "18:00", "20:00", school.SessionSocial, "Welcome evening", "Uvítací večer", nil},
			{1, "09:00", "09:45", school.SessionOpening,
				"Opening by the U.S. Embassy, Charles University and IOM",
				"Zahájení za Velvyslanectví USA, Univerzitu Karlovu a IOM",
				[]string{"daniel-whitfield", "pavel-kucera", "marketa-simkova"}},
			{1, "10:00", "11:30", school.SessionLecture, "Migration Theories, Realities and Myths",
				"Teorie, realita a mýty migrace", []string{"dusan-drbohlav"}},
			{1, "11:45", "13:00", school.SessionLecture, "IOM role in migration management",
				"Role IOM v řízení migrace", []string{"lenka-horakova"}},
			{1, "14:00", "15:30", school.SessionLecture, "UNHCR role in assistance to refugees",
				"Role UNHCR v pomoci uprchlíkům", []string{"katarina-lindqvist"}},
			{1, "15:45", "17:00", school.SessionLecture, "Migration, refugees and UN Communication",
				"Migrace, uprchlíci a komunikace OSN", []string{"tomas-benes"}},
			{2, "09:00", "10:30", school.SessionLecture,
				"Counter-trafficking of Human Beings, IOM perspective",
				"Boj proti obchodu s lidmi z pohledu IOM", []string{"amra-hodzic"}},
			{2, "10:45", "12:30", school.SessionPanel,
				"Panel: trafficking in human beings in Central and South-Eastern Europe",
				"Panel: obchod s lidmi ve střední a jihovýchodní Evropě",
				[]string{"amra-hodzic", "petra-dvorakova", "lenka-horakova"}},
			{2, "14:00", "16:00", school.SessionWorkshop, "Workshop: identifying victims of trafficking",
				"Workshop: identifikace obětí obchodu s lidmi", []string{"petra-dvorakova"}},
		},
		documents: []demoDocument{
			{"programme", "Programme of the Summer School 2016", "Program letní školy 2016",
				"https://czechia.iom.int/summer-school-migration-studies-2016"},
			{"photos", "Photos from the Summer School 2016", "Fotografie z letní školy 2016",
				"https://czechia.iom.int/photos/summer-school-2016"},
		},
	},
	{series: "summer-school", call: summerCall(2017), edition: school.Edition{
		Slug:          "summer-school-2017",
		TitleEN:       "Summer School on Migration Studies 2017",
		TitleCS:       "Letní škola migračních studií 2017",
		ThemeEN:       "Return migration and reintegration",
		ThemeCS:       "Návratová migrace a reintegrace",
		DescriptionEN: "Back in Prague, the school examined **return migration and reintegration**: assisted voluntary return, reintegration support and the experience of returnees.",
		DescriptionCS: "Škola se vrátila do Prahy a zkoumala **návratovou migraci a reintegraci**: asistované dobrovolné návraty, podporu reintegrace a zkušenosti navrátilců.",
		StartsOn:      date(2017, time.August, 21), EndsOn: date(2017, time.August, 25),
		Venue: "Charles University, Faculty of Science", City: "Prague",
		FeeCents: 30000, SeatsInPerson: 110,
	}},
	{series: "summer-school", call: summerCall(2018), edition: school.Edition{
		Slug:          "summer-school-2018",
		TitleEN:       "Summer School on Migration Studies 2018",
		TitleCS:       "Letní škola migračních studií 2018",
		ThemeEN:       "Migration and health",
		ThemeCS:       "Migrace a zdraví",
		DescriptionEN: "The 2018 edition covered **migration and health**: access to health care, the mental health of refugees and public health at borders.",
		DescriptionCS: "Ročník 2018 se věnoval **migraci a zdraví**: přístupu ke zdravotní péči, duševnímu zdraví uprchlíků a veřejnému zdraví na hranicích.",
		StartsOn:      date(2018, time.August, 20), EndsOn: date(2018, time.August, 24),
		Venue: "Charles University, Faculty of Science", City: "Prague",
		FeeCents: 30000, SeatsInPerson: 110,
	}},
	{series: "summer-school", call: summerCall(2019), room: "Albertov 6, main lecture hall",
		edition: school.Edition{
			Slug:          "summer-school-2019",
			TitleEN:       "Summer School on Migration Studies 2019",
			TitleCS:       "Letní škola migračních studií 2019",
			ThemeEN:       "Mixed migration and climate change",
			ThemeCS:       "Smíšená migrace a změna klimatu",
			DescriptionEN: "A record **125 participants from more than 40 countries** met at Charles University. The programme covered:\n\n- theories of migration and mixed migration flows\n- climate change and human mobility\n- integration and identity, with a visit to an integration centre",
			DescriptionCS: "Rekordních **125 účastníků z více než 40 zemí** se sešlo na Univerzitě Karlově. Program zahrnoval:\n\n- teorie migrace a smíšené migrační toky\n- změnu klimatu a mobilitu lidí\n- integraci a identitu, včetně návštěvy integračního centra",
			StartsOn:      date(2019, time.August, 26), EndsOn: date(2019, time.August, 31),
			Venue: "Charles University", City: "Prague",
			FeeCents: 30000, SeatsInPerson: 125,
		},
		programme: []demoSession{
			{0, "09:00", "09:45", school.SessionOpening, "Opening of the Summer School 2019",
				"Zahájení letní školy 2019", []string{"marketa-simkova", "dusan-drbohlav"}},
			{0, "10:00", "11:30", school.SessionLecture, "Theories of migration revisited",
				"Teorie migrace znovu a jinak", []string{"dusan-drbohlav"}},
			{0, "11:45", "13:00", school.SessionLecture, "Mixed migration flows in the Mediterranean",
				"Smíšené migrační toky ve Středomoří", []string{"katarina-lindqvist"}},
			{0, "14:00", "15:30", school.SessionLecture, "Climate change and human mobility",
				"Změna klimatu a mobilita lidí", []string{"samuel-okafor"}},
			{0, "19:00", "22:00", school.SessionSocial, "Welcome dinner", "Uvítací večeře", nil},
			{1, "09:00", "10:30", school.SessionLecture, "Remittances, diaspora and development",
				"Remitence, diaspora a rozvoj", []string{"anna-kowalczyk"}},
			{1, "10:45", "12:15", school.SessionLecture, "EU and Czech migration law in brief",
				"Stručně o migračním právu EU a Česka", []string{"ondrej-vesely"}},
			{1, "13:30", "17:00", school.SessionStudyVisit, "Visit to an integration centre",
				"Návštěva integračního centra", []string{"iveta-prochazkova"}},
			{2, "09:00", "10:30", school.SessionLecture,
				"Integration and identity of second-generation migrants",
				"Integrace a identita druhé generace migrantů", []string{"helena-markova"}},
			{2, "10:45", "12:30", school.SessionPanel, "Panel: integration policies in Central Europe",
				"Panel: integrační politiky ve střední Evropě",
				[]string{"helena-markova", "jakub-stransky", "lenka-horakova"}},
			{2, "14:00", "15:30", school.SessionWorkshop, "Workshop: reading migration statistics",
				"Workshop: jak číst migrační statistiky", []string{"anna-kowalczyk"}},
		},
		documents: []demoDocument{
			{"programme", "Programme of the Summer School 2019", "Program letní školy 2019",
				"https://czechia.iom.int/summer-school-migration-studies-2019"},
			{"report", "Report: Summer School 2019", "Zpráva z letní školy 2019",
				"https://czechia.iom.int/news/summer-school-migration-studies-2019-report"},
		},
	},
	{series: "summer-school", call: summerCall(2020), edition: school.Edition{
		Slug:          "summer-school-2020",
		TitleEN:       "Summer School on Migration Studies 2020",
		TitleCS:       "Letní škola migračních studií 2020",
		ThemeEN:       "Migration and health in a pandemic",
		ThemeCS:       "Migrace a zdraví v době pandemie",
		DescriptionEN: "Because of the COVID-19 pandemic the school ran **online**. Short daily lectures and discussions looked at migration and health, mobility restrictions and the situation of migrant workers.",
		DescriptionCS: "Kvůli pandemii covidu-19 proběhla škola **online**. Krátké denní přednášky a diskuse se zabývaly migrací a zdravím, omezením mobility a situací pracovních migrantů.",
		StartsOn:      date(2020, time.August, 24), EndsOn: date(2020, time.August, 28),
		Venue: "Online", Mode: school.ModeOnline,
		FeeCents: 10000, SeatsOnline: 120,
	}},
	{series: "summer-school", call: summerCall(2021), room: "Faculty of Law, room 38, and online",
		edition: school.Edition{
			Slug:          "summer-school-2021",
			TitleEN:       "Summer School on Migration Studies 2021",
			TitleCS:       "Letní škola migračních studií 2021",
			ThemeEN:       "Integration, identity and social cohesion",
			ThemeCS:       "Integrace, identita a soudržnost společnosti",
			DescriptionEN: "The first **hybrid** edition: 100 participants in person at the Faculty of Law and 100 online. Registration ran from 15 May to 15 July, with selection through July. Topics included integration and identity, migration law and environmental migration.",
			DescriptionCS: "První **hybridní** ročník: 100 účastníků osobně na Právnické fakultě a 100 online. Registrace probíhala od 15. května do 15. července, výběr během července. Témata zahrnovala integraci a identitu, migrační právo a environmentální migraci.",
			StartsOn:      date(2021, time.August, 23), EndsOn: date(2021, time.August, 27),
			Venue: "Charles University, Faculty of Law", City: "Prague", Mode: school.ModeHybrid,
			FeeCents: 30000, SeatsInPerson: 100, SeatsOnline: 100,
		},
		programme: []demoSession{
			{0, "09:00", "09:45", school.SessionOpening, "Opening of the Summer School 2021",
				"Zahájení letní školy 2021", []string{"marketa-simkova", "ondrej-vesely"}},
			{0, "10:00", "11:30", school.SessionLecture, "Migration theories after the pandemic",
				"Teorie migrace po pandemii", []string{"dusan-drbohlav"}},
			{0, "11:45", "13:00", school.SessionLecture,
				"International migration law and refugee protection",
				"Mezinárodní migrační právo a ochrana uprchlíků", []string{"ondrej-vesely"}},
			{0, "14:00", "15:30", school.SessionLecture, "Migration and health: lessons of COVID-19",
				"Migrace a zdraví: poučení z covidu-19", []string{"klara-stastna"}},
			{0, "15:45", "17:00", school.SessionWorkshop, "Workshop: writing a policy brief",
				"Workshop: jak napsat policy brief", []string{"anna-kowalczyk"}},
			{1, "09:00", "10:30", school.SessionLecture, "Integration and identity in Czech society",
				"Integrace a identita v české společnosti", []string{"helena-markova"}},
			{1, "10:45", "12:15", school.SessionLecture, "Environmental migration and climate change",
				"Environmentální migrace a změna klimatu", []string{"samuel-okafor"}},
			{1, "13:30", "16:30", school.SessionStudyVisit, "Visit to an integration centre",
				"Návštěva integračního centra", []string{"iveta-prochazkova"}},
			{2, "09:00", "10:30", school.SessionLecture, "Return migration and reintegration",
				"Návratová migrace a reintegrace", []string{"lenka-horakova"}},
			{2, "10:45", "12:30", school.SessionPanel, "Panel: diaspora and development",
				"Panel: diaspora a rozvoj", []string{"anna-kowalczyk", "amra-hodzic"}},
			{2, "14:00", "15:00", school.SessionSocial, "Closing and certificates",
				"Závěr a předání certifikátů", []string{"marketa-simkova"}},
		},
		documents: []demoDocument{
			{"programme", "Programme of the Summer School 2021", "Program letní školy 2021",
				"https://czechia.iom.int/summer-school-migration-studies-2021"},
			{"photos", "Photos from the Summer School 2021", "Fotografie z letní školy 2021",
				"https://czechia.iom.int/photos/summer-school-2021"},
			{"report", "Report: Summer School 2021", "Zpráva z letní školy 2021",
				"https://czechia.iom.int/news/summer-school-migration-studies-2021-report"},
		},
	},
	{series: "winter-school", call: call(date(2023, time.January, 9), date(2023, time.February, 5)),
		room: "Albertov 6, lecture hall",
		edition: school.Edition{
			Slug:          "winter-school-2023",
			TitleEN:       "Winter School on Migration Studies 2023",
			TitleCS:       "Zimní škola migračních studií 2023",
			ThemeEN:       "Integration of people under temporary protection",
			ThemeCS:       "Integrace lidí s dočasnou ochranou",
			DescriptionEN: "A three-day **Winter School** for mayors, municipal officials, community centres and integration staff working with people who fled Ukraine. Practical sessions on:\n\n- temporary protection and its rules\n- municipal integration plans\n- working with Czech and Ukrainian communities",
			DescriptionCS: "Třídenní **zimní škola** pro starosty, úředníky obcí, komunitní centra a pracovníky v integraci, kteří pracují s lidmi prchajícími z Ukrajiny. Praktické bloky o:\n\n- dočasné ochraně a jejích pravidlech\n- obecních integračních plánech\n- práci s českou a ukrajinskou komunitou",
			StartsOn:      date(2023, time.February, 15), EndsOn: date(2023, time.February, 17),
			Venue: "Charles University, Faculty of Science", City: "Prague",
			FeeCents: 230000, Currency: "CZK", SeatsInPerson: 70,
		},
		programme: []demoSession{
			{0, "09:30", "10:00", school.SessionOpening, "Opening of the Winter School",
				"Zahájení zimní školy", []string{"marketa-simkova", "jakub-stransky"}},
			{0, "10:00", "11:30", school.SessionLecture, "Temporary protection in Czechia: the first year",
				"Dočasná ochrana v Česku: první rok", []string{"ondrej-vesely"}},
			{0, "11:45", "13:00", school.SessionLecture, "Refugees from Ukraine: what the DTM data show",
				"Uprchlíci z Ukrajiny: co ukazují data DTM", []string{"lenka-horakova"}},
			{0, "14:00", "16:00", school.SessionWorkshop, "Workshop: municipal integration plans",
				"Workshop: obecní integrační plány", []string{"jakub-stransky"}},
			{1, "09:00", "10:30", school.SessionLecture,
				"Integration of people under temporary protection in municipalities",
				"Integrace lidí s dočasnou ochranou v obcích", []string{"helena-markova"}},
			{1, "10:45", "12:15", school.SessionPanel, "Panel: mayors on hosting refugees",
				"Panel: starostové o přijímání uprchlíků", []string{"jakub-stransky", "radka-vondrova"}},
			{1, "13:30", "16:30", school.SessionStudyVisit, "Visit to the community centre in Dobříš",
				"Návštěva komunitního centra v Dobříši", []string{"radka-vondrova"}},
			{2, "09:00", "10:30", school.SessionLecture, "Mental health and psychosocial support",
				"Duševní zdraví a psychosociální podpora", []string{"klara-stastna"}},
			{2, "10:45", "12:00", school.SessionWorkshop,
				"Workshop: communicating with Czech and Ukrainian communities",
				"Workshop: komunikace s českou a ukrajinskou komunitou", []string{"tomas-benes"}},
			{2, "12:00", "12:30", school.SessionSocial, "Closing and certificates",
				"Závěr a předání certifikátů", []string{"marketa-simkova"}},
		},
	},
	{series: "conferences", call: call(date(2017, time.April, 18), date(2017, time.May, 31)),
		room: "Clam-Gallas Palace, Great Hall",
		edition: school.Edition{
			Slug:          "conference-2017-challenges-of-integration",
			TitleEN:       "Challenges of Integration",
			TitleCS:       "Výzvy integrace",
			ThemeEN:       "Integration of foreigners in cities",
			ThemeCS:       "Integrace cizinců ve městech",
			DescriptionEN: "An international conference organised for **Prague City Hall** in the Clam-Gallas Palace. Researchers, city officials and NGOs compared how European cities approach the integration of foreigners.",
			DescriptionCS: "Mezinárodní konference pořádaná pro **Magistrát hlavního města Prahy** v Clam-Gallasově paláci. Výzkumníci, úředníci měst a nevládní organizace porovnávali, jak k integraci cizinců přistupují evropská města.",
			StartsOn:      date(2017, time.June, 8), EndsOn: date(2017, time.June, 9),
			Venue: "Clam-Gallas Palace", City: "Prague", SeatsInPerson: 120,
		},
		programme: []demoSession{
			{0, "09:00", "09:30", school.SessionOpening, "Opening by Prague City Hall and IOM",
				"Zahájení za Magistrát hl. m. Prahy a IOM", []string{"jakub-stransky", "marketa-simkova"}},
			{0, "09:30", "11:00", school.SessionLecture, "Integration of foreigners in Prague: the city's strategy",
				"Integrace cizinců v Praze: strategie města", []string{"jakub-stransky"}},
			{0, "11:15", "12:45", school.SessionPanel, "Panel: challenges of integration in European cities",
				"Panel: výzvy integrace v evropských městech", []string{"helena-markova", "anna-kowalczyk"}},
			{0, "14:00", "15:30", school.SessionLecture, "Integration and identity: what research shows",
				"Integrace a identita: co ukazuje výzkum", []string{"helena-markova"}},
			{0, "15:45", "17:00", school.SessionWorkshop, "Workshop: integration at the local level",
				"Workshop: integrace na místní úrovni", []string{"iveta-prochazkova"}},
			{1, "09:00", "10:30", school.SessionLecture, "Access to health care for foreigners",
				"Přístup cizinců ke zdravotní péči", []string{"klara-stastna"}},
			{1, "10:45", "12:15", school.SessionPanel, "Panel: migrant youth and active citizenship",
				"Panel: mladí migranti a aktivní občanství", []string{"lenka-horakova", "iveta-prochazkova"}},
			{1, "12:15", "12:45", school.SessionSocial, "Conclusions and reception",
				"Závěry a recepce", nil},
		},
	},
	{series: "conferences", call: call(date(2018, time.April, 16), date(2018, time.May, 31)),
		edition: school.Edition{
			Slug:          "conference-2018-integration-in-schools",
			TitleEN:       "Integration in Schools – Educating the Children of Migrants",
			TitleCS:       "Integrace ve školách – vzdělávání dětí migrantů",
			ThemeEN:       "Integration of migrant children in education",
			ThemeCS:       "Integrace dětí migrantů ve vzdělávání",
			DescriptionEN: "A conference for **school founders, head teachers and teachers** on the education of children with a migrant background: language support, inclusive classrooms and cooperation with parents.",
			DescriptionCS: "Konference pro **zřizovatele škol, ředitele a učitele** o vzdělávání dětí s migrační zkušeností: jazyková podpora, inkluzivní třídy a spolupráce s rodiči.",
			StartsOn:      date(2018, time.June, 14), EndsOn: date(2018, time.June, 15),
			Venue: "Prague City Hall", City: "Prague", SeatsInPerson: 100,
		},
	},
}

// upcomingDemo is a summer school whose call is open at now and a winter school whose call has
// not opened yet, both in the future of now.
func upcomingDemo(now time.Time) []demoEdition {
	today := pragueDate(now)

	// Next summer: this year's while the call can still run before it, else next year's.
	summerYear := today.Year()
	if today.Month() > time.June {
		summerYear++
	}
	summerStart := weekdayOnOrAfter(date(summerYear, time.August, 21), time.Monday)
	summer := demoEdition{
		series: "summer-school",
		call:   call(today.AddDate(0, 0, -30), today.AddDate(0, 0, 45)),
		room:   "Albertov 6, main lecture hall",
		edition: school.Edition{
			Slug:          demoFreeSlug(fmt.Sprintf("summer-school-%d", summerYear)),
			TitleEN:       fmt.Sprintf("Summer School on Migration Studies %d", summerYear),
			TitleCS:       fmt.Sprintf("Letní škola migračních studií %d", summerYear),
			ThemeEN:       "Climate change, mobility and integration",
			ThemeCS:       "Změna klimatu, mobilita a integrace",
			DescriptionEN: "The Summer School returns to Charles University for five days of lectures, workshops and a study visit. This year's focus is **climate change, mobility and integration**.\n\n- for students, PhD candidates and young professionals\n- for staff of NGOs, governments and international organisations\n\nLectures are in English.",
			DescriptionCS: "Letní škola se vrací na Univerzitu Karlovu: pět dní přednášek, workshopů a exkurze. Letošním tématem je **změna klimatu, mobilita a integrace**.\n\n- pro studenty, doktorandy a mladé odborníky\n- pro pracovníky nevládních organizací, státní správy a mezinárodních organizací\n\nPřednášky probíhají v angličtině.",
			StartsOn:      summerStart, EndsOn: summerStart.AddDate(0, 0, 4),
			Venue: "Charles University", City: "Prague",
			FeeCents: 33000, SeatsInPerson: 100, Status: school.EditionPublished,
			OptionalFields: school.OptionalFields,
		},
		rubric: []school.Criterion{
			{LabelEN: "Motivation", LabelCS: "Motivace", Weight: 0.35},
			{LabelEN: "Relevance of background", LabelCS: "Relevance zázemí", Weight: 0.25},
			{LabelEN: "Expected benefit", LabelCS: "Očekávaný přínos", Weight: 0.25},
			{LabelEN: "Diversity of perspective", LabelCS: "Rozmanitost pohledu", Weight: 0.15},
		},
		questions: []school.Question{
			{Kind: school.QuestionSingle, Required: true,
				LabelEN:   "Which theme of the programme matters most to your work?",
				LabelCS:   "Které téma programu je pro vaši práci nejdůležitější?",
				OptionsEN: []string{"Theories of migration", "Climate and mobility", "Integration", "Temporary protection"},
				OptionsCS: []string{"Teorie migrace", "Klima a mobilita", "Integrace", "Dočasná ochrana"}},
			{Kind: school.QuestionYesNo, Required: true,
				LabelEN: "Have you taken part in a school of migration studies before?",
				LabelCS: "Zúčastnili jste se již některé školy migračních studií?"},
			{Kind: school.QuestionLongText,
				LabelEN: "Describe a migration issue in your country that you would like to discuss (optional).",
				LabelCS: "Popište migrační téma ve vaší zemi, o kterém byste chtěli diskutovat (nepovinné)."},
		},
		programme: []demoSession{
			{0, "09:00", "09:45", school.SessionOpening, "Opening of the Summer School",
				"Zahájení letní školy", []string{"marketa-simkova", "dusan-drbohlav"}},
			{0, "10:00", "11:30", school.SessionLecture, "Theories of migration",
				"Teorie migrace", []string{"dusan-drbohlav"}},
			{0, "11:45", "13:00", school.SessionLecture, "Climate change, mobility and integration",
				"Změna klimatu, mobilita a integrace", []string{"samuel-okafor"}},
			{0, "14:00", "15:30", school.SessionWorkshop, "Workshop: working with migration data",
				"Workshop: práce s migračními daty", []string{"anna-kowalczyk"}},
			{0, "19:00", "22:00", school.SessionSocial, "Welcome dinner", "Uvítací večeře", nil},
			{1, "09:00", "10:30", school.SessionLecture,
				"Integration of people under temporary protection",
				"Integrace lidí s dočasnou ochranou", []string{"helena-markova"}},
			{1, "10:45", "12:15", school.SessionPanel, "Panel: cities and climate migration",
				"Panel: města a klimatická migrace", []string{"samuel-okafor", "jakub-stransky"}},
			{1, "13:30", "17:00", school.SessionStudyVisit, "Visit to an integration centre",
				"Návštěva integračního centra", []string{"iveta-prochazkova"}},
		},
	}

	// Next winter: February's, once it is more than 60 days away.
	winterYear := today.Year()
	winterStart := weekdayOnOrAfter(date(winterYear, time.February, 14), time.Wednesday)
	if winterStart.Sub(today) <= 60*24*time.Hour {
		winterYear++
		winterStart = weekdayOnOrAfter(date(winterYear, time.February, 14), time.Wednesday)
	}
	winter := demoEdition{
		series: "winter-school",
		call:   call(today.AddDate(0, 0, 20), winterStart.AddDate(0, 0, -7)),
		edition: school.Edition{
			Slug:          demoFreeSlug(fmt.Sprintf("winter-school-%d", winterYear)),
			TitleEN:       fmt.Sprintf("Winter School on Migration Studies %d", winterYear),
			TitleCS:       fmt.Sprintf("Zimní škola migračních studií %d", winterYear),
			ThemeEN:       "Local integration: municipalities and communities",
			ThemeCS:       "Místní integrace: obce a komunity",
			DescriptionEN: "A three-day **Winter School** for mayors, municipal officials and integration staff on the local integration of migrants. Applications open soon; seats are limited to 70.",
			DescriptionCS: "Třídenní **zimní škola** pro starosty, úředníky obcí a pracovníky v integraci o místní integraci cizinců. Přihlášky se brzy otevřou; kapacita je 70 míst.",
			StartsOn:      winterStart, EndsOn: winterStart.AddDate(0, 0, 2),
			Venue: "Charles University, Faculty of Science", City: "Prague",
			FeeCents: 230000, Currency: "CZK", SeatsInPerson: 70, Status: school.EditionPublished,
		},
	}
	// A one-day conference, registration open now: first come, first served, short form.
	confDay := weekdayOnOrAfter(today.AddDate(0, 2, 0), time.Thursday)
	conference := demoEdition{
		series: "conferences",
		call:   call(today.AddDate(0, 0, -10), confDay.AddDate(0, 0, -3)),
		edition: school.Edition{
			Slug:          demoFreeSlug(fmt.Sprintf("conference-%d-cities-of-welcome", confDay.Year())),
			TitleEN:       "Cities of Welcome: Local Integration in Practice",
			TitleCS:       "Města, která vítají: místní integrace v praxi",
			ThemeEN:       "How municipalities and teachers integrate newcomers",
			ThemeCS:       "Jak obce a školy začleňují nově příchozí",
			DescriptionEN: "A one-day international conference for municipal staff, teachers and NGOs. Registration is free and open until seats run out; later registrations join the waiting list.",
			DescriptionCS: "Jednodenní mezinárodní konference pro pracovníky obcí, učitele a nevládní organizace. Registrace je zdarma a otevřená do naplnění kapacity; další zájemci se zařadí na čekací listinu.",
			StartsOn:      confDay, EndsOn: confDay,
			Venue: "Clam-Gallas Palace", City: "Prague",
			SeatsInPerson: 120, Status: school.EditionPublished, Admission: school.AdmissionOpen,
			OptionalFields: []school.OptionalField{school.FieldDietary, school.FieldAccessibility},
		},
		programme: []demoSession{
			{0, "09:00", "09:30", school.SessionOpening, "Opening", "Zahájení", []string{"marketa-simkova"}},
			{0, "09:30", "11:00", school.SessionPanel, "Panel: newcomers in the classroom",
				"Panel: nově příchozí ve třídě", []string{"helena-markova", "jakub-stransky"}},
		},
	}
	return []demoEdition{summer, winter, conference}
}

// weekdayOnOrAfter is the first date on or after d that falls on wd.
func weekdayOnOrAfter(d time.Time, wd time.Weekday) time.Time {
	return d.AddDate(0, 0, (int(wd)-int(d.Weekday())+7)%7)
}

// demoFreeSlug is slug, or slug with a suffix when an archive edition already has it (only when
// LoadDemo is given a now inside the archive's years).
func demoFreeSlug(slug string) string {
	for _, de := range demoArchive {
		if de.edition.Slug == slug {
			return slug + "-upcoming"
		}
	}
	return slug
}
