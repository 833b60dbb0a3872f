package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"registrar/app/school"
)

// The editor's writes: editions, their rubric and their extra questions. Every write bumps the
// catalogue version, since the public pages and the application form are cached by it.

// ErrSlugTaken is returned when another edition or series already has the address asked for.
var ErrSlugTaken = errors.New("db: slug taken")

// ErrInUse is returned when a criterion or a question cannot change because reviews or
// answers refer to it.
var ErrInUse = errors.New("db: in use")

// parseOptionalDate reads an edition's date, which a draft may leave empty.
func parseOptionalDate(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return parseDate(s)
}

// formatOptionalDate stores an edition's date, "" for none.
func formatOptionalDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return formatDate(t)
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
}

// SaveEdition creates the edition (ID 0) or updates it, with its new series if any, and
// returns its id; now stamps its audit entry. The status is not changed here: SetEditionStatus
// does that.
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
		} else if err := updateEdition(ctx, tx, e); err != nil {
			return err
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

func exists(ctx context.Context, tx *sql.Tx, query string, args ...any) (bool, error) {
	var one int
	err := tx.QueryRowContext(ctx, query, args...).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

func updateEdition(ctx context.Context, tx *sql.Tx, e school.Edition) error {
	return affectedOne(tx.ExecContext(ctx, `UPDATE editions SET series_id = ?, slug = ?, year = ?, kind = ?,
		title_en = ?, title_cs = ?, theme_en = ?, theme_cs = ?, description_en = ?, description_cs = ?,
		starts_on = ?, ends_on = ?, venue = ?, city = ?, mode = ?, language = ?, fee_cents = ?,
		currency = ?, seats_in_person = ?, seats_online = ?, opens_at = ?, closes_at = ?,
		admission = ?, offer_days = ?, optional_fields = ?, required_reviews = ?, blind_review = ?,
		auto_promote = ?, retention_months = ?, signatory_name = ?, signatory_title = ?, hours = ?,
		updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now')
		WHERE id = ?`,
		e.SeriesID, e.Slug, e.Year, e.Kind, e.TitleEN, e.TitleCS, e.ThemeEN, e.ThemeCS,
		e.DescriptionEN, e.DescriptionCS, formatOptionalDate(e.StartsOn), formatOptionalDate(e.EndsOn),
		e.Venue, e.City, e.Mode, e.Language, e.FeeCents, e.Currency, e.SeatsInPerson, e.SeatsOnline,
		formatInstant(e.OpensAt), formatInstant(e.ClosesAt), e.Admission, e.OfferDays,
		joinFields(e.OptionalFields), max(e.RequiredReviews, 1), e.BlindReview, !e.ManualWaitlist,
		retentionOrDefault(e.RetentionMonths), e.SignatoryName, e.SignatoryTitle, e.Hours, e.ID))
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

// write runs fn in a write transaction and bumps the catalogue version once it is committed.
func (s *Store) write(ctx context.Context, what string, fn func(tx *sql.Tx) error) error {
	if err := s.inTx(ctx, fn); err != nil {
		return fmt.Errorf("db: %s: %w", what, err)
	}
	s.catalogueVersion.Add(1)
	return nil
}

// affectedOne turns an update that touched no row into ErrNotFound.
func affectedOne(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return ErrNotFound
	}
	return nil
}

// AddCriterion adds a criterion at the end of an edition's rubric.
func (s *Store) AddCriterion(ctx context.Context, c school.Criterion) error {
	return s.write(ctx, "add criterion", func(tx *sql.Tx) error { return insertCriterion(ctx, tx, c) })
}

// UpdateCriterion rewords or reweighs a criterion. Reviews already submitted keep the weighted
// score they were given.
func (s *Store) UpdateCriterion(ctx context.Context, c school.Criterion) error {
	return s.write(ctx, "update criterion", func(tx *sql.Tx) error {
		return affectedOne(tx.ExecContext(ctx, `UPDATE criteria SET label_en = ?, label_cs = ?, weight = ?
			WHERE id = ? AND edition_id = ?`, c.LabelEN, c.LabelCS, c.Weight, c.ID, c.EditionID))
	})
}

// DeleteCriterion removes a criterion nobody has scored yet; one with scores is ErrInUse,
// since the reviews that scored it must stay readable.
func (s *Store) DeleteCriterion(ctx context.Context, editionID, id int64) error {
	return s.write(ctx, "delete criterion", func(tx *sql.Tx) error {
		if used, err := exists(ctx, tx, `SELECT 1 FROM review_scores WHERE criterion_id = ? LIMIT 1`, id); err != nil {
			return err
		} else if used {
			return ErrInUse
		}
		return affectedOne(tx.ExecContext(ctx, `DELETE FROM criteria WHERE id = ? AND edition_id = ?`, id, editionID))
	})
}

// orderedTables are the tables whose rows the editor moves up and down, by position.
var orderedTables = map[string]bool{"criteria": true, "questions": true}

// move swaps a row of table with its neighbour above (up) or below within the edition,
// renumbering the rows first so that positions are distinct. A question moves among the
// questions still asked, or among the retired ones, as the form builder lists them apart.
func (s *Store) move(ctx context.Context, table string, editionID, id int64, up bool) error {
	if !orderedTables[table] {
		return fmt.Errorf("db: move: no ordered table %q", table)
	}
	peers, args := ``, []any{editionID}
	if table == "questions" {
		peers, args = ` AND retired = (SELECT retired FROM questions WHERE id = ?)`, append(args, id)
	}
	return s.write(ctx, "move in "+table, func(tx *sql.Tx) error {
		order, err := queryIDs(ctx, tx, `SELECT id FROM `+table+` WHERE edition_id = ?`+peers+` ORDER BY position, id`, args...)
		if err != nil {
			return err
		}
		if !slices.Contains(order, id) {
			return ErrNotFound
		}
		return writeOrder(ctx, tx, `UPDATE `+table+` SET position = ? WHERE id = ?`, swapped(order, id, up))
	})
}

// MoveCriterion moves a criterion up or down the rubric.
func (s *Store) MoveCriterion(ctx context.Context, editionID, id int64, up bool) error {
	return s.move(ctx, "criteria", editionID, id, up)
}

// MoveQuestion moves a question up or down the form.
func (s *Store) MoveQuestion(ctx context.Context, editionID, id int64, up bool) error {
	return s.move(ctx, "questions", editionID, id, up)
}

// AllQuestions lists an edition's questions in order, retired ones too, with how many
// applications answered each: the form builder and the pages that show old answers need them.
func (s *Store) AllQuestions(ctx context.Context, editionID int64) ([]school.Question, map[int64]int, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT q.id, q.edition_id, q.kind, q.label_en, q.label_cs,
		q.options_en, q.options_cs, q.required, q.retired,
		(SELECT COUNT(*) FROM answers a WHERE a.question_id = q.id)
		FROM questions q WHERE q.edition_id = ? ORDER BY q.retired, q.position, q.id`, editionID)
	if err != nil {
		return nil, nil, fmt.Errorf("db: all questions: %w", err)
	}
	defer rows.Close()
	var qs []school.Question
	answered := map[int64]int{}
	for rows.Next() {
		var q school.Question
		var optEN, optCS string
		var n int
		if err := rows.Scan(&q.ID, &q.EditionID, &q.Kind, &q.LabelEN, &q.LabelCS, &optEN, &optCS,
			&q.Required, &q.Retired, &n); err != nil {
			return nil, nil, fmt.Errorf("db: all questions: %w", err)
		}
		q.OptionsEN, q.OptionsCS = splitLines(optEN), splitLines(optCS)
		answered[q.ID] = n
		qs = append(qs, q)
	}
	return qs, answered, rows.Err()
}

// AddQuestion adds a question at the end of an edition's form.
func (s *Store) AddQuestion(ctx context.Context, q school.Question) error {
	return s.write(ctx, "add question", func(tx *sql.Tx) error {
		_, err := insertQuestion(ctx, tx, q)
		return err
	})
}

// UpdateQuestion rewords a question; the answers already given stay attached to it. Its kind
// changes only while nobody has answered it (ErrInUse otherwise).
func (s *Store) UpdateQuestion(ctx context.Context, q school.Question) error {
	return s.write(ctx, "update question", func(tx *sql.Tx) error {
		changed, err := exists(ctx, tx, `SELECT 1 FROM questions q WHERE q.id = ? AND q.kind <> ?
			AND EXISTS (SELECT 1 FROM answers a WHERE a.question_id = q.id)`, q.ID, q.Kind)
		if err != nil {
			return err
		}
		if changed {
			return ErrInUse
		}
		return affectedOne(tx.ExecContext(ctx, `UPDATE questions SET kind = ?, label_en = ?, label_cs = ?,
			options_en = ?, options_cs = ?, required = ? WHERE id = ? AND edition_id = ?`,
			q.Kind, q.LabelEN, q.LabelCS, strings.Join(q.OptionsEN, "\n"), strings.Join(q.OptionsCS, "\n"),
			q.Required, q.ID, q.EditionID))
	})
}

// RemoveQuestion takes a question off the form: deleted when nobody answered it, else retired
// so that the answers stay readable. It reports whether the question was retired.
func (s *Store) RemoveQuestion(ctx context.Context, editionID, id int64) (retired bool, err error) {
	err = s.write(ctx, "remove question", func(tx *sql.Tx) error {
		if retired, err = exists(ctx, tx, `SELECT 1 FROM answers WHERE question_id = ? LIMIT 1`, id); err != nil {
			return err
		}
		if retired {
			return affectedOne(tx.ExecContext(ctx, `UPDATE questions SET retired = 1 WHERE id = ? AND edition_id = ?`, id, editionID))
		}
		return affectedOne(tx.ExecContext(ctx, `DELETE FROM questions WHERE id = ? AND edition_id = ?`, id, editionID))
	})
	return retired, err
}

// RestoreQuestion asks a retired question again.
func (s *Store) RestoreQuestion(ctx context.Context, editionID, id int64) error {
	return s.write(ctx, "restore question", func(tx *sql.Tx) error {
		return affectedOne(tx.ExecContext(ctx, `UPDATE questions SET retired = 0 WHERE id = ? AND edition_id = ?`, id, editionID))
	})
}

// CloneEdition copies an edition a year on as a draft (school.Edition.NextYear): its settings,
// programme (sessions with their lecturers), questions still asked, rubric, email wordings and
// staff. Documents and applications stay behind. A taken slug gets a number added. assignTo is
// a user to assign to the copy too, 0 for none; actor and now are who copies and when, for the
// audit log. It returns the new edition's id.
func (s *Store) CloneEdition(ctx context.Context, sourceID, assignTo int64, actor string, now time.Time) (int64, error) {
	var id int64
	err := s.write(ctx, "clone edition", func(tx *sql.Tx) error {
		src, err := scanEdition(tx.QueryRowContext(ctx, `SELECT `+editionColumns+editionFrom+` WHERE e.id = ?`, sourceID))
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		next := src.NextYear()
		base := next.Slug
		for n := 2; ; n++ {
			taken, err := exists(ctx, tx, `SELECT 1 FROM editions WHERE slug = ?`, next.Slug)
			if err != nil {
				return err
			}
			if !taken {
				break
			}
			next.Slug = fmt.Sprintf("%s-%d", base, n)
		}
		if id, err = insertEdition(ctx, tx, next); err != nil {
			return err
		}
		if err := cloneProgramme(ctx, tx, sourceID, id); err != nil {
			return err
		}
		copies := []string{
			`INSERT INTO questions (edition_id, position, kind, label_en, label_cs, options_en, options_cs, required)
			 SELECT ?, position, kind, label_en, label_cs, options_en, options_cs, required
			 FROM questions WHERE edition_id = ? AND retired = 0 ORDER BY position, id`,
			`INSERT INTO criteria (edition_id, position, label_en, label_cs, weight)
			 SELECT ?, position, label_en, label_cs, weight FROM criteria WHERE edition_id = ? ORDER BY position, id`,
			`INSERT INTO email_templates (edition_id, name, lang, subject, body, updated_at, updated_by)
			 SELECT ?, name, lang, subject, body, updated_at, updated_by FROM email_templates WHERE edition_id = ?`,
			`INSERT INTO edition_staff (user_id, edition_id) SELECT user_id, ? FROM edition_staff WHERE edition_id = ?`,
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

// cloneProgramme copies the sessions of one edition to another a year later, with their
// lecturers.
func cloneProgramme(ctx context.Context, tx *sql.Tx, fromID, toID int64) error {
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
			ends_at, kind, title_en, title_cs, room, description_en, description_cs, position)
			SELECT ?, ?, starts_at, ends_at, kind, title_en, title_cs, room, description_en,
			       description_cs, position
			FROM programme_sessions WHERE id = ?`, toID, formatDate(day.AddDate(1, 0, 0)), ps.id)
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

// SetOptionalFields chooses which optional fields an edition's form asks for.
func (s *Store) SetOptionalFields(ctx context.Context, editionID int64, fields []school.OptionalField) error {
	return s.write(ctx, "set optional fields", func(tx *sql.Tx) error {
		return affectedOne(tx.ExecContext(ctx, `UPDATE editions SET optional_fields = ?,
			updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE id = ?`, joinFields(fields), editionID))
	})
}
