package db

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mattn/go-sqlite3"

	"registrar/app/school"
)

// ErrDuplicate is returned when the same email applies twice to one edition.
var ErrDuplicate = errors.New("db: already applied")

// Email is a message to queue in the outbox, already rendered.
type Email struct {
	To       string
	Lang     string
	Subject  string
	Text     string
	HTML     string
	Template string
	// LinkHash is the hash of the status link the email carries, stored with it.
	LinkHash string
	// StatusToken is the status link's secret as it stands in the bodies, cut out of them
	// once the email is sent (MarkEmailSent).
	StatusToken string
}

// Renderer renders an email about an application from the application as the change left it.
// It runs inside the change's transaction, so the email is queued if and only if the change is
// stored.
type Renderer func(template string, a school.Application) (Email, error)

// Audit actors that are not back-office users.
const (
	ActorApplicant = "applicant"
	ActorSystem    = "system"
)

const applicationColumns = `a.id, a.edition_id, a.reference, a.status, a.lang, a.email, a.given_name,
	a.family_name, a.date_of_birth, a.nationality, a.residence, a.gender, a.sector, a.institution,
	a.field_of_study, a.highest_degree, a.english_level, a.motivation, a.referee_name,
	a.referee_email, a.attendance_mode, a.fee_waiver, a.fee_waiver_reason, a.visa_letter,
	a.passport_name, a.dietary, a.accessibility, a.heard_from, COALESCE(a.cv_upload_id, 0),
	COALESCE(u.original_name, ''), a.waitlist_rank, a.submitted_at, a.updated_at, a.erasure_asked_at,
	a.offer_expires_at, a.erased_at, a.fee_waiver_granted`

const applicationFrom = ` FROM applications a LEFT JOIN uploads u ON u.id = a.cv_upload_id`

func scanApplication(row scanner) (school.Application, error) {
	var a school.Application
	var dob, submitted, updated string
	var erasure, expires, erased sql.NullString
	err := row.Scan(&a.ID, &a.EditionID, &a.Reference, &a.Status, &a.Lang, &a.Email, &a.GivenName,
		&a.FamilyName, &dob, &a.Nationality, &a.Residence, &a.Gender, &a.Sector, &a.Institution,
		&a.FieldOfStudy, &a.HighestDegree, &a.EnglishLevel, &a.Motivation, &a.RefereeName,
		&a.RefereeEmail, &a.AttendanceMode, &a.FeeWaiver, &a.FeeWaiverReason, &a.VisaLetter,
		&a.PassportName, &a.Dietary, &a.Accessibility, &a.HeardFrom, &a.CVUploadID, &a.CVFileName,
		&a.WaitlistRank, &submitted, &updated, &erasure, &expires, &erased, &a.FeeWaiverGranted)
	if err != nil {
		return a, err
	}
	if dob != "" {
		if a.DateOfBirth, err = parseDate(dob); err != nil {
			return a, err
		}
	}
	if a.SubmittedAt, err = parseInstant(sql.NullString{String: submitted, Valid: true}); err != nil {
		return a, err
	}
	if a.UpdatedAt, err = parseInstant(sql.NullString{String: updated, Valid: true}); err != nil {
		return a, err
	}
	if a.ErasureAsked, err = parseInstant(erasure); err != nil {
		return a, err
	}
	if a.OfferExpiresAt, err = parseInstant(expires); err != nil {
		return a, err
	}
	a.ErasedAt, err = parseInstant(erased)
	return a, err
}

func optionalDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return formatDate(t)
}

// CreateApplication stores a new application in one transaction with its reference, answers,
// consents, the CV and files it claims, its audit entry and its receipt email. For editions
// with open admission the status is decided here too, so concurrent registrations never take
// more seats than there are. It returns the application as stored, once it is committed.
// landingHash is the hash of the link the applicant lands on right after submitting.
//
// Submissions are written by one goroutine that commits every submission waiting at the time in
// one transaction, each inside a savepoint of its own (see submissions.go): a failed one (the
// same email twice) rolls back alone, and every caller hears back after the commit. The files
// sent with the form (files) are stored in that transaction too, bytes and all.
func (s *Store) CreateApplication(ctx context.Context, e school.Edition, a school.Application,
	landingHash string, now time.Time, render Renderer, files ...NewFile) (school.Application, error) {
	return s.createApplication(ctx, &submission{e: e, a: a, files: files, landingHash: landingHash, now: now, render: render})
}

