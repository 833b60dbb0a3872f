package app

import (
	"context"
	"strings"
	"testing"
	"time"

	"registrar/app/school"
	"registrar/app/testkit"
	"registrar/db"
)

// A Czech certificate gives the school's address in Czech: the default one in its Czech form,
// an operator's in the Czech form they configure, and their only address when they give one.
func TestACzechCertificateGivesTheSchoolsAddressInCzech(t *testing.T) {
	t.Parallel()
	const operatorEN, operatorCS = "Summer School, Letná 12, 170 00 Praha 7, Czech Republic",
		"Letní škola, Letná 12, 170 00 Praha 7, Česká republika"
	for _, c := range []struct {
		name    string
		set     func(*Config)
		cs, en  string
		notInCS string
		slug    string
	}{
		{"default", func(*Config) {}, "110 00 Praha 1, Česká republika", "110 00 Praha 1, Czech Republic",
			"Czech Republic", "address-default-2027"},
		{"both configured", func(c *Config) { c.SchoolAddress, c.SchoolAddressCS = operatorEN, operatorCS },
			operatorCS, operatorEN, "Czech Republic", "address-both-2027"},
		{"one configured", func(c *Config) { c.SchoolAddress = operatorEN }, operatorEN, operatorEN,
			"Mezibranská", "address-one-2027"},
	} {
		ts := newTestServerWith(t, func() time.Time { return demoNow }, func(cfg *Config) {
			cfg.ApplyLimit = 10000
			c.set(cfg)
		})
		e := documentEdition(t, ts, c.slug)
		applicant := ts.visitor()
		for _, w := range []struct{ lang, want string }{{"cs", c.cs}, {"en", c.en}} {
			p := createParticipant(t, ts, e, "Žaneta", "Dvořáková", w.lang, "CZ", false, "")
			for _, st := range []school.Status{school.StatusAccepted, school.StatusConfirmed, school.StatusAttended} {
				setStatus(t, ts, e, p.app.ID, st)
			}
			a, err := ts.store.Application(context.Background(), p.app.ID)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := ts.store.IssueDocument(context.Background(), a, school.DocumentCertificate, db.ActorSystem, ts.now()); err != nil {
				t.Fatal(err)
			}
			text := strings.Join(strings.Fields(pdfText(t, applicant, p.status()+"/certificate.pdf")), " ")
			testkit.WantText(t, c.name+", "+w.lang+" certificate", text, w.want)
			if w.lang == "cs" && strings.Contains(text, c.notInCS) {
				t.Errorf("%s: the Czech certificate says %q", c.name, c.notInCS)
			}
		}
	}
}

// REGISTRAR_SCHOOL_ADDRESS_CS gives the Czech form of REGISTRAR_SCHOOL_ADDRESS; without it,
// Czech documents print the one address given, not the default's Czech form.
func TestConfigReadsTheSchoolsCzechAddress(t *testing.T) {
	t.Setenv("REGISTRAR_SCHOOL_ADDRESS", "")
	t.Setenv("REGISTRAR_SCHOOL_ADDRESS_CS", "")
	cfg, err := ConfigFromEnv()
	if err != nil || cfg.SchoolAddressIn("cs") != DefaultSchoolAddressCS || cfg.SchoolAddressIn("en") != DefaultSchoolAddress {
		t.Errorf("default: %q, %q (%v)", cfg.SchoolAddressIn("cs"), cfg.SchoolAddressIn("en"), err)
	}
	t.Setenv("REGISTRAR_SCHOOL_ADDRESS", "School, Letná 12, Praha")
	if cfg, _ = ConfigFromEnv(); cfg.SchoolAddressIn("cs") != "School, Letná 12, Praha" {
		t.Errorf("one address: Czech %q", cfg.SchoolAddressIn("cs"))
	}
	t.Setenv("REGISTRAR_SCHOOL_ADDRESS_CS", "Škola, Letná 12, Praha")
	if cfg, _ = ConfigFromEnv(); cfg.SchoolAddressIn("cs") != "Škola, Letná 12, Praha" || cfg.SchoolAddressIn("en") != "School, Letná 12, Praha" {
		t.Errorf("both: %q, %q", cfg.SchoolAddressIn("cs"), cfg.SchoolAddressIn("en"))
	}
}
