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
	e.starts_on, e.ends_on, e.venue, e.venue_cs, e.city, e.city_cs, e.mode, e.language, e.fee_cents, e.currency,
	e.seats_in_person, e.seats_online, e.opens_at, e.closes_at, e.admission, e.offer_days,
	e.status, e.optional_fields, e.required_reviews, e.blind_review, e.blind_shown, e.auto_promote,
	e.retention_months, e.signatory_name, e.signatory_title, e.hours, e.updated_at,
	e.payment_holder, e.payment_iban, e.payment_bic, e.payment_due_on`

const editionFrom = ` FROM editions e JOIN series s ON s.id = e.series_id`

// publicEditions is the condition for editions the public may see.
const publicEditions = ` e.status IN ('published', 'archived')`

func scanEdition(row scanner) (school.Edition, error) {
	var e school.Edition
	var startsOn, endsOn, optional, blindShown, updatedAt, paymentDueOn string
	var autoPromote bool
	var opensAt, closesAt sql.NullString
	err := row.Scan(&e.ID, &e.SeriesID, &e.SeriesSlug, &e.SeriesNameEN, &e.SeriesNameCS, &e.Slug,
		&e.Year, &e.Kind, &e.TitleEN, &e.TitleCS, &e.ThemeEN, &e.ThemeCS, &e.DescriptionEN,
		&e.DescriptionCS, &startsOn, &endsOn, &e.Venue, &e.VenueCS, &e.City, &e.CityCS, &e.Mode, &e.Language, &e.FeeCents,
		&e.Currency, &e.SeatsInPerson, &e.SeatsOnline, &opensAt, &closesAt, &e.Admission,
		&e.OfferDays, &e.Status, &optional, &e.RequiredReviews, &e.BlindReview, &blindShown, &autoPromote,
		&e.RetentionMonths, &e.SignatoryName, &e.SignatoryTitle, &e.Hours, &updatedAt,
		&e.Payment.Holder, &e.Payment.IBAN, &e.Payment.BIC, &paymentDueOn)
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
	if e.Payment.DueOn, err = parseOptionalDate(paymentDueOn); err != nil {
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
	for _, f := range strings.Split(blindShown, ",") {
		if f != "" {
			e.BlindShown = append(e.BlindShown, school.IdentifyingField(f))
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
		venue, venue_cs, city, city_cs, mode, language, fee_cents, currency, seats_in_person, seats_online,
		opens_at, closes_at, admission, offer_days, status, optional_fields, required_reviews,
		blind_review, blind_shown, auto_promote, retention_months, signatory_name, signatory_title, hours,
		payment_holder, payment_iban, payment_bic, payment_due_on)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
			?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.SeriesID, e.Slug, e.Year, e.Kind, e.TitleEN, e.TitleCS, e.ThemeEN, e.ThemeCS,
		e.DescriptionEN, e.DescriptionCS, formatOptionalDate(e.StartsOn), formatOptionalDate(e.EndsOn), e.Venue,
		e.VenueCS, e.City, e.CityCS, e.Mode, e.Language, e.FeeCents, e.Currency, e.SeatsInPerson, e.SeatsOnline,
		formatInstant(e.OpensAt), formatInstant(e.ClosesAt), e.Admission, e.OfferDays, e.Status,
		joinFields(e.OptionalFields), max(e.RequiredReviews, 1), e.BlindReview, joinFields(e.BlindShown), !e.ManualWaitlist,
		retentionOrDefault(e.RetentionMonths), e.SignatoryName, e.SignatoryTitle, e.Hours,
		e.Payment.Holder, e.Payment.IBAN, e.Payment.BIC, formatOptionalDate(e.Payment.DueOn))
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

func joinFields[F ~string](fields []F) string {
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

// Series lists every series by name.
func (s *Store) Series(ctx context.Context) ([]school.Series, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT id, slug, name_en, name_cs FROM series ORDER BY name_en`)
	if err != nil {
		return nil, fmt.Errorf("db: series: %w", err)
	}
	defer rows.Close()
	var out []school.Series
	for rows.Next() {
		var sr school.Series
		if err := rows.Scan(&sr.ID, &sr.Slug, &sr.NameEN, &sr.NameCS); err != nil {
			return nil, fmt.Errorf("db: series: %w", err)
		}
		out = append(out, sr)
	}
	return out, rows.Err()
}

