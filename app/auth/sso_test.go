package auth

import "testing"

// A sign-in at the provider counts as the second factor only when the provider says it asked
// for more than a password.
func TestMultiFactorIsWhatTheProviderSaysOfMoreThanAPassword(t *testing.T) {
	for _, c := range []struct {
		amr  []string
		acr  string
		want bool
	}{
		{nil, "", false},
		{[]string{"pwd"}, "", false},
		{[]string{"pwd", "mfa"}, "", true},
		{[]string{"pwd", "otp"}, "", true},
		{[]string{"hwk"}, "", true},
		{[]string{"pwd"}, "1", false},
		{nil, "http://schemas.openid.net/pape/policies/2007/06/multi-factor", true},
	} {
		if got := MultiFactor(c.amr, c.acr); got != c.want {
			t.Errorf("amr %v, acr %q: %v, want %v", c.amr, c.acr, got, c.want)
		}
	}
}

// Microsoft Entra sends no email_verified for a school's own accounts; its xms_edov (the tenant
// owns the address's domain) stands in, and only when email_verified is absent.
func TestAnAddressIsVerifiedByEmailVerifiedOrElseByTheDomainsOwner(t *testing.T) {
	yes, no := true, false
	for _, c := range []struct {
		emailVerified, domainOwner *bool
		want                       bool
	}{
		{nil, nil, false}, {&yes, nil, true}, {&no, nil, false},
		{nil, &yes, true}, {nil, &no, false}, {&no, &yes, false},
	} {
		if got := verified(c.emailVerified, c.domainOwner); got != c.want {
			t.Errorf("email_verified %v, xms_edov %v: %v", c.emailVerified, c.domainOwner, got)
		}
	}
}
