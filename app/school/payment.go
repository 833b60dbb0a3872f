package school

import (
	"fmt"
	"math/big"
	"regexp"
	"strings"
	"time"
	"unicode"
)

// PaymentAccount is where participants pay an edition's fee, as organisers set it in the
// edition editor. An edition without an IBAN asks nobody to pay.
type PaymentAccount struct {
	Holder string
	IBAN   string    // upper case, without spaces (NormaliseIBAN)
	BIC    string    // may be empty: SEPA and Czech payments need none
	DueOn  time.Time // a date; zero when the fee has no date to be paid by
}

// problems are what stops the account from taking payments: an IBAN whose check digits fail,
// a BIC of the wrong shape, an account without its holder or the other way round.
func (p PaymentAccount) problems() []Problem {
	var ps []Problem
	switch {
	case p.IBAN != "" && !ValidIBAN(p.IBAN):
		ps = append(ps, Problem{"payment_iban", "edition_error_iban"})
	case p.IBAN == "" && (p.Holder != "" || p.BIC != "" || !p.DueOn.IsZero()):
		ps = append(ps, Problem{"payment_iban", "edition_error_payment_no_iban"})
	}
	if p.BIC != "" && !ValidBIC(p.BIC) {
		ps = append(ps, Problem{"payment_bic", "edition_error_bic"})
	}
	if p.IBAN != "" && p.Holder == "" {
		ps = append(ps, Problem{"payment_holder", "edition_error_payment_holder"})
	}
	return ps
}

// PaymentInstructions say how one participant pays: to which account, how much, by when, and
// what the transfer says so that the school can tell whose it is.
type PaymentInstructions struct {
	PaymentAccount
	AmountCents int64
	Currency    string
	// VariableSymbol is the reference's digits: Czech banks carry this number with a transfer,
	// and the school's accounting matches payments by it.
	VariableSymbol string
	Message        string // the reference and the participant's name
}

// PaymentFor is how applicant a pays edition e's fee once their place is confirmed; false when
// there is nothing to pay: no fee, no account set, a fee waiver granted, or no confirmed place.
func (e Edition) PaymentFor(a Application) (PaymentInstructions, bool) {
	if a.Status != StatusConfirmed || !e.HasFee() || e.Payment.IBAN == "" || a.FeeWaiverGranted {
		return PaymentInstructions{}, false
	}
	return PaymentInstructions{PaymentAccount: e.Payment, AmountCents: e.FeeCents, Currency: e.Currency,
		VariableSymbol: VariableSymbol(a.Reference),
		Message:        strings.Join(strings.Fields(a.Reference+" "+a.GivenName+" "+a.FamilyName), " ")}, true
}

// VariableSymbol is the digits of an application's reference, "SMS-2027-0001" giving
// "20270001": a variable symbol holds at most ten digits, so longer ones keep the last ten.
func VariableSymbol(reference string) string {
	var digits strings.Builder
	for _, r := range reference {
		if r >= '0' && r <= '9' {
			digits.WriteRune(r)
		}
	}
	vs := digits.String()
	if len(vs) > 10 {
		vs = vs[len(vs)-10:]
	}
	return vs
}

// Amount is the amount in the formats' notation: a dot and two decimals, "330.00".
func (p PaymentInstructions) Amount() string {
	return fmt.Sprintf("%d.%02d", p.AmountCents/100, p.AmountCents%100)
}

// SPAYD is the payment as a QR Platba code says it, in the Czech Banking Association's Short
// Payment Descriptor 1.0: fields joined by asterisks, an asterisk in a value escaped as %2A.
func (p PaymentInstructions) SPAYD() string {
	account := p.IBAN
	if p.BIC != "" {
		account += "+" + p.BIC
	}
	fields := []string{"SPD", "1.0", "ACC:" + account, "AM:" + p.Amount(), "CC:" + p.Currency}
	if !p.DueOn.IsZero() {
		fields = append(fields, "DT:"+p.DueOn.Format("20060102"))
	}
	if p.VariableSymbol != "" {
		fields = append(fields, "X-VS:"+p.VariableSymbol)
	}
	if p.Holder != "" {
		fields = append(fields, "RN:"+spaydValue(p.Holder, 35))
	}
	if p.Message != "" {
		fields = append(fields, "MSG:"+spaydValue(p.Message, 60))
	}
	return strings.Join(fields, "*")
}

func spaydValue(s string, length int) string {
	return strings.ReplaceAll(cut(oneLine(s), length), "*", "%2A")
}

// epcMaxBytes is the most an EPC QR code may hold (EPC069-12): 331 bytes.
const epcMaxBytes = 331

// EPC is the payment as the European Payments Council's QR code for a SEPA credit transfer says
// it (EPC069-12, version 002, UTF-8): one element a line, the remittance text last, shortened
// when accented letters (two bytes each) would take the code past its 331 bytes. SEPA credit
// transfers are in euro: false for another currency, and for a holder's name whose letters alone
// take the code past its bytes (a name cut short would not match the account).
func (p PaymentInstructions) EPC() (string, bool) {
	if p.Currency != "EUR" {
		return "", false
	}
	head := strings.Join([]string{"BCD", "002", "1", "SCT", p.BIC, cut(oneLine(p.Holder), 70), p.IBAN,
		"EUR" + p.Amount(), "", "", ""}, "\n")
	if len(head) > epcMaxBytes {
		return "", false
	}
	text := []rune(cut(oneLine(p.Message), 140))
	for len(head)+len(string(text)) > epcMaxBytes {
		text = text[:len(text)-1]
	}
	return head + string(text), true
}

// oneLine puts a text on one line, each run of white space one space.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// cut keeps the first n characters of s.
func cut(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}

// NormaliseIBAN is an IBAN as stored: upper case, without the spaces it is written with.
func NormaliseIBAN(s string) string {
	return strings.ToUpper(strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s))
}

var ibanShape = regexp.MustCompile(`^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$`)

// ValidIBAN checks a normalised IBAN's shape and its check digits (ISO 13616: the number read
// with its first four characters moved to the end, letters as 10 to 35, leaves 1 modulo 97).
func ValidIBAN(iban string) bool {
	if !ibanShape.MatchString(iban) {
		return false
	}
	var digits strings.Builder
	for _, r := range iban[4:] + iban[:4] {
		if r >= 'A' && r <= 'Z' {
			fmt.Fprint(&digits, int(r-'A')+10)
		} else {
			digits.WriteRune(r)
		}
	}
	n, ok := new(big.Int).SetString(digits.String(), 10)
	return ok && new(big.Int).Mod(n, big.NewInt(97)).Int64() == 1
}

// IBANGrouped is the account's IBAN in groups of four, for people to read.
func (p PaymentAccount) IBANGrouped() string { return GroupIBAN(p.IBAN) }

// GroupIBAN writes an IBAN in groups of four, as people read and type it.
func GroupIBAN(iban string) string { return inFours(iban, ' ') }

var bicShape = regexp.MustCompile(`^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$`)

// ValidBIC checks a BIC's shape (ISO 9362): bank, country, place and an optional branch.
func ValidBIC(bic string) bool { return bicShape.MatchString(bic) }