// EditionDraft is what the editor saves: the edition, and a new series when the edition
// starts one.
type EditionDraft struct {
	Edition   school.Edition
	NewSeries *school.Series
	// AssignTo is the user to assign to a new edition (an organiser who runs only the editions
	// assigned to them), 0 for none.
	AssignTo int64
	// Actor is who saves it, for the audit log.
	Actor string
	// Render renders the offers made when added seats go to the waiting list.
	Render Renderer
}

// SaveEdition creates the edition (ID 0) or updates it, with its new series if any, and
// returns its id; now stamps its audit entry. The status is not changed here: SetEditionStatus
// does that. Seats fewer than are held are refused (*school.SeatsBelowHeld); seats added, and
// free seats when promotion turns automatic, are offered to the waiting list by rank in the
// same transaction, unless promotion is manual.
func (s *Store) SaveEdition(ctx context.Context, d EditionDraft, now time.Time) (int64, error) {
	e := d.Edition
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if d.NewSeries != nil {
			if taken, err := exists(ctx, tx, `SELECT 1 FROM series WHERE slug = ?`, d.NewSeries.Slug); err != nil {
				return err
			} else if taken {
				return ErrSlugTaken
			}
			id, err := insertSeries(ctx, tx, *d.NewSeries)
			if err != nil {
				return err
			}
			e.SeriesID = id
		}
		if taken, err := exists(ctx, tx, `SELECT 1 FROM editions WHERE slug = ? AND id <> ?`, e.Slug, e.ID); err != nil {
			return err
		} else if taken {
			return ErrSlugTaken
		}
		action := "edition_saved"
		if e.ID == 0 {
			e.Status, action = school.EditionDraft, "edition_created"
			id, err := insertEdition(ctx, tx, e)
			if err != nil {
				return err
			}
			e.ID = id
			if d.AssignTo != 0 {
				if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO edition_staff (user_id, edition_id)
					VALUES (?, ?)`, d.AssignTo, id); err != nil {
					return err
				}
			}
		} else {
			var titleEN, titleCS, blindShown string
			var retention, seats int
			var blind, autoPromote bool
			if err := tx.QueryRowContext(ctx, `SELECT title_en, title_cs, retention_months, blind_review, blind_shown,
				seats_in_person + seats_online, auto_promote FROM editions WHERE id = ?`, e.ID).Scan(&titleEN, &titleCS,
				&retention, &blind, &blindShown, &seats, &autoPromote); errors.Is(err, sql.ErrNoRows) {
				return ErrNotFound
			} else if err != nil {
				return err
			}
			held, err := seatsHeld(ctx, tx, e.ID)
			if err != nil {
				return err
			}
			if e.Seats() < seats {
				if err := school.CheckSeats(e.Seats(), held); err != nil {
					return err
				}
			}
			if err := updateEdition(ctx, tx, e); err != nil {
				return err
			}
			// Seats added, or seats left free while promotion was manual, go to the waiting list.
			if e.OffersFreedSeats(now) && (e.Seats() > seats || !autoPromote) {
				for range held.Free(e.Seats()) {
					waiting, err := promoteNext(ctx, tx, e, now, d.Render)
					if err != nil {
						return err
					}
					if !waiting {
						break
					}
				}
			}
			if titleEN != e.TitleEN || titleCS != e.TitleCS || retention != e.RetentionMonths || blind != e.BlindReview ||
				(blind && blindShown != joinFields(e.BlindShown)) {
				if err := reviseNotice(ctx, tx, e.ID, now); err != nil {
					return err
				}
			}
		}
		if err := writeAudit(ctx, tx, AuditEntry{At: now, Actor: d.Actor, Action: action,
			Entity: "edition", EntityID: e.ID}); err != nil {
			return err
		}
		return rebuildSearch(ctx, tx)
	})
	if err != nil {
		return 0, fmt.Errorf("db: save edition: %w", err)
	}
	s.catalogueVersion.Add(1)
	return e.ID, nil
}

func updateEdition(ctx context.Context, tx *sql.Tx, e school.Edition) error {
	return affectedOne(tx.ExecContext(ctx, `UPDATE editions SET series_id = ?, slug = ?, year = ?, kind = ?,
		title_en = ?, title_cs = ?, theme_en = ?, theme_cs = ?, description_en = ?, description_cs = ?,
		starts_on = ?, ends_on = ?, venue = ?, venue_cs = ?, city = ?, city_cs = ?, mode = ?, language = ?, fee_cents = ?,
		currency = ?, seats_in_person = ?, seats_online = ?, opens_at = ?, closes_at = ?,
		admission = ?, offer_days = ?, optional_fields = ?, required_reviews = ?, blind_review = ?,
		blind_shown = ?, auto_promote = ?, retention_months = ?, signatory_name = ?, signatory_title = ?, hours = ?,
		payment_holder = ?, payment_iban = ?, payment_bic = ?, payment_due_on = ?,
		updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now')
		WHERE id = ?`,
		e.SeriesID, e.Slug, e.Year, e.Kind, e.TitleEN, e.TitleCS, e.ThemeEN, e.ThemeCS,
		e.DescriptionEN, e.DescriptionCS, formatOptionalDate(e.StartsOn), formatOptionalDate(e.EndsOn),
		e.Venue, e.VenueCS, e.City, e.CityCS, e.Mode, e.Language, e.FeeCents, e.Currency, e.SeatsInPerson, e.SeatsOnline,
		formatInstant(e.OpensAt), formatInstant(e.ClosesAt), e.Admission, e.OfferDays,
		joinFields(e.OptionalFields), max(e.RequiredReviews, 1), e.BlindReview, joinFields(e.BlindShown), !e.ManualWaitlist,
		retentionOrDefault(e.RetentionMonths), e.SignatoryName, e.SignatoryTitle, e.Hours,
		e.Payment.Holder, e.Payment.IBAN, e.Payment.BIC, formatOptionalDate(e.Payment.DueOn), e.ID))
}

// SetEditionStatus publishes, unpublishes (back to draft) or archives an edition; the public
// pages show it, or stop showing it, at once. actor and now are who changes it and when, for
// the audit log.
func (s *Store) SetEditionStatus(ctx context.Context, editionID int64, status school.EditionStatus, actor string, now time.Time) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var from string
		err := tx.QueryRowContext(ctx, `SELECT status FROM editions WHERE id = ?`, editionID).Scan(&from)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE editions SET status = ?,
			updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE id = ?`, status, editionID); err != nil {
			return err
		}
		if err := writeAudit(ctx, tx, AuditEntry{At: now, Actor: actor, Action: "edition_status",
			Entity: "edition", EntityID: editionID, From: from, To: string(status)}); err != nil {
			return err
		}
		return rebuildSearch(ctx, tx)
	})
	if err != nil {
		return fmt.Errorf("db: set edition status: %w", err)
	}
	s.catalogueVersion.Add(1)
	return nil
}