// NamedReferees are the referees a form names, and the renderer of the requests emailed to them.
type NamedReferees struct {
	List   []school.Referee
	Render RefereeRenderer
}

// CreateApplicationNaming is CreateApplication for a form naming referees: they are stored and
// asked in the application's own transaction, so that an application is never stored without
// the referees it named (the applicant would think them asked), nor its referees emailed for an
// application not stored.
func (s *Store) CreateApplicationNaming(ctx context.Context, e school.Edition, a school.Application,
	referees NamedReferees, now time.Time, render Renderer, files ...NewFile) (school.Application, error) {
	return s.createApplication(ctx, &submission{e: e, a: a, files: files, now: now, render: render, referees: referees})
}

func (s *Store) createApplication(ctx context.Context, sub *submission) (school.Application, error) {
	a := sub.a
	stored, err := s.submit(ctx, sub)
	if errors.Is(err, ErrDuplicate) {
		return a, ErrDuplicate
	}
	if err != nil {
		return a, fmt.Errorf("db: create application: %w", err)
	}
	return stored, nil
}

// receiptTemplate is the email that confirms a submission.
const receiptTemplate = "application_received"

// insertApplication writes one new application and everything that comes with it, its receipt
// included, inside tx. seats holds what the batch knows of open editions' seats.
func insertApplication(ctx context.Context, tx *sql.Tx, e school.Edition, a school.Application,
	files []NewFile, landingHash string, now time.Time, render Renderer, seats batchSeats) (school.Application, error) {
	a, err := insertApplicationRows(ctx, tx, e, a, files, landingHash, now, seats)
	if err != nil {
		return a, err
	}
	return a, queueFor(ctx, tx, now, a, receiptTemplate, render)
}

// insertApplicationRows is insertApplication without the receipt.
func insertApplicationRows(ctx context.Context, tx *sql.Tx, e school.Edition, a school.Application,
	files []NewFile, landingHash string, now time.Time, seats batchSeats) (school.Application, error) {
	if err := insertNewFiles(ctx, tx, &a, files, now); err != nil {
		return a, err
	}
	var number int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO reference_counters (year, last)
		VALUES (?, 1) ON CONFLICT (year) DO UPDATE SET last = last + 1
		RETURNING last`, e.Year).Scan(&number); err != nil {
		return a, err
	}
	a.EditionID = e.ID
	a.Reference = school.Reference(e.Year, number)
	a.Status = school.StatusSubmitted
	a.SubmittedAt, a.UpdatedAt = now, now
	if e.Admission == school.AdmissionOpen {
		st, ok := seats[e.ID]
		if !ok {
			var err error
			if st.taken, st.lastRank, err = seatsTaken(ctx, tx, e.ID); err != nil {
				return a, err
			}
			// The counts before this registration: still true if it is rolled back.
			seats[e.ID] = st
		}
		a.Status, a.WaitlistRank = school.AdmitOpen(e.Seats(), st.taken, st.lastRank)
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO applications (edition_id, reference, status,
		lang, email, given_name, family_name, date_of_birth, nationality, residence, gender,
		sector, institution, field_of_study, highest_degree, english_level, motivation,
		referee_name, referee_email, attendance_mode, fee_waiver, fee_waiver_reason,
		visa_letter, passport_name, dietary, accessibility, heard_from, cv_upload_id,
		waitlist_rank, submitted_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
		        NULLIF(?, 0), ?, ?, ?)`,
		a.EditionID, a.Reference, a.Status, a.Lang, strings.TrimSpace(a.Email), a.GivenName,
		a.FamilyName, optionalDate(a.DateOfBirth), a.Nationality, a.Residence, a.Gender, a.Sector,
		a.Institution, a.FieldOfStudy, a.HighestDegree, a.EnglishLevel, a.Motivation,
		a.RefereeName, a.RefereeEmail, a.AttendanceMode, a.FeeWaiver, a.FeeWaiverReason,
		a.VisaLetter, a.PassportName, a.Dietary, a.Accessibility, a.HeardFrom, a.CVUploadID,
		a.WaitlistRank, formatInstant(now), formatInstant(now))
	if isUniqueEmail(err) {
		// The same email applied before: the savepoint undoes the reference counter's step.
		return a, ErrDuplicate
	}
	if err != nil {
		return a, err
	}
	if a.ID, err = res.LastInsertId(); err != nil {
		return a, err
	}
	if err := claimUploads(ctx, tx, a); err != nil {
		return a, err
	}
	if err := insertSubmissionKey(ctx, tx, a); err != nil {
		return a, err
	}
	if err := insertAnswers(ctx, tx, a.ID, a.Answers); err != nil {
		return a, err
	}
	if err := insertConsents(ctx, tx, a.ID, a.Consents); err != nil {
		return a, err
	}
	if err := writeAudit(ctx, tx, AuditEntry{At: now, Actor: ActorApplicant, Action: "submit",
		Entity: "application", EntityID: a.ID, To: string(a.Status)}); err != nil {
		return a, err
	}
	return a, addStatusLink(ctx, tx, landingHash, a.ID, now)
}

