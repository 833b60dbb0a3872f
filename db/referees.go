package db

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"registrar/app/school"
)

// References is what edition editionID asks of referees; nothing asked when never set.
func (s *Store) References(ctx context.Context, editionID int64) (school.References, error) {
	var r school.References
	var deadline sql.NullString
	var en, cs string
	err := s.reader.QueryRowContext(ctx, `SELECT asked, deadline_at, questions_en, questions_cs,
		reviewers_see_letters FROM edition_references WHERE edition_id = ?`, editionID).
		Scan(&r.Asked, &deadline, &en, &cs, &r.ReviewersSeeLetters)
	if errors.Is(err, sql.ErrNoRows) {
		return r, nil
	}
	if err != nil {
		return r, fmt.Errorf("db: references: %w", err)
	}
	if r.Deadline, err = parseInstant(deadline); err != nil {
		return r, err
	}
	r.QuestionsEN, r.QuestionsCS = splitLines(en), splitLines(cs)
	return r, nil
}

// SaveReferences sets what edition editionID asks of referees. The application form shows it,
// so the form's cache (keyed by the catalogue version) is renewed.
func (s *Store) SaveReferences(ctx context.Context, editionID int64, r school.References, actor string, now time.Time) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO edition_references (edition_id, asked,
			deadline_at, questions_en, questions_cs, reviewers_see_letters) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (edition_id) DO UPDATE SET asked = excluded.asked,
			deadline_at = excluded.deadline_at, questions_en = excluded.questions_en,
			questions_cs = excluded.questions_cs, reviewers_see_letters = excluded.reviewers_see_letters`,
			editionID, r.Asked, formatInstant(r.Deadline), strings.Join(r.QuestionsEN, "\n"),
			strings.Join(r.QuestionsCS, "\n"), r.ReviewersSeeLetters); err != nil {
			return err
		}
		return writeAudit(ctx, tx, AuditEntry{At: now, Actor: actor, Action: "edition_references",
			Entity: "edition", EntityID: editionID})
	})
	if err != nil {
		return fmt.Errorf("db: save references: %w", err)
	}
	s.catalogueVersion.Add(1)
	return nil
}

// RefereeRenderer renders the email asking referee r for a reference (or reminding them), with
// a new secret link: the Email's LinkHash is its hash, StatusToken the secret as the bodies
// hold it, withheld from staff and cut out once sent, as a status link's.
type RefereeRenderer func(r school.Referee, reminder bool) (Email, error)

const refereeColumns = `r.id, r.application_id, r.position, r.name, r.email, r.relation, r.lang,
	r.requested_at, r.reminded_at, r.received_at, r.letter_file_name, r.letter_size, r.answers`

// scanReferee reads a referee's row, and the columns after refereeColumns into extra.
func scanReferee(row scanner, extra ...any) (school.Referee, error) {
	var r school.Referee
	var requested string
	var reminded, received sql.NullString
	var answers string
	err := row.Scan(append([]any{&r.ID, &r.ApplicationID, &r.Position, &r.Name, &r.Email, &r.Relation, &r.Lang,
		&requested, &reminded, &received, &r.LetterFileName, &r.LetterSize, &answers}, extra...)...)
	if errors.Is(err, sql.ErrNoRows) {
		return r, ErrNotFound
	}
	if err != nil {
		return r, fmt.Errorf("db: referee: %w", err)
	}
	if r.RequestedAt, err = parseInstant(sql.NullString{String: requested, Valid: true}); err != nil {
		return r, err
	}
	if r.RemindedAt, err = parseInstant(reminded); err != nil {
		return r, err
	}
	if r.ReceivedAt, err = parseInstant(received); err != nil {
		return r, err
	}
	if answers != "" {
		if err := json.Unmarshal([]byte(answers), &r.Answers); err != nil {
			return r, fmt.Errorf("db: referee %d answers: %w", r.ID, err)
		}
	}
	return r, nil
}

// Referees lists the referees an application named, in their order.
func (s *Store) Referees(ctx context.Context, applicationID int64) ([]school.Referee, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT `+refereeColumns+` FROM referees r
		WHERE r.application_id = ? ORDER BY r.position`, applicationID)
	if err != nil {
		return nil, fmt.Errorf("db: referees: %w", err)
	}
	defer rows.Close()
	var list []school.Referee
	for rows.Next() {
		r, err := scanReferee(rows)
		if err != nil {
			return nil, err
		}
		list = append(list, r)
	}
	return list, rows.Err()
}

