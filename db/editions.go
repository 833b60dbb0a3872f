package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"registrar/app/school"
)

const editionColumns = `e.id, e.series_id, s.slug, s.name_en, s.name_cs, e.slug, e.year, e.kind,
	e.title_en, e.title_cs, e.theme_en, e.theme_cs, e.description_en, e.description_cs,
	e.starts_on, e.ends_on, e.venue, e.city, e.mode, e.language, e.fee_cents, e.currency,
	e.seats_in_person, e.seats_online, e.opens_at, e.closes_at, e.admission, e.offer_days,
	e.status, e.optional_fields, e.required_reviews, e.blind_review, e.auto_promote,
	e.retention_months, e.signatory_name, e.signatory_title, e.hours, e.updated_at`

const editionFrom = ` FROM editions e JOIN series s ON s.id = e.series_id`

// publicEditions is the condition for editions the public may see.
const publicEditions = ` e.status IN ('published', 'archived')`

func scanEdition(row scanner) (school.Edition, error) {
	var e school.Edition
	var startsOn, endsOn, optional, updatedAt string
	var autoPromote bool
	var opensAt, closesAt sql.NullString
	err := row.Scan(&e.ID, &e.SeriesID, &e.SeriesSlug, &e.SeriesNameEN, &e.SeriesNameCS, &e.Slug,
		&e.Year, &e.Kind, &e.TitleEN, &e.TitleCS, &e.ThemeEN, &e.ThemeCS, &e.DescriptionEN,
		&e.DescriptionCS, &startsOn, &endsOn, &e.Venue, &e.City, &e.Mode, &e.Language, &e.FeeCents,
		&e.Currency, &e.SeatsInPerson, &e.SeatsOnline, &opensAt, &closesAt, &e.Admission,
		&e.OfferDays, &e.Status, &optional, &e.RequiredReviews, &e.BlindReview, &autoPromote,
		&e.RetentionMonths, &e.SignatoryName, &e.SignatoryTitle, &e.Hours, &updatedAt)
	if err != nil {
		return e, err
	}
	e.ManualWaitlist = !autoPromote
	if e.StartsOn, err = parseOptionalDate(startsOn); err != nil {
		return e, err
	}
	if e.EndsOn, err = parseOptionalDate(endsOn); err != nil {
		return e, err
	}
	if e.OpensAt, err = parseInstant(opensAt); err != nil {
		return e, err
	}
	if e.ClosesAt, err = parseInstant(closesAt); err != nil {
		return e, err
	}
	for _, f := range strings.Split(optional, ",") {
		if f != "" {
			e.OptionalFields = append(e.OptionalFields, school.OptionalField(f))
		}
	}
	e.UpdatedAt, _ = time.Parse("2006-01-02T15:04:05Z", updatedAt)
	return e, nil
}

func (s *Store) queryEditions(ctx context.Context, query string, args ...any) ([]school.Edition, error) {
	rows, err := s.reader.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var editions []school.Edition
	for rows.Next() {
		e, err := scanEdition(rows)
		if err != nil {
			return nil, err
		}
		editions = append(editions, e)
	}
	return editions, rows.Err()
}

// PublicEdition is the published or archived edition with the given slug.
func (s *Store) PublicEdition(ctx context.Context, slug string) (school.Edition, error) {
	row := s.reader.QueryRowContext(ctx,
		`SELECT `+editionColumns+editionFrom+` WHERE e.slug = ? AND`+publicEditions, slug)
	e, err := scanEdition(row)
	if errors.Is(err, sql.ErrNoRows) {
		return e, ErrNotFound
	}
	if err != nil {
		return e, fmt.Errorf("db: edition %q: %w", slug, err)
	}
	return e, nil
}

// EditionFilter narrows the public list of editions; zero values mean no filter.
type EditionFilter struct {
	Kind school.Kind
	Year int
}

// PublicEditions lists published and archived editions, newest first.
func (s *Store) PublicEditions(ctx context.Context, f EditionFilter) ([]school.Edition, error) {
	editions, err := s.queryEditions(ctx, `SELECT `+editionColumns+editionFrom+`
		WHERE`+publicEditions+`
		  AND (? = '' OR e.kind = ?)
		  AND (? = 0 OR e.year = ?)
		ORDER BY e.starts_on DESC, e.id DESC`, f.Kind, f.Kind, f.Year, f.Year)
	if err != nil {
		return nil, fmt.Errorf("db: editions: %w", err)
	}
	return editions, nil
}

// OpenCalls lists public editions whose application window is open at now, closing soonest first.
func (s *Store) OpenCalls(ctx context.Context, now time.Time) ([]school.Edition, error) {
	editions, err := s.queryEditions(ctx, `SELECT `+editionColumns+editionFrom+`
		WHERE`+publicEditions+`
		  AND e.opens_at <= ? AND e.closes_at >= ?
		ORDER BY e.closes_at, e.id`,
		formatInstant(now), formatInstant(now.Truncate(time.Minute)))
	if err != nil {
		return nil, fmt.Errorf("db: open calls: %w", err)
	}
	return editions, nil
}