// batchSeats is, for each open-admission edition a batch of submissions registered to, the
// seats taken and the last waitlist rank given. The writer holds the write lock for the whole
// batch, so only the batch's own registrations change them: they are counted once per batch,
// not once per registration.
type batchSeats map[int64]seatCount

type seatCount struct{ taken, lastRank int }

// add counts a registration stored in the batch.
func (b batchSeats) add(a school.Application) {
	st, ok := b[a.EditionID]
	if !ok {
		return
	}
	if a.Status == school.StatusAccepted || a.Status == school.StatusConfirmed {
		st.taken++
	}
	st.lastRank = max(st.lastRank, a.WaitlistRank)
	b[a.EditionID] = st
}

// seatsTaken counts the applications holding a seat and the last waitlist rank given.
func seatsTaken(ctx context.Context, tx *sql.Tx, editionID int64) (taken, lastRank int, err error) {
	// Two index lookups (applications_by_edition_status, applications_by_edition_rank), not a
	// scan of the edition's applications: this runs on every registration to an open edition.
	err = tx.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM applications WHERE edition_id = ?1 AND status IN ('accepted', 'confirmed')),
		(SELECT COALESCE(MAX(waitlist_rank), 0) FROM applications WHERE edition_id = ?1)`,
		editionID).Scan(&taken, &lastRank)
	return taken, lastRank, err
}

// NewFile is a file sent with an application's form, stored with the application: its CV
// (QuestionID 0) or the answer to a file question.
type NewFile struct {
	QuestionID int64
	Upload     Upload
	Data       []byte
}

// insertNewFiles stores the files sent with a and refers a to them; claimUploads then gives
// them to it.
func insertNewFiles(ctx context.Context, tx *sql.Tx, a *school.Application, files []NewFile, now time.Time) error {
	for _, f := range files {
		id, err := insertUpload(ctx, tx, f.Upload, f.Data, now)
		if err != nil {
			return err
		}
		if f.QuestionID == 0 {
			a.CVUploadID = id
			continue
		}
		for i := range a.Answers {
			if a.Answers[i].QuestionID == f.QuestionID {
				a.Answers[i].UploadID = id
			}
		}
	}
	return nil
}

// claimUploads gives the CV and files an application refers to to that application. A file
// belongs to one application only.
func claimUploads(ctx context.Context, tx *sql.Tx, a school.Application) error {
	ids := []int64{a.CVUploadID}
	for _, ans := range a.Answers {
		ids = append(ids, ans.UploadID)
	}
	for _, id := range ids {
		if id == 0 {
			continue
		}
		res, err := tx.ExecContext(ctx, `UPDATE uploads SET application_id = ?
			WHERE id = ? AND (application_id IS NULL OR application_id = ?)`, a.ID, id, a.ID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return fmt.Errorf("upload %d belongs to another application: %w", id, ErrNotFound)
		}
	}
	return nil
}

// isUniqueEmail reports whether err is the UNIQUE (edition_id, email) of applications failing.
func isUniqueEmail(err error) bool {
	var serr sqlite3.Error
	return errors.As(err, &serr) && serr.ExtendedCode == sqlite3.ErrConstraintUnique &&
		strings.Contains(serr.Error(), "applications.email")
}

// insertConsents stores an application's consents in one statement: a statement costs the
// submission writer more than a row.
func insertConsents(ctx context.Context, tx *sql.Tx, applicationID int64, consents []school.Consent) error {
	if len(consents) == 0 {
		return nil
	}
	query := `INSERT INTO consents (application_id, kind, granted, version, at) VALUES ` +
		strings.Repeat(`(?, ?, ?, ?, ?), `, len(consents)-1) + `(?, ?, ?, ?, ?)`
	args := make([]any, 0, 5*len(consents))
	for _, c := range consents {
		args = append(args, applicationID, c.Kind, c.Granted, c.Version, formatInstant(c.At))
	}
	_, err := tx.ExecContext(ctx, query, args...)
	return err
}

func insertAnswers(ctx context.Context, tx *sql.Tx, applicationID int64, answers []school.Answer) error {
	for _, ans := range answers {
		if _, err := tx.ExecContext(ctx, `INSERT INTO answers (application_id, question_id, value,
			upload_id) VALUES (?, ?, ?, NULLIF(?, 0))
			ON CONFLICT (application_id, question_id) DO UPDATE SET value = excluded.value,
			upload_id = COALESCE(excluded.upload_id, upload_id)`,
			applicationID, ans.QuestionID, ans.Value, ans.UploadID); err != nil {
			return err
		}
	}
	return nil
}

// queueFor renders and queues an email about an application, with the status link it carries;
// no template or no renderer queues nothing.
func queueFor(ctx context.Context, tx *sql.Tx, now time.Time, a school.Application, template string, render Renderer) error {
	if render == nil || template == "" {
		return nil
	}
	m, err := render(template, a)
	if err != nil {
		return err
	}
	return queueRendered(ctx, tx, now, a.ID, m)
}

// queueRendered queues a rendered email about an application with the status link it carries.
func queueRendered(ctx context.Context, tx *sql.Tx, now time.Time, applicationID int64, m Email) error {
	if err := addStatusLink(ctx, tx, m.LinkHash, applicationID, now); err != nil {
		return err
	}
	return queueEmail(ctx, tx, now, m, applicationID)
}

func addStatusLink(ctx context.Context, tx *sql.Tx, tokenHash string, applicationID int64, now time.Time) error {
	if tokenHash == "" {
		return nil
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO status_links (token_hash, application_id, created_at)
		VALUES (?, ?, ?)`, tokenHash, applicationID, formatInstant(now))
	return err
}