// RefereeByLink is the referee whose secret link hashes to tokenHash, of an application not
// erased.
func (s *Store) RefereeByLink(ctx context.Context, tokenHash string) (school.Referee, error) {
	return scanReferee(s.reader.QueryRowContext(ctx, `SELECT `+refereeColumns+` FROM referee_links l
		JOIN referees r ON r.id = l.referee_id JOIN applications a ON a.id = r.application_id
		WHERE l.token_hash = ? AND a.erased_at IS NULL`, tokenHash))
}

// insertReferees stores the referees named and queues each one's request, inside tx.
func insertReferees(ctx context.Context, tx *sql.Tx, applicationID int64, named NamedReferees, now time.Time) error {
	for _, r := range named.List {
		if err := insertReferee(ctx, tx, applicationID, r, now, named.Render); err != nil {
			return err
		}
	}
	return nil
}

func insertReferee(ctx context.Context, tx *sql.Tx, applicationID int64, r school.Referee, now time.Time,
	render RefereeRenderer) error {
	res, err := tx.ExecContext(ctx, `INSERT INTO referees (application_id, position, name, email,
		relation, lang, requested_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		applicationID, r.Position, r.Name, strings.TrimSpace(r.Email), r.Relation, r.Lang, formatInstant(now))
	if err != nil {
		return err
	}
	if r.ID, err = res.LastInsertId(); err != nil {
		return err
	}
	r.ApplicationID, r.RequestedAt = applicationID, now
	if err := queueRefereeEmail(ctx, tx, r, false, now, render); err != nil {
		return err
	}
	// The history keeps the referee's place, not their address: erasure leaves the history.
	return writeAudit(ctx, tx, AuditEntry{At: now, Actor: ActorApplicant, Action: "referee_asked",
		Entity: "application", EntityID: applicationID, Detail: "referee " + strconv.Itoa(r.Position)})
}

// queueRefereeEmail renders and queues a request or reminder to referee r with a new link of
// theirs. The email belongs to the application, so that its erasure empties it.
func queueRefereeEmail(ctx context.Context, tx *sql.Tx, r school.Referee, reminder bool, now time.Time,
	render RefereeRenderer) error {
	m, err := render(r, reminder)
	if err != nil {
		return err
	}
	if m.LinkHash == "" {
		return errors.New("referee email without a link")
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO referee_links (token_hash, referee_id, created_at)
		VALUES (?, ?, ?)`, m.LinkHash, r.ID, formatInstant(now)); err != nil {
		return err
	}
	return queueEmail(ctx, tx, now, m, r.ApplicationID)
}

// ReplaceReferee puts a new referee in the place of the one at r.Position, whose links stop
// working, and asks the new one; refused (ErrReferenceReceived) once that one has sent. Each
// request emails someone who did not ask for it, so it is refused (ErrTooSoon) when the
// application's referees were sent school.RefereeRequestsPerDay requests in the last
// school.RefereeResendAfter. A referee named again at the same address is corrected instead
// (school.Referee.CorrectedBy): name and relation change, nobody is emailed, and corrected is
// true.
func (s *Store) ReplaceReferee(ctx context.Context, applicationID int64, r school.Referee, now time.Time,
	render RefereeRenderer) (corrected bool, err error) {
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		old, err := scanReferee(tx.QueryRowContext(ctx, `SELECT `+refereeColumns+` FROM referees r
			WHERE r.application_id = ? AND r.position = ?`, applicationID, r.Position))
		switch {
		case errors.Is(err, ErrNotFound):
		case err != nil:
			return err
		case old.Received():
			return ErrReferenceReceived
		case old.CorrectedBy(r):
			corrected = true
			return correctReferee(ctx, tx, old, r, now)
		}
		var asked int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE entity = 'application'
			AND entity_id = ? AND action IN ('referee_asked', 'referee_asked_again') AND at > ?`,
			applicationID, formatInstant(now.Add(-school.RefereeResendAfter))).Scan(&asked); err != nil {
			return err
		}
		if asked >= school.RefereeRequestsPerDay {
			return ErrTooSoon
		}
		if old.ID != 0 {
			if _, err := tx.ExecContext(ctx, `DELETE FROM referees WHERE id = ?`, old.ID); err != nil {
				return err
			}
		}
		return insertReferee(ctx, tx, applicationID, r, now, render)
	})
	if err != nil {
		return false, fmt.Errorf("db: replace referee: %w", err)
	}
	return corrected, nil
}

// correctReferee writes the name and relation of referee old as the applicant corrected them
// in r; the address keeps its spelling, as the referee's links and emails went to it.
func correctReferee(ctx context.Context, tx *sql.Tx, old, r school.Referee, now time.Time) error {
	if old.UnchangedBy(r) {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE referees SET name = ?, relation = ? WHERE id = ?`,
		r.Name, r.Relation, old.ID); err != nil {
		return err
	}
	return writeAudit(ctx, tx, AuditEntry{At: now, Actor: ActorApplicant, Action: "referee_corrected",
		Entity: "application", EntityID: old.ApplicationID, Detail: "referee " + strconv.Itoa(old.Position)})
}

