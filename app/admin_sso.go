package app

import (
	"errors"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"

	"registrar/app/auth"
	"registrar/db"
)

// Single sign-on with the school's accounts (auth.SingleSignOn). The provider vouches for an
// address; the staff account with that address, made by an admin beforehand, is signed in. No
// account is ever made here.
//
// The second factor: a sign-in through the provider replaces the password only. It counts as the
// second factor too when the provider says it asked for more than a password (auth.MultiFactor);
// otherwise a staff member with an authenticator app types its code, as after a password, and one
// who must have a second factor and has none sets it up first (requireUser).

// The attempt under way, kept in the browser's session between leaving for the provider and
// coming back, under keys requireUser does not read.
const (
	sessionSSOState    = "sso_state"
	sessionSSONonce    = "sso_nonce"
	sessionSSOVerifier = "sso_verifier"
	sessionSSOAt       = "sso_at"
	sessionSSONext     = "sso_next"
	// ssoLifetime is how long the provider may take to send the browser back.
	ssoLifetime = 10 * time.Minute
)

// startSSO sends the browser to the school's provider, remembering the attempt in its session.
func (s *Server) startSSO(c *fiber.Ctx) error {
	if s.sso == nil {
		return fiber.ErrNotFound
	}
	target, a, err := s.sso.Start(c.UserContext())
	if err != nil {
		s.log.Warn("single sign-on: the provider cannot be reached", slog.Any("error", err))
		return s.refuseSSO(c, fiber.StatusBadGateway, "login_sso_unreachable")
	}
	sess, err := s.sessions.Get(c)
	if err != nil {
		return err
	}
	sess.Set(sessionSSOState, a.State)
	sess.Set(sessionSSONonce, a.Nonce)
	sess.Set(sessionSSOVerifier, a.Verifier)
	sess.Set(sessionSSOAt, s.now().Unix())
	sess.Set(sessionSSONext, safeNext(c.Query("next")))
	if err := sess.Save(); err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Redirect(target, fiber.StatusSeeOther)
}

// finishSSO takes the browser back from the provider and signs in the staff account of the
// address the provider vouches for.
func (s *Server) finishSSO(c *fiber.Ctx) error {
	if s.sso == nil {
		return fiber.ErrNotFound
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	a, next, err := s.takeSSOAttempt(c)
	if err != nil {
		return err
	}
	if c.Query("error") != "" {
		// The person cancelled, or the provider refused them; its words are not ours to show.
		s.log.Info("single sign-on: the provider refused", slog.String("error", c.Query("error")))
		return s.refuseSSO(c, fiber.StatusUnauthorized, "login_sso_cancelled")
	}
	id, err := s.sso.Finish(c.UserContext(), a, c.Query("state"), c.Query("code"))
	if errors.Is(err, auth.ErrSSOState) {
		return s.refuseSSO(c, fiber.StatusBadRequest, "login_sso_stale")
	}
	if err != nil {
		s.log.Warn("single sign-on: the sign-in could not be confirmed", slog.Any("error", err))
		return s.refuseSSO(c, fiber.StatusUnauthorized, "login_sso_failed")
	}
	if !id.EmailVerified || id.Email == "" {
		s.log.Info("single sign-on: address not verified", slog.String("email", id.Email))
		return s.refuseSSO(c, fiber.StatusForbidden, "login_sso_unverified")
	}
	ctx := c.UserContext()
	u, _, err := s.store.UserByEmail(ctx, id.Email)
	if errors.Is(err, db.ErrNotFound) {
		s.log.Info("single sign-on: no staff account", slog.String("email", id.Email))
		return s.refuseSSO(c, fiber.StatusForbidden, "login_sso_unknown", "Email", id.Email)
	}
	if err != nil {
		return err
	}
	askCode := u.SecondFactor && !id.MultiFactor
	if err := s.store.RecordSSOSignIn(ctx, u, askCode, userActor(u), s.now()); err != nil {
		return err
	}
	if askCode {
		return s.askSecondFactor(c, u, next, true)
	}
	return s.signIn(c, u, next)
}

// takeSSOAttempt is the attempt this browser started, removed from its session so that the
// answer to it is taken once; an empty attempt when there is none or it lapsed.
func (s *Server) takeSSOAttempt(c *fiber.Ctx) (auth.SSOAttempt, string, error) {
	sess, err := s.sessions.Get(c)
	if err != nil {
		return auth.SSOAttempt{}, "", err
	}
	var a auth.SSOAttempt
	a.State, _ = sess.Get(sessionSSOState).(string)
	a.Nonce, _ = sess.Get(sessionSSONonce).(string)
	a.Verifier, _ = sess.Get(sessionSSOVerifier).(string)
	at, _ := sess.Get(sessionSSOAt).(int64)
	next, _ := sess.Get(sessionSSONext).(string)
	if a.State == "" {
		return auth.SSOAttempt{}, "", nil
	}
	for _, k := range []string{sessionSSOState, sessionSSONonce, sessionSSOVerifier, sessionSSOAt, sessionSSONext} {
		sess.Delete(k)
	}
	if err := sess.Save(); err != nil {
		return auth.SSOAttempt{}, "", err
	}
	if s.now().Sub(time.Unix(at, 0)) > ssoLifetime {
		return auth.SSOAttempt{}, "", nil
	}
	return a, next, nil
}

// refuseSSO shows the login page with why the school's account did not sign the person in.
func (s *Server) refuseSSO(c *fiber.Ctx, status int, message string, args ...any) error {
	L := s.i18n.Translator(langOf(c))
	p := s.newPage(c, L.T("login_title"), "admin", loginPage{CSRF: csrfToken(c), Error: L.T(message, args...),
		SSO: s.ssoButton(c)})
	// The address the provider sent back is used up: the language switch goes to the login page.
	p.SwitchLang = "/admin/login?lang=" + p.L.T("other_lang_code")
	return s.renderStatus(c, status, "admin/login", p)
}

// ssoButton is the label of the button that signs in with the school's account; empty when
// single sign-on is off.
func (s *Server) ssoButton(c *fiber.Ctx) string {
	if s.sso == nil {
		return ""
	}
	L := s.i18n.Translator(langOf(c))
	if name := s.cfg.SSO.Name; name != "" {
		return L.T("login_sso_with", "Name", name)
	}
	return L.T("login_sso_school")
}
