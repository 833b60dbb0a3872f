package app

import (
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"

	"registrar/app/auth"
)

// ssoFromEnv reads the single sign-on settings: REGISTRAR_OIDC_ISSUER turns it on, and then
// REGISTRAR_OIDC_CLIENT_ID and the client secret, from REGISTRAR_OIDC_CLIENT_SECRET or (better,
// as it stays out of the process's environment) the file REGISTRAR_OIDC_CLIENT_SECRET_FILE, are
// needed; REGISTRAR_OIDC_NAME names the provider on the sign-in button.
func ssoFromEnv() (auth.SSOSettings, error) {
	s := auth.SSOSettings{
		Issuer:       strings.TrimSpace(os.Getenv("REGISTRAR_OIDC_ISSUER")),
		ClientID:     strings.TrimSpace(os.Getenv("REGISTRAR_OIDC_CLIENT_ID")),
		ClientSecret: auth.Secret(os.Getenv("REGISTRAR_OIDC_CLIENT_SECRET")),
		Name:         strings.TrimSpace(os.Getenv("REGISTRAR_OIDC_NAME")),
	}
	if file := os.Getenv("REGISTRAR_OIDC_CLIENT_SECRET_FILE"); file != "" {
		if s.ClientSecret != "" {
			return s, fmt.Errorf("config: set REGISTRAR_OIDC_CLIENT_SECRET or REGISTRAR_OIDC_CLIENT_SECRET_FILE, not both")
		}
		data, err := os.ReadFile(file)
		if err != nil {
			return s, fmt.Errorf("config: REGISTRAR_OIDC_CLIENT_SECRET_FILE: %w", err)
		}
		s.ClientSecret = auth.Secret(strings.TrimSpace(string(data)))
	}
	if !s.On() {
		return s, nil
	}
	u, err := url.Parse(s.Issuer)
	if err != nil || u.Host == "" || u.Scheme != "https" && !(u.Scheme == "http" && loopback(u.Hostname())) {
		return s, fmt.Errorf("config: REGISTRAR_OIDC_ISSUER must be the provider's https address, such as https://login.microsoftonline.com/TENANT/v2.0, not %q", s.Issuer)
	}
	if s.ClientID == "" || s.ClientSecret == "" {
		return s, fmt.Errorf("config: with REGISTRAR_OIDC_ISSUER set, REGISTRAR_OIDC_CLIENT_ID and a client secret (REGISTRAR_OIDC_CLIENT_SECRET_FILE) are needed too")
	}
	return s, nil
}

// loopback tells whether host is this machine, where a provider may answer over plain http.
func loopback(host string) bool {
	ip := net.ParseIP(host)
	return host == "localhost" || ip != nil && ip.IsLoopback()
}
