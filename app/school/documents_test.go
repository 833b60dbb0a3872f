package school

import (
	"strings"
	"testing"
)

func TestVerificationCodesAreTwelveCrockfordCharacters(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		code, err := NewVerificationCode()
		if err != nil {
			t.Fatal(err)
		}
		if len(code) != 12 || strings.Trim(code, codeAlphabet) != "" {
			t.Fatalf("code %q", code)
		}
		if seen[code] {
			t.Fatalf("code %q drawn twice", code)
		}
		seen[code] = true
		if got, ok := ParseCode(FormatCode(code)); !ok || got != code {
			t.Fatalf("%q shown as %q reads back as %q, %v", code, FormatCode(code), got, ok)
		}
	}
}

func TestParseCodeReadsWhatPeopleType(t *testing.T) {
	tests := []struct {
		typed string
		want  string
		ok    bool
	}{
		{"7K3M-Q9XD-2HTW", "7K3MQ9XD2HTW", true},
		{"7k3mq9xd2htw", "7K3MQ9XD2HTW", true},
		{" 7K3M Q9XD 2HTW ", "7K3MQ9XD2HTW", true},
		{"7K3M-Q9XD-2HTO", "7K3MQ9XD2HT0", true},
		{"IL3M-Q9XD-2HTW", "113MQ9XD2HTW", true},
		{"7K3M-Q9XD-2HT", "", false},
		{"7K3M-Q9XD-2HTWW", "", false},
		{"7K3M-Q9XD-2HTU", "", false},
		{"7K3M-Q9XD-2HT%", "", false},
		{"7K3M-Q9XD-2HTŽ", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := ParseCode(tt.typed)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseCode(%q) = %q, %v; want %q, %v", tt.typed, got, ok, tt.want, tt.ok)
		}
	}
	if FormatCode("7K3MQ9XD2HTW") != "7K3M-Q9XD-2HTW" {
		t.Errorf("FormatCode gives %q", FormatCode("7K3MQ9XD2HTW"))
	}
}

func TestWhoMayHaveWhichDocument(t *testing.T) {
	tests := []struct {
		status      Status
		asked       bool
		byApplicant bool
		letter      bool
		certificate bool
	}{
		{StatusSubmitted, true, false, false, false},
		{StatusWaitlisted, true, false, false, false},
		{StatusAccepted, true, false, true, false},
		{StatusAccepted, true, true, false, false},
		{StatusConfirmed, true, true, true, false},
		{StatusConfirmed, false, true, false, false},
		{StatusConfirmed, false, false, false, false},
		{StatusAttended, true, false, true, true},
		{StatusAttended, false, true, false, true},
		{StatusNoShow, true, false, false, false},
		{StatusWithdrawn, true, false, false, false},
	}
	for _, tt := range tests {
		a := Application{Status: tt.status, VisaLetter: tt.asked}
		if got := VisaLetterAllowed(a, tt.byApplicant); got != tt.letter {
			t.Errorf("%s, asked %v, by applicant %v: letter %v, want %v", tt.status, tt.asked, tt.byApplicant, got, tt.letter)
		}
		if got := CertificateAllowed(a); got != tt.certificate {
			t.Errorf("%s: certificate %v, want %v", tt.status, got, tt.certificate)
		}
	}
}

func TestNameOnPassportFallsBackToTheName(t *testing.T) {
	a := Application{GivenName: "Žaneta", FamilyName: "Dvořáková"}
	if a.NameOnPassport() != "Žaneta Dvořáková" {
		t.Errorf("got %q", a.NameOnPassport())
	}
	a.PassportName = " DVORAKOVA Zaneta "
	if a.NameOnPassport() != "DVORAKOVA Zaneta" {
		t.Errorf("got %q", a.NameOnPassport())
	}
}

func TestAVisaLetterIsWithdrawnWithThePlace(t *testing.T) {
	for _, st := range Statuses {
		want := st == StatusDeclined || st == StatusExpired || st == StatusWithdrawn
		if got := RevokesVisaLetter(st); got != want {
			t.Errorf("RevokesVisaLetter(%s) = %v", st, got)
		}
	}
}