// UpcomingEditions lists public editions that have not ended by today, soonest first.
func (s *Store) UpcomingEditions(ctx context.Context, today time.Time) ([]school.Edition, error) {
	editions, err := s.queryEditions(ctx, `SELECT `+editionColumns+editionFrom+`
		WHERE`+publicEditions+` AND e.ends_on >= ?
		ORDER BY e.starts_on, e.id`, formatDate(today))
	if err != nil {
		return nil, fmt.Errorf("db: upcoming editions: %w", err)
	}
	return editions, nil
}

// PastEditions lists public editions that ended before today, the most recent first; limit 0
// lists them all.
func (s *Store) PastEditions(ctx context.Context, today time.Time, limit int) ([]school.Edition, error) {
	if limit <= 0 {
		limit = -1
	}
	editions, err := s.queryEditions(ctx, `SELECT `+editionColumns+editionFrom+`
		WHERE`+publicEditions+` AND e.ends_on < ?
		ORDER BY e.starts_on DESC, e.id DESC
		LIMIT ?`, formatDate(today), limit)
	if err != nil {
		return nil, fmt.Errorf("db: past editions: %w", err)
	}
	return editions, nil
}

// EditionYears lists the years that have public editions, newest first.
func (s *Store) EditionYears(ctx context.Context) ([]int, error) {
	rows, err := s.reader.QueryContext(ctx,
		`SELECT DISTINCT e.year FROM editions e WHERE`+publicEditions+` ORDER BY e.year DESC`)
	if err != nil {
		return nil, fmt.Errorf("db: edition years: %w", err)
	}
	defer rows.Close()
	var years []int
	for rows.Next() {
		var y int
		if err := rows.Scan(&y); err != nil {
			return nil, fmt.Errorf("db: edition years: %w", err)
		}
		years = append(years, y)
	}
	return years, rows.Err()
}

// CreateSeries stores a series and returns its id.
func (s *Store) CreateSeries(ctx context.Context, sr school.Series) (int64, error) {
	var id int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		id, err = insertSeries(ctx, tx, sr)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("db: create series: %w", err)
	}
	return id, nil
}

func insertSeries(ctx context.Context, tx *sql.Tx, sr school.Series) (int64, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO series (slug, name_en, name_cs) VALUES (?, ?, ?)`,
		sr.Slug, sr.NameEN, sr.NameCS)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// CreateEdition stores an edition and returns its id.
func (s *Store) CreateEdition(ctx context.Context, e school.Edition) (int64, error) {
	var id int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		if id, err = insertEdition(ctx, tx, e); err != nil {
			return err
		}
		return rebuildSearch(ctx, tx)
	})
	if err != nil {
		return 0, fmt.Errorf("db: create edition: %w", err)
	}
	s.catalogueVersion.Add(1)
	return id, nil
}

func insertEdition(ctx context.Context, tx *sql.Tx, e school.Edition) (int64, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO editions (series_id, slug, year, kind,
		title_en, title_cs, theme_en, theme_cs, description_en, description_cs, starts_on, ends_on,
		venue, city, mode, language, fee_cents, currency, seats_in_person, seats_online,
		opens_at, closes_at, admission, offer_days, status, optional_fields, required_reviews,
		blind_review, auto_promote, retention_months, signatory_name, signatory_title, hours)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
			?, ?, ?, ?)`,
		e.SeriesID, e.Slug, e.Year, e.Kind, e.TitleEN, e.TitleCS, e.ThemeEN, e.ThemeCS,
		e.DescriptionEN, e.DescriptionCS, formatOptionalDate(e.StartsOn), formatOptionalDate(e.EndsOn), e.Venue,
		e.City, e.Mode, e.Language, e.FeeCents, e.Currency, e.SeatsInPerson, e.SeatsOnline,
		formatInstant(e.OpensAt), formatInstant(e.ClosesAt), e.Admission, e.OfferDays, e.Status,
		joinFields(e.OptionalFields), max(e.RequiredReviews, 1), e.BlindReview, !e.ManualWaitlist,
		retentionOrDefault(e.RetentionMonths), e.SignatoryName, e.SignatoryTitle, e.Hours)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// retentionOrDefault is the edition's retention period, six months when none is set.
func retentionOrDefault(months int) int {
	if months <= 0 {
		return school.DefaultRetentionMonths
	}
	return months
}

func joinFields(fields []school.OptionalField) string {
	parts := make([]string, len(fields))
	for i, f := range fields {
		parts[i] = string(f)
	}
	return strings.Join(parts, ",")
}

// IsEmpty reports whether the catalogue has no editions yet (a new database).
func (s *Store) IsEmpty(ctx context.Context) (bool, error) {
	var n int
	if err := s.reader.QueryRowContext(ctx, `SELECT COUNT(*) FROM editions`).Scan(&n); err != nil {
		return false, fmt.Errorf("db: count editions: %w", err)
	}
	return n == 0, nil
}

// EditionByID is the edition with the given id, whatever its status.
func (s *Store) EditionByID(ctx context.Context, id int64) (school.Edition, error) {
	row := s.reader.QueryRowContext(ctx, `SELECT `+editionColumns+editionFrom+` WHERE e.id = ?`, id)
	e, err := scanEdition(row)
	if errors.Is(err, sql.ErrNoRows) {
		return e, ErrNotFound
	}
	if err != nil {
		return e, fmt.Errorf("db: edition %d: %w", id, err)
	}
	return e, nil
}
