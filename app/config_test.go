package app

import (
	"strings"
	"testing"
)

// The school's contact becomes a mailto: link on every page: an address written with a name, or
// with what such a link reads as its own parts, stops the server at its start, saying why.
func TestConfigTakesOnlyABareContactAddress(t *testing.T) {
	for contact, ok := range map[string]bool{"office@school.test": true, "": true,
		"School office <office@school.test>": false, "office@school.test?bcc=x%40evil.test": false} {
		t.Setenv("REGISTRAR_CONTACT", contact)
		cfg, err := ConfigFromEnv()
		if ok && err != nil {
			t.Errorf("%q: %v", contact, err)
		}
		if !ok && (err == nil || !strings.Contains(err.Error(), "REGISTRAR_CONTACT")) {
			t.Errorf("%q taken as the contact %q (%v)", contact, cfg.Contact, err)
		}
	}
}
