package school

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestIBANAndBICChecks(t *testing.T) {
	for _, c := range []struct {
		iban string
		ok   bool
	}{
		{"CZ65 0800 0000 1920 0014 5399", true}, // the Czech National Bank's example
		{"cz6508000000192000145399", true},
		{"DE89370400440532013000", true},
		{"GB82WEST12345698765432", true},
		{"CZ65 0800 0000 1920 0014 5398", false}, // one digit off
		{"CZ6508000000192000145", false},         // too short for CZ... and its checksum fails
		{"XX", false},
		{"", false},
		{"CZ65-0800-0000-1920-0014-5399", false},
	} {
		if got := ValidIBAN(NormaliseIBAN(c.iban)); got != c.ok {
			t.Errorf("ValidIBAN(%q) = %v", c.iban, got)
		}
	}
	if got := NormaliseIBAN(" cz65 0800\u00a00000 1920 0014 5399 "); got != "CZ6508000000192000145399" {
		t.Errorf("NormaliseIBAN = %q", got)
	}
	if got := GroupIBAN("CZ6508000000192000145399"); got != "CZ65 0800 0000 1920 0014 5399" {
		t.Errorf("GroupIBAN = %q", got)
	}
	for bic, ok := range map[string]bool{"GIBACZPX": true, "KOMBCZPPXXX": true, "COBADEFF": true,
		"GIBACZP": false, "GIBA CZPX": false, "1IBACZPX": false, "GIBACZPXX": false, "": false} {
		if got := ValidBIC(bic); got != ok {
			t.Errorf("ValidBIC(%q) = %v", bic, got)
		}
	}
}

func TestVariableSymbolIsTheReferencesDigits(t *testing.T) {
	for ref, want := range map[string]string{"SMS-2027-0001": "20270001", "WS-2027-0142": "20270142",
		"X-12345678901": "2345678901", "NONE": ""} {
		if got := VariableSymbol(ref); got != want {
			t.Errorf("VariableSymbol(%q) = %q, want %q", ref, got, want)
		}
	}
}

// paidEdition has a fee of 330 EUR and the account it is paid to.
func paidEdition() Edition {
	return Edition{FeeCents: 33000, Currency: "EUR", Payment: PaymentAccount{Holder: "IOM Prague",
		IBAN: "CZ6508000000192000145399", BIC: "GIBACZPX", DueOn: time.Date(2027, 6, 30, 0, 0, 0, 0, time.UTC)}}
}

func TestPaymentIsAskedOnlyOfAConfirmedPlaceWithAFee(t *testing.T) {
	confirmed := Application{Reference: "SMS-2027-0001", Status: StatusConfirmed, GivenName: "Petra", FamilyName: "Nováková"}
	p, ok := paidEdition().PaymentFor(confirmed)
	if !ok {
		t.Fatal("a confirmed place of an edition with a fee and an account pays nothing")
	}
	if p.AmountCents != 33000 || p.Currency != "EUR" || p.VariableSymbol != "20270001" ||
		p.Message != "SMS-2027-0001 Petra Nováková" || p.Holder != "IOM Prague" {
		t.Errorf("instructions %+v", p)
	}
	waived := confirmed
	waived.FeeWaiverGranted = true
	noAccount := paidEdition()
	noAccount.Payment = PaymentAccount{}
	free := paidEdition()
	free.FeeCents = 0
	offered := confirmed
	offered.Status = StatusAccepted
	for name, c := range map[string]struct {
		e Edition
		a Application
	}{"a fee waiver": {paidEdition(), waived}, "no account": {noAccount, confirmed},
		"no fee": {free, confirmed}, "an open offer": {paidEdition(), offered}} {
		if _, ok := c.e.PaymentFor(c.a); ok {
			t.Errorf("payment asked for with %s", name)
		}
	}
}

