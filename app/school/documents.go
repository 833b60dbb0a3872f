package school

import (
	"crypto/rand"
	"fmt"
	"strings"
)

// DocumentKind is a document issued to an applicant: a visa invitation letter or a certificate
// of attendance.
type DocumentKind string

const (
	DocumentVisaLetter  DocumentKind = "visa_letter"
	DocumentCertificate DocumentKind = "certificate"
)

// VisaLetterAllowed reports whether an application may have a visa invitation letter: the
// applicant asked for one and was offered a place. Organisers may issue it from the offer on;
// applicants download it once they have confirmed. An erased application has none.
func VisaLetterAllowed(a Application, byApplicant bool) bool {
	if !a.VisaLetter || a.Erased() {
		return false
	}
	if byApplicant {
		return a.Status == StatusConfirmed
	}
	return a.Status == StatusAccepted || a.Status == StatusConfirmed || a.Status == StatusAttended
}

// RevokesVisaLetter reports whether entering status to withdraws the application's visa
// letter: the applicant gave up the place it invites them to.
func RevokesVisaLetter(to Status) bool {
	return to == StatusDeclined || to == StatusExpired || to == StatusWithdrawn
}

// CertificateAllowed reports whether an application earns a certificate of attendance. An
// erased application has none.
func CertificateAllowed(a Application) bool { return a.Status == StatusAttended && !a.Erased() }

// NameOnPassport is the name as the passport gives it, as the applicant typed it, else their
// given and family name.
func (a Application) NameOnPassport() string {
	if n := strings.TrimSpace(a.PassportName); n != "" {
		return n
	}
	return a.Name()
}

// NameOnLetter is the name as in the passport the visa letter prints, and /verify shows for it:
// the passport's from the follow-up answers, else NameOnPassport.
func (a Application) NameOnLetter(p Passport) string {
	if p.Name != "" {
		return p.Name
	}
	return a.NameOnPassport()
}

// Verification codes are 12 characters of Crockford's base32 (60 random bits): short enough to
// type from paper, too many to guess. They are stored without dashes and shown in groups of four.
const (
	codeAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	codeLength   = 12
)

// NewVerificationCode draws a fresh code from crypto/rand.
func NewVerificationCode() (string, error) {
	b := make([]byte, codeLength)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("school: verification code: %w", err)
	}
	for i := range b {
		b[i] = codeAlphabet[b[i]&31] // 256 is a multiple of 32: every letter equally likely
	}
	return string(b), nil
}

// FormatCode shows a stored code in groups of four: 7K3M-Q9XD-2HTW.
func FormatCode(code string) string { return inFours(code, '-') }

// inFours writes s in groups of four characters with sep between them, as people read codes and
// account numbers.
func inFours(s string, sep byte) string {
	var b strings.Builder
	for i, r := range s {
		if i > 0 && i%4 == 0 {
			b.WriteByte(sep)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// ParseCode reads a code as a person types it: any case, dashes and spaces optional, and the
// letters Crockford's base32 leaves out read as the digits they look like (O as 0, I and L as 1).
func ParseCode(typed string) (string, bool) {
	var b strings.Builder
	for _, r := range strings.ToUpper(typed) {
		switch r {
		case '-', ' ':
			continue
		case 'O':
			r = '0'
		case 'I', 'L':
			r = '1'
		}
		if r > 127 || !strings.ContainsRune(codeAlphabet, r) {
			return "", false
		}
		b.WriteRune(r)
		if b.Len() > codeLength {
			return "", false
		}
	}
	if b.Len() != codeLength {
		return "", false
	}
	return b.String(), true
}
