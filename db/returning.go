package db

import (
	"context"
	"fmt"

	"registrar/app/school"
)

// PastApplication is an application to an earlier edition by the applicant of another one.
type PastApplication struct {
	ID        int64
	Reference string
	Status    school.Status
	Edition   school.Edition
	ByEmail   bool // the same email address; otherwise the same name and date of birth
}

// sameEmail and sameNameAndBirth are the two ways application p is by the applicant of
// application me: the same email address in any case (the column's collation), or the same name
// in any case and the same date of birth. Erased applications keep neither, and match nothing.
// Each is looked up in its own index, applications_by_email or applications_by_person (whose
// condition the second repeats).
func sameEmail(p, me string) string {
	return p + `.email = ` + me + `.email AND ` + p + `.erased_at IS NULL AND ` + me + `.erased_at IS NULL`
}

func sameNameAndBirth(p, me string) string {
	return p + `.erased_at IS NULL AND ` + p + `.date_of_birth <> '' AND ` + p + `.date_of_birth = ` + me + `.date_of_birth
		AND ` + p + `.family_name = ` + me + `.family_name COLLATE NOCASE
		AND ` + p + `.given_name = ` + me + `.given_name COLLATE NOCASE AND ` + me + `.erased_at IS NULL`
}

// pastEditions is the condition that application p is in an edition of the scope that started
// before the edition of application me. Its terms never pick p's index (the unary +): the
// applicant's own are the ones to look in.
func pastEditions(p, me string, scope school.Scope) (string, []any) {
	cond := `(SELECT starts_on FROM editions WHERE id = ` + p + `.edition_id) <
		(SELECT starts_on FROM editions WHERE id = ` + me + `.edition_id)`
	if scope.All {
		return cond, nil
	}
	marks, args := inList(scope.IDs)
	return cond + ` AND +` + p + `.edition_id IN (` + marks + `)`, args
}

// pastApplicationsQuery is the statement of PastApplications.
func pastApplicationsQuery(applicationID int64, scope school.Scope) (string, []any) {
	past, args := pastEditions("p", "me", scope)
	return `SELECT p.id, p.reference, p.status, p.email = me.email, ` + editionColumns + `
		FROM applications me, applications p JOIN editions e ON e.id = p.edition_id JOIN series s ON s.id = e.series_id
		WHERE me.id = ? AND p.id <> me.id AND p.id IN (
			SELECT byemail.id FROM applications byemail WHERE ` + sameEmail("byemail", "me") + `
			UNION ALL
			SELECT byname.id FROM applications byname WHERE ` + sameNameAndBirth("byname", "me") + `)
		AND ` + past + `
		ORDER BY e.starts_on DESC, p.id`, append([]any{applicationID}, args...)
}

// PastApplications lists, newest edition first, the applications by the same applicant (see
// sameEmail, sameNameAndBirth) to editions of the scope that started before the application's own.
func (s *Store) PastApplications(ctx context.Context, applicationID int64, scope school.Scope) ([]PastApplication, error) {
	if scope.Empty() {
		return nil, nil
	}
	query, args := pastApplicationsQuery(applicationID, scope)
	rows, err := s.reader.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("db: past applications: %w", err)
	}
	defer rows.Close()
	var out []PastApplication
	for rows.Next() {
		var p PastApplication
		if p.Edition, err = scanEdition(prefixScanner{rows, []any{&p.ID, &p.Reference, &p.Status, &p.ByEmail}}); err != nil {
			return nil, fmt.Errorf("db: past applications: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// returningCondition narrows an application list (alias a) to applicants who applied to an
// earlier edition of the scope ("applied") or attended one ("alumni").
func returningCondition(returning string, scope school.Scope) (string, []any) {
	if scope.Empty() {
		return "0", nil
	}
	past, args := pastEditions("p", "a", scope)
	if returning == "alumni" {
		past += ` AND +p.status = '` + string(school.StatusAttended) + `'`
	}
	return `(EXISTS (SELECT 1 FROM applications p WHERE ` + sameEmail("p", "a") + ` AND ` + past + `)
		OR EXISTS (SELECT 1 FROM applications p WHERE ` + sameNameAndBirth("p", "a") + ` AND ` + past + `))`,
		append(args, args...)
}