// The payloads against the formats' specifications: QR Platba (the Czech Banking Association's
// Short Payment Descriptor, SPD 1.0) and the EPC's SEPA credit transfer QR code (EPC069-12,
// version 002, UTF-8).
func TestPaymentQRPayloads(t *testing.T) {
	p, _ := paidEdition().PaymentFor(Application{Reference: "SMS-2027-0001", Status: StatusConfirmed,
		GivenName: "Petra", FamilyName: "Nováková"})
	if got, want := p.SPAYD(), "SPD*1.0*ACC:CZ6508000000192000145399+GIBACZPX*AM:330.00*CC:EUR*DT:20270630"+
		"*X-VS:20270001*RN:IOM Prague*MSG:SMS-2027-0001 Petra Nováková"; got != want {
		t.Errorf("SPAYD\n got %s\nwant %s", got, want)
	}
	epc, ok := p.EPC()
	if want := "BCD\n002\n1\nSCT\nGIBACZPX\nIOM Prague\nCZ6508000000192000145399\nEUR330.00\n\n\nSMS-2027-0001 Petra Nováková"; !ok || epc != want {
		t.Errorf("EPC %v\n got %q\nwant %q", ok, epc, want)
	}

	// An asterisk separates SPAYD's fields: one in a value is escaped. Values are cut to the
	// formats' lengths, and a line break never splits an EPC element.
	p.Holder, p.Message, p.BIC = "A*B", "Zoë x*y\nz", ""
	p.DueOn = time.Time{}
	p.AmountCents = 123456
	if got, want := p.SPAYD(), "SPD*1.0*ACC:CZ6508000000192000145399*AM:1234.56*CC:EUR*X-VS:20270001*RN:A%2AB*MSG:Zoë x%2Ay z"; got != want {
		t.Errorf("SPAYD escaped\n got %s\nwant %s", got, want)
	}
	if epc, _ := p.EPC(); epc != "BCD\n002\n1\nSCT\n\nA*B\nCZ6508000000192000145399\nEUR1234.56\n\n\nZoë x*y z" {
		t.Errorf("EPC without BIC %q", epc)
	}
	p.Message = "0123456789012345678901234567890123456789012345678901234567890123456789"
	if got := p.SPAYD(); !strings.HasSuffix(got, "*MSG:012345678901234567890123456789012345678901234567890123456789") {
		t.Errorf("SPAYD's message is not cut to 60 characters: %s", got)
	}
	p.Holder, p.Message = strings.Repeat("Ž", 80), strings.Repeat("ř", 150)
	if epc, _ := p.EPC(); len(epc) > 331 || !strings.Contains(epc, "\n\n\nř") || strings.Count(epc, "Ž") != 70 {
		t.Errorf("EPC of %d bytes, want at most 331 with the text shortened: %q", len(epc), epc)
	}
	p.Currency = "CZK"
	if _, ok := p.EPC(); ok {
		t.Error("an EPC code for a payment in CZK: SEPA credit transfers are in euro")
	}
}

func TestPaymentAccountProblems(t *testing.T) {
	good := paidEdition().Payment
	for name, c := range map[string]struct {
		change func(*PaymentAccount)
		want   []Problem
	}{
		"a good account": {func(*PaymentAccount) {}, nil},
		"none":           {func(p *PaymentAccount) { *p = PaymentAccount{} }, nil},
		"no BIC":         {func(p *PaymentAccount) { p.BIC = "" }, nil},
		"a bad IBAN":     {func(p *PaymentAccount) { p.IBAN = "CZ6508000000192000145398" }, []Problem{{"payment_iban", "edition_error_iban"}}},
		"a bad BIC":      {func(p *PaymentAccount) { p.BIC = "GIBA CZ" }, []Problem{{"payment_bic", "edition_error_bic"}}},
		"no holder":      {func(p *PaymentAccount) { p.Holder = "" }, []Problem{{"payment_holder", "edition_error_payment_holder"}}},
		"no IBAN":        {func(p *PaymentAccount) { p.IBAN = "" }, []Problem{{"payment_iban", "edition_error_payment_no_iban"}}},
	} {
		p := good
		c.change(&p)
		if got := p.problems(); fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("%s: %v, want %v", name, got, c.want)
		}
	}
}

// A holder's name in letters of four bytes each, as long as the editor allows (70 characters),
// takes the EPC code's fixed part past its 331 bytes: the code is left out, not the page broken.
func TestEPCOfAHolderTooLongInBytes(t *testing.T) {
	p, _ := paidEdition().PaymentFor(Application{Reference: "SMS-2027-0001", Status: StatusConfirmed,
		GivenName: "Petra", FamilyName: "Nováková"})
	p.Holder = strings.Repeat("𝐈", 70)
	epc, ok := p.EPC()
	if ok || epc != "" {
		t.Errorf("EPC of %d bytes for a holder of 280 bytes: %q", len(epc), epc)
	}
	if spayd := p.SPAYD(); !strings.Contains(spayd, "*RN:𝐈") {
		t.Errorf("SPAYD without the holder: %s", spayd)
	}
}