func queueEmail(ctx context.Context, tx *sql.Tx, now time.Time, m Email, applicationID int64) error {
	id := make([]byte, 16)
	if _, err := rand.Read(id); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO outbox (created_at, to_addr, lang, subject,
		text_body, html_body, template, application_id, next_attempt_at, message_id, status_token)
		VALUES (?, ?, ?, ?, ?, ?, ?, NULLIF(?, 0), ?, ?, ?)`,
		formatInstant(now), m.To, m.Lang, m.Subject, m.Text, m.HTML, m.Template, applicationID,
		formatInstant(now), "<"+hex.EncodeToString(id)+"@registrar>", m.StatusToken)
	return err
}

// ApplicationByToken is the application whose status link secret hashes to tokenHash.
func (s *Store) ApplicationByToken(ctx context.Context, tokenHash string) (school.Application, error) {
	return s.oneApplication(ctx, `WHERE a.id = (SELECT application_id FROM status_links WHERE token_hash = ?)`, tokenHash)
}

// Application is the application with the given id.
func (s *Store) Application(ctx context.Context, id int64) (school.Application, error) {
	return s.oneApplication(ctx, `WHERE a.id = ?`, id)
}

// ApplicationByEmail is the application of email to an edition.
func (s *Store) ApplicationByEmail(ctx context.Context, editionID int64, email string) (school.Application, error) {
	return s.oneApplication(ctx, `WHERE a.edition_id = ? AND a.email = ?`, editionID, strings.TrimSpace(email))
}

func (s *Store) oneApplication(ctx context.Context, where string, args ...any) (school.Application, error) {
	a, err := scanApplication(s.reader.QueryRowContext(ctx, `SELECT `+applicationColumns+applicationFrom+` `+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return a, ErrNotFound
	}
	if err != nil {
		return a, fmt.Errorf("db: application: %w", err)
	}
	if a.Answers, err = s.answers(ctx, a.ID); err != nil {
		return a, err
	}
	if a.Consents, err = s.consents(ctx, a.ID); err != nil {
		return a, err
	}
	return a, nil
}

// ApplicationsByEmail lists every application made with email and not erased, newest first.
func (s *Store) ApplicationsByEmail(ctx context.Context, email string) ([]school.Application, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT `+applicationColumns+applicationFrom+`
		WHERE a.email = ? AND a.erased_at IS NULL ORDER BY a.id DESC`, strings.TrimSpace(email))
	if err != nil {
		return nil, fmt.Errorf("db: applications by email: %w", err)
	}
	defer rows.Close()
	var apps []school.Application
	for rows.Next() {
		a, err := scanApplication(rows)
		if err != nil {
			return nil, fmt.Errorf("db: applications by email: %w", err)
		}
		apps = append(apps, a)
	}
	return apps, rows.Err()
}