// ErrReferenceReceived refuses to change or ask again a referee who has sent their reference.
var ErrReferenceReceived = errors.New("db: reference already received")

// ErrTooSoon refuses to ask a referee again before school.RefereeResendAfter.
var ErrTooSoon = errors.New("db: asked too recently")

// ResendReferee asks the referee at position again, with a new link (earlier ones keep
// working), at most once per school.RefereeResendAfter and only while nothing was received.
func (s *Store) ResendReferee(ctx context.Context, applicationID int64, position int, now time.Time,
	render RefereeRenderer) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		r, err := scanReferee(tx.QueryRowContext(ctx, `SELECT `+refereeColumns+` FROM referees r
			WHERE r.application_id = ? AND r.position = ?`, applicationID, position))
		if err != nil {
			return err
		}
		if r.Received() {
			return ErrReferenceReceived
		}
		if !r.MayResend(now) {
			return ErrTooSoon
		}
		if _, err := tx.ExecContext(ctx, `UPDATE referees SET requested_at = ?, reminded_at = NULL
			WHERE id = ?`, formatInstant(now), r.ID); err != nil {
			return err
		}
		r.RequestedAt = now
		if err := queueRefereeEmail(ctx, tx, r, false, now, render); err != nil {
			return err
		}
		return writeAudit(ctx, tx, AuditEntry{At: now, Actor: ActorApplicant, Action: "referee_asked_again",
			Entity: "application", EntityID: applicationID, Detail: "referee " + strconv.Itoa(r.Position)})
	})
	if err != nil {
		return fmt.Errorf("db: ask referee again: %w", err)
	}
	return nil
}

// Reference is what a referee sends: a PDF letter (Upload and Data, its bytes), answers, or both.
type Reference struct {
	Letter  *Upload
	Data    []byte
	Answers []school.RefereeAnswer
}

// ReceiveReference stores what referee refereeID sent, once: a second sending is refused
// (ErrReferenceReceived), so that what organisers read does not change under them.
func (s *Store) ReceiveReference(ctx context.Context, refereeID int64, ref Reference, now time.Time) error {
	answers := ""
	if len(ref.Answers) > 0 {
		b, err := json.Marshal(ref.Answers)
		if err != nil {
			return err
		}
		answers = string(b)
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var applicationID int64
		var received sql.NullString
		if err := tx.QueryRowContext(ctx, `SELECT application_id, received_at FROM referees WHERE id = ?`,
			refereeID).Scan(&applicationID, &received); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return ErrNotFound
			}
			return err
		}
		if received.Valid {
			return ErrReferenceReceived
		}
		var stored sql.NullString
		var name string
		var size int64
		if ref.Letter != nil {
			if err := insertBlob(ctx, tx, ref.Letter.StoredName, ref.Data); err != nil {
				return err
			}
			stored = sql.NullString{String: ref.Letter.StoredName, Valid: true}
			name, size = ref.Letter.OriginalName, ref.Letter.Size
		}
		if _, err := tx.ExecContext(ctx, `UPDATE referees SET received_at = ?, letter_stored_name = ?,
			letter_file_name = ?, letter_size = ?, answers = ? WHERE id = ?`,
			formatInstant(now), stored, name, size, answers, refereeID); err != nil {
			return err
		}
		return writeAudit(ctx, tx, AuditEntry{At: now, Actor: ActorSystem, Action: "reference_received",
			Entity: "application", EntityID: applicationID})
	})
	if err != nil {
		return fmt.Errorf("db: receive reference: %w", err)
	}
	return nil
}

