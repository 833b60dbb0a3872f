package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"registrar/app/school"
)

// PrivacyNotice is the edition's own privacy notice and contact; an edition that has none gets
// the zero notice for it (revision 0: the default text, the school's contact).
func (s *Store) PrivacyNotice(ctx context.Context, editionID int64) (school.PrivacyNotice, error) {
	n := school.PrivacyNotice{EditionID: editionID}
	var changed sql.NullString
	err := s.reader.QueryRowContext(ctx, `SELECT text_en, text_cs, contact_email, revision, changed_at
		FROM privacy_notices WHERE edition_id = ?`, editionID).
		Scan(&n.TextEN, &n.TextCS, &n.Contact, &n.Revision, &changed)
	if errors.Is(err, sql.ErrNoRows) {
		return n, nil
	}
	if err != nil {
		return n, fmt.Errorf("db: privacy notice of edition %d: %w", editionID, err)
	}
	if n.ChangedAt, err = parseInstant(changed); err != nil {
		return n, fmt.Errorf("db: privacy notice of edition %d: %w", editionID, err)
	}
	return n, nil
}

// SavePrivacyNotice stores an edition's own notice texts and contact. A change of either text or
// of the contact (which the notice gives) counts as a new revision, the notice's new version. It
// returns the notice as stored.
func (s *Store) SavePrivacyNotice(ctx context.Context, n school.PrivacyNotice, actor string,
	now time.Time) (school.PrivacyNotice, error) {
	err := s.write(ctx, "save privacy notice", func(tx *sql.Tx) error {
		var oldEN, oldCS, oldContact string
		var revision int
		err := tx.QueryRowContext(ctx, `SELECT text_en, text_cs, contact_email, revision FROM privacy_notices
			WHERE edition_id = ?`, n.EditionID).Scan(&oldEN, &oldCS, &oldContact, &revision)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		changed := oldEN != n.TextEN || oldCS != n.TextCS || oldContact != n.Contact
		if changed {
			revision++
		}
		var stamp sql.NullString
		if changed || errors.Is(err, sql.ErrNoRows) {
			stamp = formatInstant(now)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO privacy_notices (edition_id, text_en, text_cs,
			contact_email, revision, changed_at) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (edition_id) DO UPDATE SET text_en = excluded.text_en, text_cs = excluded.text_cs,
			contact_email = excluded.contact_email, revision = excluded.revision,
			changed_at = COALESCE(?, changed_at)`,
			n.EditionID, n.TextEN, n.TextCS, n.Contact, revision, formatInstant(now), stamp); err != nil {
			return err
		}
		return writeAudit(ctx, tx, AuditEntry{At: now, Actor: actor, Action: "privacy_notice_saved",
			Entity: "edition", EntityID: n.EditionID, Detail: "revision " + strconv.Itoa(revision)})
	})
	if err != nil {
		return n, err
	}
	return s.PrivacyNotice(ctx, n.EditionID)
}

// reviseNotice makes the edition's notice a new version when the edition changes what it fills
// in (its title, retention period, blind review): a consent given before names the old wording.
func reviseNotice(ctx context.Context, tx *sql.Tx, editionID int64, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO privacy_notices (edition_id, revision, changed_at)
		VALUES (?, 1, ?) ON CONFLICT (edition_id) DO UPDATE SET revision = revision + 1,
		changed_at = excluded.changed_at`, editionID, formatInstant(now))
	return err
}

// schoolContactSetting is the site setting that keeps the school's contact address as last
// configured (REGISTRAR_CONTACT), which every notice without a contact of its own gives.
const schoolContactSetting = "school_contact"

// RecordSchoolContact keeps the school's contact address as configured. When it differs from
// the one kept, the notice of every edition without a contact of its own now reads differently:
// each is revised, so that consents given from now on name a new version, with an audit entry
// on the edition. The first address kept revises nothing: there is none to compare it with.
func (s *Store) RecordSchoolContact(ctx context.Context, contact string, now time.Time) error {
	return s.write(ctx, "record the school's contact", func(tx *sql.Tx) error {
		var kept string
		err := tx.QueryRowContext(ctx, `SELECT value FROM site_settings WHERE name = ?`, schoolContactSetting).Scan(&kept)
		first := errors.Is(err, sql.ErrNoRows)
		if err != nil && !first {
			return err
		}
		if !first && kept == contact {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO site_settings (name, value) VALUES (?, ?)
			ON CONFLICT (name) DO UPDATE SET value = excluded.value`, schoolContactSetting, contact); err != nil {
			return err
		}
		if first {
			return nil
		}
		rows, err := tx.QueryContext(ctx, `SELECT e.id FROM editions e WHERE NOT EXISTS (SELECT 1
			FROM privacy_notices n WHERE n.edition_id = e.id AND n.contact_email <> '') ORDER BY e.id`)
		if err != nil {
			return err
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, id := range ids {
			if err := reviseNotice(ctx, tx, id, now); err != nil {
				return err
			}
			if err := writeAudit(ctx, tx, AuditEntry{At: now, Actor: ActorSystem, Action: "notice_contact",
				Entity: "edition", EntityID: id, From: kept, To: contact}); err != nil {
				return err
			}
		}
		return nil
	})
}

// EditionRecipients counts, by role, the staff who may open the edition's applications:
// administrators, organisers assigned to it or to no edition (they run the whole school), and
// the reviewers assigned to it.
func (s *Store) EditionRecipients(ctx context.Context, editionID int64) (map[school.Role]int, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT u.role, COUNT(*) FROM users u
		WHERE u.role = 'admin'
		   OR EXISTS (SELECT 1 FROM edition_staff s WHERE s.user_id = u.id AND s.edition_id = ?)
		   OR (u.role = 'organiser' AND NOT EXISTS (SELECT 1 FROM edition_staff s WHERE s.user_id = u.id))
		GROUP BY u.role`, editionID)
	if err != nil {
		return nil, fmt.Errorf("db: recipients of edition %d: %w", editionID, err)
	}
	defer rows.Close()
	counts := map[school.Role]int{}
	for rows.Next() {
		var role school.Role
		var n int
		if err := rows.Scan(&role, &n); err != nil {
			return nil, fmt.Errorf("db: recipients of edition %d: %w", editionID, err)
		}
		counts[role] = n
	}
	return counts, rows.Err()
}