func (s *Store) answers(ctx context.Context, applicationID int64) ([]school.Answer, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT an.question_id, an.value,
		COALESCE(an.upload_id, 0), COALESCE(u.original_name, '')
		FROM answers an LEFT JOIN uploads u ON u.id = an.upload_id
		JOIN questions q ON q.id = an.question_id
		WHERE an.application_id = ? ORDER BY q.position, q.id`, applicationID)
	if err != nil {
		return nil, fmt.Errorf("db: answers: %w", err)
	}
	defer rows.Close()
	var answers []school.Answer
	for rows.Next() {
		var ans school.Answer
		if err := rows.Scan(&ans.QuestionID, &ans.Value, &ans.UploadID, &ans.FileName); err != nil {
			return nil, fmt.Errorf("db: answers: %w", err)
		}
		answers = append(answers, ans)
	}
	return answers, rows.Err()
}

func (s *Store) consents(ctx context.Context, applicationID int64) ([]school.Consent, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT kind, granted, version, at FROM consents
		WHERE application_id = ?`, applicationID)
	if err != nil {
		return nil, fmt.Errorf("db: consents: %w", err)
	}
	defer rows.Close()
	var consents []school.Consent
	for rows.Next() {
		var c school.Consent
		var at string
		if err := rows.Scan(&c.Kind, &c.Granted, &c.Version, &at); err != nil {
			return nil, fmt.Errorf("db: consents: %w", err)
		}
		if c.At, err = parseInstant(sql.NullString{String: at, Valid: true}); err != nil {
			return nil, err
		}
		consents = append(consents, c)
	}
	return consents, rows.Err()
}

