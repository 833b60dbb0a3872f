package db

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"registrar/app/school"
)

// demoRefereeQuestions are what the demo's summer school asks referees besides the letter.
var demoRefereeQuestions = struct{ en, cs []string }{
	en: []string{"How long and in what role have you known the applicant?", "What would they bring to the school?"},
	cs: []string{"Jak dlouho a v jaké roli uchazeče znáte?", "Čím by přispěl(a) ke škole?"},
}

// demoRefereeNames are the referees the demo's applicants name, in turn.
var demoRefereeNames = []struct{ name, relation string }{
	{"Prof. Helena Marková", "thesis supervisor"}, {"Dr. Samuel Okafor", "head of department"},
	{"Dr. Ingrid Larsen", "research group leader"}, {"Mgr. Petr Dvořák", "employer"},
	{"Prof. Amal Haddad", "lecturer"}, {"Dr. Chen Wei", "project coordinator"},
}

// LoadDemoReferees makes the demo's open summer school ask for one reference and gives each of
// its applications a referee; every third has sent a letter (a PDF) and answered the questions.
func (s *Store) LoadDemoReferees(ctx context.Context, now time.Time) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var editionID int64
		if err := tx.QueryRowContext(ctx, `SELECT e.id FROM editions e JOIN series s ON s.id = e.series_id
			WHERE s.slug = 'summer-school' AND e.admission = 'selection' AND e.status = 'published'
			AND e.starts_on > ? ORDER BY e.starts_on LIMIT 1`, formatDate(now)).Scan(&editionID); err != nil {
			return fmt.Errorf("the open summer school: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO edition_references (edition_id, asked, questions_en,
			questions_cs) VALUES (?, 1, ?, ?)`, editionID, strings.Join(demoRefereeQuestions.en, "\n"),
			strings.Join(demoRefereeQuestions.cs, "\n")); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT id, reference, lang, given_name || ' ' || family_name,
			submitted_at FROM applications WHERE edition_id = ? AND erased_at IS NULL ORDER BY id`, editionID)
		if err != nil {
			return err
		}
		type demoApp struct {
			id                    int64
			reference, lang, name string
			submitted             string
		}
		var apps []demoApp
		for rows.Next() {
			var a demoApp
			if err := rows.Scan(&a.id, &a.reference, &a.lang, &a.name, &a.submitted); err != nil {
				rows.Close()
				return err
			}
			apps = append(apps, a)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for i, a := range apps {
			ref := demoRefereeNames[i%len(demoRefereeNames)]
			email := strings.ToLower(strings.NewReplacer("Prof. ", "", "Dr. ", "", "Mgr. ", "", " ", ".",
				"á", "a", "ř", "r", "ý", "y").Replace(ref.name)) + "@referees.example.org"
			var received, stored, answers sql.NullString
			var fileName string
			var size int
			if i%3 == 0 {
				submitted, err := time.Parse(time.RFC3339, a.submitted)
				if err != nil {
					return err
				}
				received = formatInstant(submitted.Add(50 * time.Hour))
				letter := demoLetter(ref.name, a.name)
				sum := sha256.Sum256(letter)
				stored = sql.NullString{String: "demo-letter-" + hex.EncodeToString(sum[:12]), Valid: true}
				fileName, size = "reference-"+a.reference+".pdf", len(letter)
				if err := insertBlob(ctx, tx, stored.String, letter); err != nil {
					return err
				}
				b, err := json.Marshal([]school.RefereeAnswer{
					{Question: demoRefereeQuestions.en[0], Answer: "Three years, as " + ref.relation + "."},
					{Question: demoRefereeQuestions.en[1], Answer: "Careful fieldwork and a generous way of working with others."}})
				if err != nil {
					return err
				}
				answers = sql.NullString{String: string(b), Valid: true}
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO referees (application_id, position, name, email,
				relation, lang, requested_at, received_at, letter_stored_name, letter_file_name, letter_size,
				answers) VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, COALESCE(?, ''))`, a.id, ref.name, email,
				ref.relation, a.lang, a.submitted, received, stored, fileName, size, answers); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("db: demo referees: %w", err)
	}
	s.catalogueVersion.Add(1)
	return nil
}

// demoLetter is a one-page PDF with a short letter, its cross-reference table counted.
func demoLetter(referee, applicant string) []byte {
	clean := strings.NewReplacer("(", "", ")", "", `\`, "")
	ascii := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r > 126 {
				return '?'
			}
			return r
		}, clean.Replace(s))
	}
	text := fmt.Sprintf("BT /F1 12 Tf 72 720 Td (Letter of reference for %s) Tj 0 -24 Td (I recommend the applicant warmly.) Tj 0 -24 Td (%s) Tj ET",
		ascii(applicant), ascii(referee))
	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(text), text),
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, xref)
	return b.Bytes()
}
