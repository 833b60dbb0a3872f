package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"registrar/app/school"
)

// demoAlumniEditions are the archive editions the demo gives participants who attended, so the
// alumni pages have people to show; the older archive keeps no applications.
var demoAlumniEditions = []string{"summer-school-2015", "summer-school-2016", "summer-school-2017",
	"summer-school-2018", "summer-school-2019", "summer-school-2020", "summer-school-2021", "winter-school-2023"}

// demoAlumniPerEdition is how many attended a demo summer school; a winter school takes half.
const demoAlumniPerEdition = 40

// insertDemoAlumni stores made-up participants who attended the demo's past editions, from the
// same names and countries as the generated applications, about half of them listed in the
// alumni directory. The same editions always get the same people.
func insertDemoAlumni(ctx context.Context, tx *sql.Tx, now time.Time) error {
	insertApp, err := tx.PrepareContext(ctx, `INSERT INTO applications (edition_id, reference, status,
		lang, email, given_name, family_name, nationality, residence, gender, sector, institution,
		field_of_study, highest_degree, english_level, attendance_mode, submitted_at, updated_at)
		VALUES (?, ?, 'attended', 'en', ?, ?, ?, ?, ?, ?, ?, ?, 'Migration studies', ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer insertApp.Close()
	insertConsent, err := tx.PrepareContext(ctx, `INSERT INTO consents (application_id, kind, granted,
		version, at) VALUES (?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer insertConsent.Close()
	for i, slug := range demoAlumniEditions {
		e, err := scanEdition(tx.QueryRowContext(ctx, `SELECT `+editionColumns+editionFrom+` WHERE e.slug = ?`, slug))
		if errors.Is(err, sql.ErrNoRows) || err == nil && !e.IsPast(now) {
			continue
		}
		if err != nil {
			return fmt.Errorf("alumni of %s: %w", slug, err)
		}
		n := demoAlumniPerEdition
		if e.Kind == school.KindWinterSchool {
			n /= 2
		}
		var last int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO reference_counters (year, last) VALUES (?, ?)
			ON CONFLICT (year) DO UPDATE SET last = last + ? RETURNING last`, e.Year, n, n).Scan(&last); err != nil {
			return err
		}
		rng := rand.New(rand.NewPCG(uint64(e.Year), uint64(i)))
		submitted := formatInstant(e.StartsOn.AddDate(0, -3, 0))
		attended := formatInstant(e.EndsOn.Add(18 * time.Hour))
		mode := school.ModeInPerson
		if e.Mode == school.ModeOnline {
			mode = school.ModeOnline
		}
		for k := range n {
			number := last - int64(n) + 1 + int64(k)
			given := generatedGiven[rng.IntN(len(generatedGiven))]
			family := generatedFamily[rng.IntN(len(generatedFamily))]
			nationality := generatedNationalities.pick(rng)
			email := fmt.Sprintf("%s.%s.%d.%d@example.org", strings.ToLower(given), strings.ToLower(family), e.Year, number)
			res, err := insertApp.ExecContext(ctx, e.ID, school.Reference(e.Year, number), email, given, family,
				nationality, nationality, generatedGenders.pick(rng), generatedSectors.pick(rng),
				generatedInstitutions[rng.IntN(len(generatedInstitutions))], generatedDegrees.pick(rng),
				generatedLevels.pick(rng), mode, submitted, attended)
			if err != nil {
				return err
			}
			id, err := res.LastInsertId()
			if err != nil {
				return err
			}
			for _, c := range []struct {
				kind    school.ConsentKind
				granted bool
			}{{school.ConsentProcessing, true}, {school.ConsentAlumni, rng.IntN(2) == 0}} {
				if _, err := insertConsent.ExecContext(ctx, id, c.kind, c.granted, "demo", submitted); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