// UpdateApplication stores the applicant's own edits to what they sent, with an audit entry.
// Status, reference and consents to processing are not theirs to change here.
func (s *Store) UpdateApplication(ctx context.Context, a school.Application, now time.Time) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if err := claimUploads(ctx, tx, a); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE applications SET given_name = ?, family_name = ?,
			date_of_birth = ?, nationality = ?, residence = ?, gender = ?, sector = ?,
			institution = ?, field_of_study = ?, highest_degree = ?, english_level = ?,
			motivation = ?, referee_name = ?, referee_email = ?, attendance_mode = ?,
			fee_waiver = ?, fee_waiver_reason = ?, visa_letter = ?, passport_name = ?,
			dietary = ?, accessibility = ?, heard_from = ?, cv_upload_id = NULLIF(?, 0),
			updated_at = ?
			WHERE id = ?`,
			a.GivenName, a.FamilyName, optionalDate(a.DateOfBirth), a.Nationality, a.Residence,
			a.Gender, a.Sector, a.Institution, a.FieldOfStudy, a.HighestDegree, a.EnglishLevel,
			a.Motivation, a.RefereeName, a.RefereeEmail, a.AttendanceMode, a.FeeWaiver,
			a.FeeWaiverReason, a.VisaLetter, a.PassportName, a.Dietary, a.Accessibility,
			a.HeardFrom, a.CVUploadID, formatInstant(now), a.ID)
		if err != nil {
			return err
		}
		if err := insertAnswers(ctx, tx, a.ID, a.Answers); err != nil {
			return err
		}
		return writeAudit(ctx, tx, AuditEntry{At: now, Actor: ActorApplicant, Action: "edit",
			Entity: "application", EntityID: a.ID})
	})
	if err != nil {
		return fmt.Errorf("db: update application: %w", err)
	}
	return nil
}

// ErrNoSeat is returned when a change would give more seats than the edition has.
var ErrNoSeat = errors.New("db: no seat left")

// TransitionApplication moves an application to a new status: in one transaction it checks the
// change is allowed from the status stored now and that a seat is free, writes it, the audit entry
// and the email; a seat it frees goes to the next on the waiting list in the same transaction.
func (s *Store) TransitionApplication(ctx context.Context, id int64, to school.Status, actor string,
	now time.Time, render Renderer) (school.Application, error) {
	var a school.Application
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		a, err = transition(ctx, tx, id, to, 0, actor, now, render)
		return err
	})
	if errors.Is(err, ErrNotFound) || errors.Is(err, school.ErrTransition) || errors.Is(err, ErrNoSeat) {
		return a, err
	}
	if err != nil {
		return a, fmt.Errorf("db: application %d to %s: %w", id, to, err)
	}
	return a, nil
}

// transition is the one place an application's status changes, inside a transaction. An
// application put on the waiting list takes rank (0: the end of the list), moving those from that
// rank on one down; one leaving the list moves those after it one up, so that the ranks run
// 1, 2, 3 … with no gap and the emails say the rank that holds.
func transition(ctx context.Context, tx *sql.Tx, id int64, to school.Status, rank int, actor string,
	now time.Time, render Renderer) (school.Application, error) {
	a, err := scanApplication(tx.QueryRowContext(ctx,
		`SELECT `+applicationColumns+applicationFrom+` WHERE a.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return a, ErrNotFound
	}
	if err != nil {
		return a, err
	}
	from := a.Status
	if a.Erased() { // nobody is left to offer a seat or to write to
		return a, fmt.Errorf("%w: application %d is erased", school.ErrTransition, id)
	}
	if err := school.CheckTransition(from, to); err != nil {
		return a, err
	}
	e, err := scanEdition(tx.QueryRowContext(ctx, `SELECT `+editionColumns+editionFrom+` WHERE e.id = ?`, a.EditionID))
	if err != nil {
		return a, err
	}
	if to.TakesSeat() && !from.TakesSeat() {
		taken, _, err := seatsTaken(ctx, tx, e.ID)
		if err != nil {
			return a, err
		}
		if taken >= e.Seats() {
			return a, ErrNoSeat
		}
	}
	var expires, remind sql.NullString
	if to == school.StatusAccepted {
		a.OfferExpiresAt = school.OfferExpiry(now, e.OfferDays)
		expires = formatInstant(a.OfferExpiresAt)
		if at, ok := school.OfferReminder(now, a.OfferExpiresAt); ok {
			remind = formatInstant(at)
		}
	}
	if to == school.StatusWaitlisted {
		if rank, err = placeOnWaitlist(ctx, tx, e.ID, rank); err != nil {
			return a, err
		}
	} else {
		rank = 0
	}
	if _, err := tx.ExecContext(ctx, `UPDATE applications SET status = ?, updated_at = ?,
		offer_expires_at = ?, offer_remind_at = ?, waitlist_rank = ? WHERE id = ?`,
		to, formatInstant(now), expires, remind, rank, id); err != nil {
		return a, err
	}
	if from == school.StatusWaitlisted && to != school.StatusWaitlisted {
		if err := moveRanks(ctx, tx, e.ID, a.WaitlistRank+1, -1); err != nil {
			return a, err
		}
	}
	a.Status, a.UpdatedAt, a.WaitlistRank = to, now, rank
	if err := writeAudit(ctx, tx, AuditEntry{At: now, Actor: actor, Action: "status",
		Entity: "application", EntityID: id, From: string(from), To: string(to)}); err != nil {
		return a, err
	}
	if err := queueFor(ctx, tx, now, a, school.EmailOnEntering(to), render); err != nil {
		return a, err
	}
	if school.RevokesVisaLetter(to) {
		if _, err := tx.ExecContext(ctx, `UPDATE issued_documents SET revoked_at = ?
			WHERE application_id = ? AND kind = 'visa_letter' AND revoked_at IS NULL`, formatInstant(now), id); err != nil {
			return a, err
		}
	}
	if school.FreesSeat(from, to) && e.OffersFreedSeats(now) {
		if _, err := promoteNext(ctx, tx, e, now, render); err != nil {
			return a, err
		}
	}
	return a, nil
}

