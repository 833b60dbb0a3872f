package app

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Single sign-on is off until its issuer is set; then it needs a client and its secret, read
// from a file (systemd's credentials) or the environment, and printing the settings hides it.
func TestConfigReadsSingleSignOnWithItsSecretFromAFile(t *testing.T) {
	cfg, err := ConfigFromEnv()
	if err != nil || cfg.SSO.On() {
		t.Fatalf("without REGISTRAR_OIDC_ISSUER: %+v, %v", cfg.SSO, err)
	}

	file := filepath.Join(t.TempDir(), "client-secret")
	if err := os.WriteFile(file, []byte("s3cret-from-a-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("REGISTRAR_OIDC_ISSUER", "https://login.microsoftonline.com/school-tenant/v2.0")
	t.Setenv("REGISTRAR_OIDC_CLIENT_ID", "registrar")
	t.Setenv("REGISTRAR_OIDC_CLIENT_SECRET_FILE", file)
	t.Setenv("REGISTRAR_OIDC_NAME", "Microsoft")
	cfg, err = ConfigFromEnv()
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.SSO.On() || cfg.SSO.ClientSecret.Reveal() != "s3cret-from-a-file" || cfg.SSO.Name != "Microsoft" {
		t.Errorf("read %+v", cfg.SSO)
	}
	if printed := fmt.Sprintf("%v %+v %#v %s", cfg, cfg, cfg, cfg.SSO.ClientSecret); strings.Contains(printed, "s3cret") {
		t.Errorf("the settings print the secret: %s", printed)
	}

	for name, change := range map[string][2]string{
		"both secrets":   {"REGISTRAR_OIDC_CLIENT_SECRET", "another"},
		"no client":      {"REGISTRAR_OIDC_CLIENT_ID", ""},
		"plain http":     {"REGISTRAR_OIDC_ISSUER", "http://login.school.test/"},
		"not an address": {"REGISTRAR_OIDC_ISSUER", "login.school.test"},
		"no secret file": {"REGISTRAR_OIDC_CLIENT_SECRET_FILE", filepath.Join(t.TempDir(), "missing")},
	} {
		t.Run(name, func(t *testing.T) {
			t.Setenv(change[0], change[1])
			if _, err := ConfigFromEnv(); err == nil || !strings.Contains(err.Error(), "REGISTRAR_OIDC_") {
				t.Errorf("taken, or refused without naming the setting: %v", err)
			}
		})
	}
	t.Run("a provider on this machine", func(t *testing.T) {
		t.Setenv("REGISTRAR_OIDC_ISSUER", "http://127.0.0.1:5556/dex")
		if _, err := ConfigFromEnv(); err != nil {
			t.Error(err)
		}
	})
}
