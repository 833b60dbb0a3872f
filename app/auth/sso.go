package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// Single sign-on: staff may sign in with the school's accounts (Microsoft, Google) through
// OpenID Connect, next to their passwords. The identity provider only vouches for an address;
// which account that is, and whether it may sign in, the caller decides.

// Secret is a value that must not be written anywhere: printed or logged, it shows as hidden.
type Secret string

const hidden = "[hidden]"

func (s Secret) String() string               { return hidden }
func (s Secret) GoString() string             { return hidden }
func (s Secret) LogValue() slog.Value         { return slog.StringValue(hidden) }
func (s Secret) MarshalText() ([]byte, error) { return []byte(hidden), nil }

// Reveal is the value itself, for the one request that sends it.
func (s Secret) Reveal() string { return string(s) }

// SSOSettings say which identity provider signs staff in; single sign-on is off without an Issuer.
type SSOSettings struct {
	Issuer       string // the provider's issuer URL, where its discovery document is
	ClientID     string
	ClientSecret Secret
	// Name is the provider as the sign-in button names it ("Microsoft"); empty says "the school's account".
	Name string
}

// On tells whether single sign-on is set up.
func (s SSOSettings) On() bool { return s.Issuer != "" }

// SingleSignOn signs staff in with the identity provider of SSOSettings.
type SingleSignOn struct {
	settings    SSOSettings
	redirectURL string
	now         func() time.Time
	client      *http.Client

	mu       sync.Mutex
	provider *oidc.Provider // discovered at the first sign-in, so a provider down does not stop the server
}

// NewSingleSignOn is single sign-on with the provider of settings, which sends browsers back to
// redirectURL; now tells the time the ID token's expiry is checked against.
func NewSingleSignOn(settings SSOSettings, redirectURL string, now func() time.Time) *SingleSignOn {
	return &SingleSignOn{settings: settings, redirectURL: redirectURL, now: now,
		client: &http.Client{Timeout: 10 * time.Second}}
}

// SSOAttempt is what a sign-in started and must find again when the browser comes back: the
// state binds the answer to this browser, the nonce the ID token to this attempt, and the PKCE
// verifier the code to whoever started it.
type SSOAttempt struct {
	State, Nonce, Verifier string
}

// Identity is whom the provider says signed in.
type Identity struct {
	Email string
	// EmailVerified: the provider checked that the person owns the address.
	EmailVerified bool
	// MultiFactor: the provider says the person signed in with more than a password.
	MultiFactor bool
}

// ErrSSOState is an answer that belongs to no sign-in this browser started: the state differs,
// or the attempt was used or lapsed.
var ErrSSOState = errors.New("auth: the sign-in answer belongs to no attempt of this browser")

func (s *SingleSignOn) discover(ctx context.Context) (*oidc.Provider, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.provider != nil {
		return s.provider, nil
	}
	p, err := oidc.NewProvider(oidc.ClientContext(ctx, s.client), s.settings.Issuer)
	if err != nil {
		return nil, fmt.Errorf("auth: discover %s: %w", s.settings.Issuer, err)
	}
	s.provider = p
	return p, nil
}

func (s *SingleSignOn) oauth(p *oidc.Provider) *oauth2.Config {
	return &oauth2.Config{ClientID: s.settings.ClientID, ClientSecret: s.settings.ClientSecret.Reveal(),
		Endpoint: p.Endpoint(), RedirectURL: s.redirectURL,
		Scopes: []string{oidc.ScopeOpenID, "email", "profile"}}
}

// Start begins a sign-in: where to send the browser, and the attempt to keep until it is back.
func (s *SingleSignOn) Start(ctx context.Context) (string, SSOAttempt, error) {
	p, err := s.discover(ctx)
	if err != nil {
		return "", SSOAttempt{}, err
	}
	a := SSOAttempt{State: randomToken(), Nonce: randomToken(), Verifier: oauth2.GenerateVerifier()}
	url := s.oauth(p).AuthCodeURL(a.State, oidc.Nonce(a.Nonce), oauth2.S256ChallengeOption(a.Verifier))
	return url, a, nil
}

// Finish completes attempt a with the state and code the browser brought back: it trades the
// code for an ID token and checks the token's signature, issuer, audience, expiry and nonce.
func (s *SingleSignOn) Finish(ctx context.Context, a SSOAttempt, state, code string) (Identity, error) {
	if a.State == "" || subtle.ConstantTimeCompare([]byte(a.State), []byte(state)) != 1 {
		return Identity{}, ErrSSOState
	}
	p, err := s.discover(ctx)
	if err != nil {
		return Identity{}, err
	}
	ctx = oidc.ClientContext(ctx, s.client)
	token, err := s.oauth(p).Exchange(ctx, code, oauth2.VerifierOption(a.Verifier))
	if re := (*oauth2.RetrieveError)(nil); errors.As(err, &re) {
		// Only the error's code: a provider's description may repeat what it was sent,
		// the client secret too.
		return Identity{}, fmt.Errorf("auth: code exchange: the provider answered %s (%s)", re.ErrorCode, re.Response.Status)
	}
	if err != nil {
		return Identity{}, fmt.Errorf("auth: code exchange: %w", err)
	}
	raw, ok := token.Extra("id_token").(string)
	if !ok {
		return Identity{}, errors.New("auth: the provider sent no ID token")
	}
	idToken, err := p.Verifier(&oidc.Config{ClientID: s.settings.ClientID, Now: s.now}).Verify(ctx, raw)
	if err != nil {
		return Identity{}, fmt.Errorf("auth: ID token: %w", err)
	}
	if subtle.ConstantTimeCompare([]byte(idToken.Nonce), []byte(a.Nonce)) != 1 {
		return Identity{}, errors.New("auth: the ID token's nonce is not this attempt's")
	}
	var claims struct {
		Email         string   `json:"email"`
		EmailVerified *bool    `json:"email_verified"`
		DomainOwner   *bool    `json:"xms_edov"`
		AMR           []string `json:"amr"`
		ACR           string   `json:"acr"`
	}
	if err := idToken.Claims(&claims); err != nil {
		return Identity{}, fmt.Errorf("auth: ID token claims: %w", err)
	}
	return Identity{Email: claims.Email, EmailVerified: verified(claims.EmailVerified, claims.DomainOwner),
		MultiFactor: MultiFactor(claims.AMR, claims.ACR)}, nil
}

// verified reads email_verified; Microsoft Entra sends none for a school's own accounts, only
// xms_edov (the school's tenant owns the address's domain) when the app registration asks for it.
func verified(emailVerified, domainOwner *bool) bool {
	if emailVerified != nil {
		return *emailVerified
	}
	return domainOwner != nil && *domainOwner
}

// multiFactorMethods are the authentication methods (RFC 8176) that are more than a password:
// "mfa" itself, a one-time code, a hardware key.
var multiFactorMethods = []string{"mfa", "otp", "hwk"}

// multiFactorPolicies are the acr values that say a sign-in used several factors.
var multiFactorPolicies = []string{
	"http://schemas.openid.net/pape/policies/2007/06/multi-factor",
	"http://schemas.openid.net/pape/policies/2007/06/multi-factor-physical",
}

// MultiFactor tells whether the provider says the person signed in with more than a password,
// so that the sign-in counts as staff's second factor.
func MultiFactor(amr []string, acr string) bool {
	for _, m := range amr {
		if slices.Contains(multiFactorMethods, m) {
			return true
		}
	}
	return slices.Contains(multiFactorPolicies, acr)
}

// randomToken is 256 random bits, URL-safe.
func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b)
}