// placeOnWaitlist makes room at rank on an edition's waiting list, moving those at that rank
// and after one down, and returns the rank: one past the end of the list, or 0, is the end.
func placeOnWaitlist(ctx context.Context, tx *sql.Tx, editionID int64, rank int) (int, error) {
	var waiting int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM applications
		WHERE edition_id = ? AND status = 'waitlisted'`, editionID).Scan(&waiting); err != nil {
		return 0, err
	}
	if rank < 1 || rank > waiting {
		return waiting + 1, nil
	}
	return rank, moveRanks(ctx, tx, editionID, rank, 1)
}

// moveRanks moves every application waiting in an edition at rank from or later by places
// (1 down, -1 up). The unique index checks each row as it changes, so the ranks pass through
// negative numbers on the way.
func moveRanks(ctx context.Context, tx *sql.Tx, editionID int64, from, by int) error {
	if _, err := tx.ExecContext(ctx, `UPDATE applications SET waitlist_rank = -(waitlist_rank + ?)
		WHERE edition_id = ? AND status = 'waitlisted' AND waitlist_rank >= ?`, by, editionID, from); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `UPDATE applications SET waitlist_rank = -waitlist_rank
		WHERE edition_id = ? AND status = 'waitlisted' AND waitlist_rank < 0`, editionID)
	return err
}

// promoteNext offers a freed seat to the first on the waiting list: an offer to confirm, or at
// once a confirmed place where admission is open. It reports whether anyone was waiting. One
// with a decision staged is passed over: a staged acceptance holds a seat already (seatsHeld),
// a staged rejection is the organiser's word, and either would fail the release.
func promoteNext(ctx context.Context, tx *sql.Tx, e school.Edition, now time.Time, render Renderer) (bool, error) {
	var next int64
	err := tx.QueryRowContext(ctx, `SELECT a.id FROM applications a WHERE a.edition_id = ?
		AND a.status = 'waitlisted' AND a.erased_at IS NULL
		AND NOT EXISTS (SELECT 1 FROM staged_decisions d WHERE d.application_id = a.id)
		ORDER BY a.waitlist_rank, a.id LIMIT 1`, e.ID).Scan(&next)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	to := school.StatusAccepted
	if e.Admission == school.AdmissionOpen {
		to = school.StatusConfirmed
	}
	_, err = transition(ctx, tx, next, to, 0, ActorSystem, now, render)
	return err == nil, err
}

// querier is a read-only pool or a transaction.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// seatsHeld counts who holds an edition's seats: confirmed places, open offers, and the
// acceptances staged and not yet released.
func seatsHeld(ctx context.Context, q querier, editionID int64) (school.SeatsHeld, error) {
	var h school.SeatsHeld
	err := q.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM applications WHERE edition_id = ?1 AND status = 'confirmed'),
		(SELECT COUNT(*) FROM applications WHERE edition_id = ?1 AND status = 'accepted'),
		(SELECT COUNT(*) FROM staged_decisions WHERE edition_id = ?1 AND decision = 'accepted')`,
		editionID).Scan(&h.Confirmed, &h.Offers, &h.Staged)
	return h, err
}

