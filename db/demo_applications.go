package db

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"registrar/app/school"
)

// GenerateApplications stores n made-up applications to an edition, for the benchmarks of the
// back office and for load testing a demo database: what a popular call looks like after it
// closes. Applicants come mostly from Central Asia and Eastern Europe, from every sector, and
// their submissions are spread over the call window with a rush before the deadline; about one
// in twenty has withdrawn. Three generated reviewers (who cannot sign in), each with a bias of
// their own, have scored about two in five applications against the edition's rubric, so
// lists sorted by score have something to sort.
//
// Everything goes in one transaction through prepared statements, bypassing the one transition
// and the outbox: no emails, no status links. The same seed gives the same applicants. It takes
// a few seconds for 100,000.
func (s *Store) GenerateApplications(ctx context.Context, editionID int64, n int, seed int64) error {
	e, err := s.EditionByID(ctx, editionID)
	if err != nil {
		return fmt.Errorf("db: generate applications: %w", err)
	}
	rubric, err := s.Rubric(ctx, editionID)
	if err != nil {
		return fmt.Errorf("db: generate applications: %w", err)
	}
	rng := rand.New(rand.NewPCG(uint64(seed), 0x5eed))
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		// A page cache big enough for the indexes being filled in random order, for this
		// transaction only: the writer's connection gets its own size back.
		var cacheSize int64
		if err := tx.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&cacheSize); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `PRAGMA cache_size = -262144`); err != nil {
			return err
		}
		defer tx.ExecContext(ctx, `PRAGMA cache_size = `+strconv.FormatInt(cacheSize, 10)) //nolint:errcheck
		// Filling an index in random order costs more than building it afresh from a sort, so
		// the secondary indexes of the tables written go while the rows go in, and come back
		// as they were before the transaction commits.
		rows, err := tx.QueryContext(ctx, `SELECT name, sql FROM sqlite_schema WHERE type = 'index'
			AND sql IS NOT NULL AND tbl_name IN ('applications', 'audit_log', 'reviews')`)
		if err != nil {
			return err
		}
		var indexes [][2]string
		for rows.Next() {
			var name, create string
			if err := rows.Scan(&name, &create); err != nil {
				rows.Close()
				return err
			}
			indexes = append(indexes, [2]string{name, create})
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, ix := range indexes {
			if _, err := tx.ExecContext(ctx, `DROP INDEX "`+ix[0]+`"`); err != nil {
				return err
			}
		}
		if err := generateApplications(ctx, tx, e, rubric, n, rng); err != nil {
			return err
		}
		for _, ix := range indexes {
			if _, err := tx.ExecContext(ctx, ix[1]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("db: generate applications: %w", err)
	}
	return nil
}

// generatedReviewers are the made-up reviewers' emails and how they lean: the bias they add to
// every score.
var generatedReviewers = []struct {
	email, name string
	bias        float64
}{
	{"generated-reviewer-1@registrar.invalid", "Generated reviewer (strict)", -0.6},
	{"generated-reviewer-2@registrar.invalid", "Generated reviewer (fair)", 0},
	{"generated-reviewer-3@registrar.invalid", "Generated reviewer (generous)", 0.5},
}

// weighted is a choice among values, each with its weight.
type weighted[T any] struct {
	values  []T
	weights []float64
	total   float64
}

func newWeighted[T any](pairs ...any) weighted[T] {
	var w weighted[T]
	for i := 0; i+1 < len(pairs); i += 2 {
		w.values = append(w.values, pairs[i].(T))
		f := float64(pairs[i+1].(int))
		w.weights = append(w.weights, f)
		w.total += f
	}
	return w
}

func (w weighted[T]) pick(rng *rand.Rand) T {
	x := rng.Float64() * w.total
	for i, f := range w.weights {
		if x < f {
			return w.values[i]
		}
		x -= f
	}
	return w.values[len(w.values)-1]
}

var (
	generatedNationalities = newWeighted[string](
		// Central Asia
		"KZ", 9, "UZ", 9, "KG", 6, "TJ", 5, "TM", 2,
		// Eastern Europe and the Caucasus
		"UA", 12, "PL", 6, "CZ", 6, "SK", 3, "HU", 3, "RO", 4, "MD", 3, "BY", 2, "RU", 4, "GE", 4,
		"AM", 3, "AZ", 3, "BG", 2, "RS", 2,
		// elsewhere
		"DE", 2, "AT", 1, "IT", 1, "FR", 1, "GB", 1, "US", 1, "TR", 2, "IN", 1, "NG", 1, "SY", 1, "AF", 1)
	generatedSectors = newWeighted[school.Sector](
		school.Sector("student"), 35, school.Sector("young_professional"), 15, school.Sector("ngo"), 20,
		school.Sector("government"), 15, school.Sector("international_organisation"), 8, school.Sector("other"), 7)
	generatedGenders = newWeighted[string]("female", 56, "male", 38, "other", 1, "prefer_not", 2, "", 3)
	// Levels and sources are the form's own values, which the pages translate.
	generatedLevels  = newWeighted[string]("b2", 40, "c1", 40, "c2", 15, "b1", 5)
	generatedDegrees = newWeighted[string]("bachelor", 35, "master", 45, "doctorate", 15, "secondary", 5)
	generatedHeard   = newWeighted[string]("alumni", 30, "iom", 30, "university", 25, "social_media", 15)

	generatedGiven = []string{"Aigerim", "Nursultan", "Dilnoza", "Timur", "Madina", "Rustam", "Aizhan",
		"Bakhyt", "Olena", "Oleksandr", "Iryna", "Dmytro", "Kateryna", "Agnieszka", "Piotr", "Tereza",
		"Jakub", "Zuzana", "Anna", "Mariam", "Giorgi", "Nino", "Armen", "Ani", "Leyla", "Elvin",
		"Ioana", "Andrei", "Milica", "Stefan", "Elena", "Ivan", "Sophie", "Lukas", "Amara", "Rahul"}
	generatedFamily = []string{"Abenova", "Karimov", "Tashkentova", "Usmonov", "Sadykova", "Akhmedov",
		"Novak", "Novakova", "Kovalenko", "Shevchenko", "Bondarenko", "Kowalska", "Nowak", "Horvath",
		"Svoboda", "Dvorakova", "Popescu", "Ionescu", "Beridze", "Kapanadze", "Hakobyan", "Aliyev",
		"Mammadova", "Petrov", "Ivanova", "Jovanovic", "Georgieva", "Muller", "Rossi", "Okafor", "Sharma"}
	generatedInstitutions = []string{"Charles University", "Al-Farabi Kazakh National University",
		"National University of Uzbekistan", "Taras Shevchenko National University of Kyiv",
		"University of Warsaw", "Ivane Javakhishvili Tbilisi State University", "Yerevan State University",
		"Ministry of the Interior", "IOM", "UNHCR", "Caritas", "People in Need", "City of Almaty",
		"OSCE Academy in Bishkek", "Central European University"}
	generatedMotivations = []string{
		"I research labour migration from Central Asia and want to compare it with European policy.",
		"I coordinate integration courses for refugees in my city and need a wider perspective.",
		"My thesis is on climate-related displacement; the school's theme fits it closely.",
		"I work on temporary protection for people from Ukraine and want to learn from other countries.",
		"I advise the ministry on migration statistics and would bring data from my region.",
	}
)

func generateApplications(ctx context.Context, tx *sql.Tx, e school.Edition, rubric []school.Criterion,
	n int, rng *rand.Rand) error {
	var last int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO reference_counters (year, last) VALUES (?, ?)
		ON CONFLICT (year) DO UPDATE SET last = last + ? RETURNING last`, e.Year, n, n).Scan(&last); err != nil {
		return err
	}
	first := last - int64(n) + 1

	reviewers := make([]int64, len(generatedReviewers))
	for i, r := range generatedReviewers {
		if err := tx.QueryRowContext(ctx, `INSERT INTO users (email, name, role, password_hash)
			VALUES (?, ?, 'reviewer', '!') ON CONFLICT (email) DO UPDATE SET name = excluded.name
			RETURNING id`, r.email, r.name).Scan(&reviewers[i]); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO edition_staff (user_id, edition_id) VALUES (?, ?)
			ON CONFLICT DO NOTHING`, reviewers[i], e.ID); err != nil {
			return err
		}
	}

	insertApp, err := tx.PrepareContext(ctx, `INSERT INTO applications (edition_id, reference, status,
		lang, email, given_name, family_name, date_of_birth, nationality, residence, gender, sector,
		institution, field_of_study, highest_degree, english_level, motivation, attendance_mode,
		heard_from, passport_name, submitted_at, updated_at, score, review_count)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'in_person', ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer insertApp.Close()
	insertAudit, err := tx.PrepareContext(ctx, `INSERT INTO audit_log (at, actor, action, entity,
		entity_id, from_state, to_state) VALUES (?, ?, ?, 'application', ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer insertAudit.Close()
	insertReview, err := tx.PrepareContext(ctx, `INSERT INTO reviews (application_id, edition_id,
		reviewer_id, conflict, weighted_score, comment, submitted_at) VALUES (?, ?, ?, ?, ?, '', ?)`)
	if err != nil {
		return err
	}
	defer insertReview.Close()
	insertScore, err := tx.PrepareContext(ctx, `INSERT INTO review_scores (review_id, criterion_id, score)
		VALUES (?, ?, ?)`)
	if err != nil {
		return err
	}
	defer insertScore.Close()

	opens, closes := e.OpensAt, e.ClosesAt
	if opens.IsZero() || !closes.After(opens) {
		closes = e.StartsOn.AddDate(0, -1, 0)
		opens = closes.AddDate(0, -3, 0)
	}
	window := closes.Sub(opens)
	var totalWeight float64
	for _, c := range rubric {
		totalWeight += c.Weight
	}
	type review struct {
		reviewer int64
		conflict bool
		weighted sql.NullFloat64
		scores   []int
		at       sql.NullString
	}
	var reviews []review
	for i := range n {
		number := first + int64(i)
		given := generatedGiven[rng.IntN(len(generatedGiven))]
		family := generatedFamily[rng.IntN(len(generatedFamily))]
		nationality := generatedNationalities.pick(rng)
		residence := nationality
		if rng.IntN(5) == 0 {
			residence = "CZ"
		}
		lang := "en"
		if nationality == "CZ" || nationality == "SK" {
			lang = "cs"
		}
		// Submissions bunch up before the deadline.
		submitted := opens.Add(time.Duration(math.Sqrt(rng.Float64()) * float64(window))).Truncate(time.Second)
		status, updated := school.StatusSubmitted, submitted
		if rng.IntN(20) == 0 {
			status = school.StatusWithdrawn
			updated = submitted.Add(time.Duration(rng.Float64() * float64(closes.Sub(submitted))))
		}
		// Two in five of those still in the running have one to three reviews, each reviewer
		// scoring around the applicant's merit with a lean of their own.
		reviews = reviews[:0]
		var score sql.NullFloat64
		scored := 0
		if status == school.StatusSubmitted && rng.IntN(5) < 2 {
			merit := 1 + 4*rng.Float64()
			for r, reviewer := range reviewers[:1+rng.IntN(len(reviewers))] {
				rv := review{reviewer: reviewer, conflict: rng.IntN(50) == 0,
					at: formatInstant(closes.Add(time.Duration(1+rng.IntN(240)) * time.Hour))}
				if !rv.conflict {
					w := 0.0
					for _, c := range rubric {
						s := min(5, max(1, int(math.Round(merit+generatedReviewers[r].bias+rng.NormFloat64()*0.7))))
						rv.scores = append(rv.scores, s)
						w += float64(s) * c.Weight
					}
					if totalWeight > 0 {
						w /= totalWeight
					} else {
						w = min(5, max(1, merit+generatedReviewers[r].bias))
					}
					rv.weighted = sql.NullFloat64{Float64: w, Valid: true}
					score.Float64 += w
					scored++
				}
				reviews = append(reviews, rv)
			}
		}
		if scored > 0 {
			score = sql.NullFloat64{Float64: score.Float64 / float64(scored), Valid: true}
		}
		dob := time.Date(1975+rng.IntN(30), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), 0, 0, 0, 0, time.UTC)
		email := fmt.Sprintf("%s.%s.%d@example.org", strings.ToLower(given), strings.ToLower(family), number)
		res, err := insertApp.ExecContext(ctx, e.ID, school.Reference(e.Year, number), status, lang, email,
			given, family, formatDate(dob), nationality, residence, generatedGenders.pick(rng),
			generatedSectors.pick(rng), generatedInstitutions[rng.IntN(len(generatedInstitutions))],
			"Migration studies", generatedDegrees.pick(rng), generatedLevels.pick(rng),
			generatedMotivations[rng.IntN(len(generatedMotivations))], generatedHeard.pick(rng),
			strings.ToUpper(given+" "+family), formatInstant(submitted), formatInstant(updated), score, scored)
		if err != nil {
			return err
		}
		id, err := res.LastInsertId()
		if err != nil {
			return err
		}
		if _, err := insertAudit.ExecContext(ctx, formatInstant(submitted), ActorApplicant, "submit", id,
			"", school.StatusSubmitted); err != nil {
			return err
		}
		if status == school.StatusWithdrawn {
			if _, err := insertAudit.ExecContext(ctx, formatInstant(updated), ActorApplicant, "status", id,
				school.StatusSubmitted, status); err != nil {
				return err
			}
		}
		for _, rv := range reviews {
			res, err := insertReview.ExecContext(ctx, id, e.ID, rv.reviewer, rv.conflict, rv.weighted, rv.at)
			if err != nil {
				return err
			}
			if rv.conflict {
				continue
			}
			reviewID, err := res.LastInsertId()
			if err != nil {
				return err
			}
			for c, criterion := range rubric {
				if _, err := insertScore.ExecContext(ctx, reviewID, criterion.ID, rv.scores[c]); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