// CloneEdition copies an edition to a later year as a draft, starting on startsOn (zero: the
// proposal, school.NextYearStart), every date moved by the same whole weeks and the year in its
// titles and address moved on (school.Copy). It copies the settings, the programme (sessions with
// their lecturers), the questions still asked, the rubric, the email wordings, the privacy notice
// and the staff; documents, applications and everything that hangs on them (reviews, decisions,
// emails sent, documents issued) stay behind. A taken address is a *SlugTakenError. assignTo is
// a user to assign to the copy too, 0 for none; actor and now are who copies and when, for the
// audit log. It returns the new edition's id.
func (s *Store) CloneEdition(ctx context.Context, sourceID int64, startsOn time.Time, assignTo int64, actor string, now time.Time) (int64, error) {
	var id int64
	err := s.write(ctx, "clone edition", func(tx *sql.Tx) error {
		src, err := scanEdition(tx.QueryRowContext(ctx, `SELECT `+editionColumns+editionFrom+` WHERE e.id = ?`, sourceID))
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if startsOn.IsZero() && !src.StartsOn.IsZero() {
			startsOn = school.NextYearStart(src.StartsOn)
		}
		plan, problem := src.CopyTo(startsOn)
		if problem != nil {
			return fmt.Errorf("the copy cannot start on %s: %s", formatOptionalDate(startsOn), problem.Message)
		}
		next := plan.Apply(src)
		var takenBy int64
		switch err := tx.QueryRowContext(ctx, `SELECT id FROM editions WHERE slug = ?`, next.Slug).Scan(&takenBy); {
		case err == nil:
			return &SlugTakenError{Slug: next.Slug, EditionID: takenBy}
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		if id, err = insertEdition(ctx, tx, next); err != nil {
			return err
		}
		// The score that ranks is a setting kept apart from school.Edition (SetEditionRanking).
		if _, err := tx.ExecContext(ctx, `UPDATE editions SET ranking = (SELECT ranking FROM editions WHERE id = ?)
			WHERE id = ?`, sourceID, id); err != nil {
			return err
		}
		if err := cloneProgramme(ctx, tx, sourceID, id, plan); err != nil {
			return err
		}
		copies := []string{
			`INSERT INTO questions (edition_id, position, kind, label_en, label_cs, options_en, options_cs, required,
			 stage, purpose, only_with_visa)
			 SELECT ?, position, kind, label_en, label_cs, options_en, options_cs, required, stage, purpose, only_with_visa
			 FROM questions WHERE edition_id = ? AND retired = 0 ORDER BY position, id`,
			`INSERT INTO criteria (edition_id, position, label_en, label_cs, weight)
			 SELECT ?, position, label_en, label_cs, weight FROM criteria WHERE edition_id = ? ORDER BY position, id`,
			`INSERT INTO email_templates (edition_id, name, lang, subject, body, updated_at, updated_by)
			 SELECT ?, name, lang, subject, body, updated_at, updated_by FROM email_templates WHERE edition_id = ?`,
			`INSERT INTO edition_staff (user_id, edition_id) SELECT user_id, ? FROM edition_staff WHERE edition_id = ?`,
			`INSERT INTO privacy_notices (edition_id, text_en, text_cs, contact_email, revision, changed_at)
			 SELECT ?, text_en, text_cs, contact_email, revision, changed_at FROM privacy_notices WHERE edition_id = ?`,
			// The references asked, without their deadline: the copy's own follows its dates.
			`INSERT INTO edition_references (edition_id, asked, questions_en, questions_cs, reviewers_see_letters)
			 SELECT ?, asked, questions_en, questions_cs, reviewers_see_letters FROM edition_references WHERE edition_id = ?`,
			// How long passport details are kept, without the follow-up deadline, for the same reason.
			`INSERT INTO follow_up_settings (edition_id, passport_kept_days)
			 SELECT ?, passport_kept_days FROM follow_up_settings WHERE edition_id = ?`,
		}
		for _, q := range copies {
			if _, err := tx.ExecContext(ctx, q, id, sourceID); err != nil {
				return err
			}
		}
		if assignTo != 0 {
			if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO edition_staff (user_id, edition_id)
				VALUES (?, ?)`, assignTo, id); err != nil {
				return err
			}
		}
		if err := writeAudit(ctx, tx, AuditEntry{At: now, Actor: actor, Action: "edition_copied",
			Entity: "edition", EntityID: id, Detail: src.Slug}); err != nil {
			return err
		}
		return rebuildSearch(ctx, tx)
	})
	return id, err
}

// SlugTakenError says which edition already has the address a copy would get.
type SlugTakenError struct {
	Slug      string
	EditionID int64
}

func (e *SlugTakenError) Error() string {
	return fmt.Sprintf("db: the address %s is taken by edition %d", e.Slug, e.EditionID)
}

func (e *SlugTakenError) Unwrap() error { return ErrSlugTaken }

// cloneProgramme copies the sessions of one edition to another, each on the day the copy's
// weeks move it to, with their lecturers. Times of day are Prague wall-clock times and stay.
func cloneProgramme(ctx context.Context, tx *sql.Tx, fromID, toID int64, plan school.Copy) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, day FROM programme_sessions WHERE edition_id = ?
		ORDER BY day, starts_at, position, id`, fromID)
	if err != nil {
		return err
	}
	type session struct {
		id  int64
		day string
	}
	var sessions []session
	for rows.Next() {
		var ps session
		if err := rows.Scan(&ps.id, &ps.day); err != nil {
			rows.Close()
			return err
		}
		sessions = append(sessions, ps)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, ps := range sessions {
		day, err := parseDate(ps.day)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO programme_sessions (edition_id, day, starts_at,
			ends_at, kind, title_en, title_cs, room, room_cs, description_en, description_cs, position)
			SELECT ?, ?, starts_at, ends_at, kind, title_en, title_cs, room, room_cs, description_en,
			       description_cs, position
			FROM programme_sessions WHERE id = ?`, toID, formatDate(plan.Day(day)), ps.id)
		if err != nil {
			return err
		}
		newID, err := res.LastInsertId()
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO session_lecturers (session_id, lecturer_id, position)
			SELECT ?, lecturer_id, position FROM session_lecturers WHERE session_id = ?`, newID, ps.id); err != nil {
			return err
		}
	}
	return nil
}

// EditionContents counts what an edition holds beside its settings: what a copy took over.
type EditionContents struct {
	Sessions, Lecturers, Questions, Criteria, EmailTemplates, Staff int
	PrivacyNotice                                                   bool
}

// EditionContents counts an edition's programme sessions and their distinct lecturers, the
// questions still asked, the rubric's criteria, the edited email wordings, its staff, and
// whether it has a privacy notice of its own.
func (s *Store) EditionContents(ctx context.Context, editionID int64) (EditionContents, error) {
	var c EditionContents
	err := s.reader.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM programme_sessions WHERE edition_id = ?1),
		(SELECT count(DISTINCT sl.lecturer_id) FROM session_lecturers sl
		 JOIN programme_sessions ps ON ps.id = sl.session_id WHERE ps.edition_id = ?1),
		(SELECT count(*) FROM questions WHERE edition_id = ?1 AND retired = 0 AND stage = 'application'),
		(SELECT count(*) FROM criteria WHERE edition_id = ?1),
		(SELECT count(*) FROM email_templates WHERE edition_id = ?1),
		(SELECT count(*) FROM edition_staff WHERE edition_id = ?1),
		EXISTS (SELECT 1 FROM privacy_notices WHERE edition_id = ?1)`, editionID).Scan(
		&c.Sessions, &c.Lecturers, &c.Questions, &c.Criteria, &c.EmailTemplates, &c.Staff, &c.PrivacyNotice)
	if err != nil {
		return c, fmt.Errorf("db: edition contents: %w", err)
	}
	return c, nil
}

// SetBlindReview turns blind review of an edition's applications on or off: reviewers then do
// not see who the applicant is. Edition settings are cached by the catalogue version, so it
// changes too.
func (s *Store) SetBlindReview(ctx context.Context, editionID int64, blind bool) error {
	err := affectedOne(s.writer.ExecContext(ctx, `UPDATE editions SET blind_review = ? WHERE id = ?`, blind, editionID))
	if errors.Is(err, ErrNotFound) {
		return err
	}
	if err != nil {
		return fmt.Errorf("db: set blind review: %w", err)
	}
	s.catalogueVersion.Add(1) // cached application forms keep the edition
	return nil
}

// SetOptionalFields chooses which optional fields an edition's form asks for.
func (s *Store) SetOptionalFields(ctx context.Context, editionID int64, fields []school.OptionalField) error {
	return s.write(ctx, "set optional fields", func(tx *sql.Tx) error {
		return affectedOne(tx.ExecContext(ctx, `UPDATE editions SET optional_fields = ?,
			updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE id = ?`, joinFields(fields), editionID))
	})
}