// SeatsHeld counts who holds an edition's seats, for the release preview.
func (s *Store) SeatsHeld(ctx context.Context, editionID int64) (school.SeatsHeld, error) {
	h, err := seatsHeld(ctx, s.reader, editionID)
	if err != nil {
		return h, fmt.Errorf("db: seats held: %w", err)
	}
	return h, nil
}

// SendStatusLink queues an email (template) with a new status link for an application. Earlier
// links keep working: anyone may ask for a link to be sent, and that must not break the
// applicant's own.
func (s *Store) SendStatusLink(ctx context.Context, id int64, now time.Time, template string, render Renderer) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		a, err := scanApplication(tx.QueryRowContext(ctx,
			`SELECT `+applicationColumns+applicationFrom+` WHERE a.id = ?`, id))
		if err != nil {
			return err
		}
		if err := writeAudit(ctx, tx, AuditEntry{At: now, Actor: ActorApplicant, Action: "status_link_sent",
			Entity: "application", EntityID: id}); err != nil {
			return err
		}
		return queueFor(ctx, tx, now, a, template, render)
	})
	if err != nil {
		return fmt.Errorf("db: send status link: %w", err)
	}
	return nil
}

// RequestErasure records the applicant's request to erase their data, for the organisers' queue.
func (s *Store) RequestErasure(ctx context.Context, id int64, now time.Time) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE applications SET erasure_asked_at = ?
			WHERE id = ? AND erasure_asked_at IS NULL`, formatInstant(now), id); err != nil {
			return err
		}
		return writeAudit(ctx, tx, AuditEntry{At: now, Actor: ActorApplicant, Action: "erasure_requested",
			Entity: "application", EntityID: id})
	})
	if err != nil {
		return fmt.Errorf("db: request erasure: %w", err)
	}
	return nil
}

// SetFeeWaiverGranted records whether organisers waived an application's fee, with an audit
// entry that the applicant's history shows; setting what is already set records nothing. A
// participant who has confirmed was already told what to pay, so they are emailed what now
// holds (render's "fee_changed"); before that, the confirmation email says it.
func (s *Store) SetFeeWaiverGranted(ctx context.Context, id int64, granted bool, actor string, now time.Time,
	render Renderer) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE applications SET fee_waiver_granted = ?
			WHERE id = ? AND fee_waiver_granted <> ?`, granted, id, granted)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		action := "fee_waiver_revoked"
		if granted {
			action = "fee_waiver_granted"
		}
		if err := writeAudit(ctx, tx, AuditEntry{At: now, Actor: actor, Action: action, Entity: "application", EntityID: id}); err != nil {
			return err
		}
		a, err := scanApplication(tx.QueryRowContext(ctx, `SELECT `+applicationColumns+applicationFrom+` WHERE a.id = ?`, id))
		if err != nil || a.Status != school.StatusConfirmed {
			return err
		}
		return queueFor(ctx, tx, now, a, "fee_changed", render)
	})
	if err != nil {
		return fmt.Errorf("db: fee waiver: %w", err)
	}
	return nil
}

// ApplicationHistory lists an application's audit entries, oldest first.
func (s *Store) ApplicationHistory(ctx context.Context, id int64) ([]AuditEntry, error) {
	entries, err := s.auditEntries(ctx, auditSelect+`
		WHERE l.entity = 'application' AND l.entity_id = ? ORDER BY l.id`, id)
	if err != nil {
		return nil, fmt.Errorf("db: application history: %w", err)
	}
	return entries, nil
}

// txApplications reads applications inside a transaction, all of them, so that the caller's
// writes never run while the query is still open on the same connection.
func txApplications(ctx context.Context, tx *sql.Tx, where string, args ...any) ([]school.Application, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+applicationColumns+applicationFrom+` `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var apps []school.Application
	for rows.Next() {
		a, err := scanApplication(rows)
		if err != nil {
			return nil, err
		}
		apps = append(apps, a)
	}
	return apps, rows.Err()
}