// RefereeLetter is the stored name of the letter of referee refereeID of application
// applicationID, for serving.
func (s *Store) RefereeLetter(ctx context.Context, applicationID, refereeID int64) (stored string, r school.Referee, err error) {
	var name sql.NullString
	r, err = scanReferee(s.reader.QueryRowContext(ctx, `SELECT `+refereeColumns+`, r.letter_stored_name
		FROM referees r WHERE r.id = ? AND r.application_id = ?`, refereeID, applicationID), &name)
	if err == nil && !name.Valid {
		err = ErrNotFound
	}
	return name.String, r, err
}

// WaitingReferee is a referee who has sent nothing and was not reminded, with their application's
// edition, for the reminder job.
type WaitingReferee struct {
	Referee   school.Referee
	EditionID int64
}

// WaitingReferees lists the referees asked since since who have sent nothing and were not
// reminded, of applications not erased, withdrawn or decided against.
func (s *Store) WaitingReferees(ctx context.Context, since time.Time) ([]WaitingReferee, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT `+refereeColumns+`, a.edition_id FROM referees r
		JOIN applications a ON a.id = r.application_id
		WHERE r.received_at IS NULL AND r.reminded_at IS NULL AND a.erased_at IS NULL
		AND a.status NOT IN ('withdrawn', 'rejected') AND r.requested_at >= ? ORDER BY r.id`, formatInstant(since))
	if err != nil {
		return nil, fmt.Errorf("db: waiting referees: %w", err)
	}
	defer rows.Close()
	var list []WaitingReferee
	for rows.Next() {
		var w WaitingReferee
		if w.Referee, err = scanReferee(rows, &w.EditionID); err != nil {
			return nil, err
		}
		list = append(list, w)
	}
	return list, rows.Err()
}

// RemindReferee queues the reminder to a referee who still has sent nothing, once.
func (s *Store) RemindReferee(ctx context.Context, refereeID int64, now time.Time, render RefereeRenderer) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		r, err := scanReferee(tx.QueryRowContext(ctx, `SELECT `+refereeColumns+` FROM referees r
			WHERE r.id = ? AND r.received_at IS NULL AND r.reminded_at IS NULL`, refereeID))
		if errors.Is(err, ErrNotFound) {
			return nil // sent or reminded meanwhile
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE referees SET reminded_at = ? WHERE id = ?`,
			formatInstant(now), r.ID); err != nil {
			return err
		}
		return queueRefereeEmail(ctx, tx, r, true, now, render)
	})
	if err != nil {
		return fmt.Errorf("db: remind referee: %w", err)
	}
	return nil
}

// RefereeCounts counts, per application of an edition, the referees who have sent, for the list's
// "references complete" filter and column.
func (s *Store) RefereeCounts(ctx context.Context, editionID int64) (map[int64]int, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT r.application_id, COUNT(*) FILTER (WHERE r.received_at IS NOT NULL)
		FROM referees r JOIN applications a ON a.id = r.application_id WHERE a.edition_id = ?
		GROUP BY r.application_id`, editionID)
	if err != nil {
		return nil, fmt.Errorf("db: referee counts: %w", err)
	}
	defer rows.Close()
	counts := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		counts[id] = n
	}
	return counts, rows.Err()
}

// RefereeData is what an edition holds about referees, for its personal-data page.
type RefereeData struct {
	Referees int
	Letters  int
	Bytes    int64
}

// EditionRefereeData counts the referees named to an edition's applications and their letters.
func (s *Store) EditionRefereeData(ctx context.Context, editionID int64) (RefereeData, error) {
	var d RefereeData
	err := s.reader.QueryRowContext(ctx, `SELECT COUNT(*), COUNT(r.letter_stored_name),
		COALESCE(SUM(r.letter_size), 0) FROM referees r JOIN applications a ON a.id = r.application_id
		WHERE a.edition_id = ?`, editionID).Scan(&d.Referees, &d.Letters, &d.Bytes)
	if err != nil {
		return d, fmt.Errorf("db: referee data: %w", err)
	}
	return d, nil
}

// referencesCondition is the application list's condition for its References filter, with one
// argument, the number asked; ok is false for no filter.
func referencesCondition(filter string) (cond string, ok bool) {
	received := `(SELECT COUNT(*) FROM referees r WHERE r.application_id = a.id AND r.received_at IS NOT NULL)`
	switch filter {
	case "complete":
		return received + " >= ?", true
	case "incomplete":
		return received + " < ?", true
	}
	return "", false
}
