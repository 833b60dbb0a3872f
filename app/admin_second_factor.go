package app

import (
	"errors"
	"html/template"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"registrar/app/auth"
	"registrar/app/school"
	"registrar/db"
)

// Second factor: after the password, a user who has set up an authenticator app types its
// code (or a recovery code). Between the two steps the session holds only who is signing in,
// under keys requireUser does not read, so it opens nothing.
const (
	sessionPendingKey   = "pending_user_id"
	sessionPendingAtKey = "pending_at"
	sessionPendingNext  = "pending_next"
	// sessionPendingSSO: the school's account, not a password, came first (admin_sso.go).
	sessionPendingSSO = "pending_sso"
	// pendingLifetime is how long the code may be typed after the password.
	pendingLifetime = 10 * time.Minute
	// totpIssuer names the site in the authenticator app.
	totpIssuer = "Registrar"
)

// askSecondFactor remembers that u typed the right password, or signed in with the school's
// account (viaSSO), and asks for the code.
func (s *Server) askSecondFactor(c *fiber.Ctx, u school.User, next string, viaSSO bool) error {
	sess, err := s.sessions.Get(c)
	if err != nil {
		return err
	}
	if err := sess.Reset(); err != nil {
		return err
	}
	sess.Set(sessionPendingKey, u.ID)
	sess.Set(sessionPendingAtKey, s.now().Unix())
	sess.Set(sessionPendingNext, next)
	sess.Set(sessionPendingSSO, viaSSO)
	if err := sess.Save(); err != nil {
		return err
	}
	return c.Redirect("/admin/login/code", fiber.StatusSeeOther)
}

// pendingUser is the id of the user who typed their password in this session and has the
// code still to type; 0 when none, or when it is too late.
func (s *Server) pendingUser(c *fiber.Ctx) (int64, string, error) {
	sess, err := s.sessions.Get(c)
	if err != nil {
		return 0, "", err
	}
	id, _ := sess.Get(sessionPendingKey).(int64)
	at, _ := sess.Get(sessionPendingAtKey).(int64)
	next, _ := sess.Get(sessionPendingNext).(string)
	if id == 0 || s.now().Sub(time.Unix(at, 0)) > pendingLifetime {
		return 0, "", nil
	}
	return id, next, nil
}

// pendingAccount is the account a second-step form is for, for the login limits.
func (s *Server) pendingAccount(c *fiber.Ctx) string {
	id, _, _ := s.pendingUser(c)
	return "user:" + strconv.FormatInt(id, 10)
}

type secondStepPage struct {
	CSRF  string
	Error string
	// ViaSSO: the school's account came first, not a password.
	ViaSSO bool
}

// pendingViaSSO tells whether the sign-in waiting for its code began with the school's account.
func (s *Server) pendingViaSSO(c *fiber.Ctx) bool {
	sess, err := s.sessions.Get(c)
	if err != nil {
		return false
	}
	via, _ := sess.Get(sessionPendingSSO).(bool)
	return via
}

func (s *Server) showSecondStep(c *fiber.Ctx) error {
	id, _, err := s.pendingUser(c)
	if err != nil {
		return err
	}
	if id == 0 {
		return c.Redirect("/admin/login", fiber.StatusSeeOther)
	}
	L := s.i18n.Translator(langOf(c))
	return s.renderPage(c, "admin/login_code", s.newPage(c, L.T("login_code_title"), "admin",
		secondStepPage{CSRF: csrfToken(c), ViaSSO: s.pendingViaSSO(c)}))
}

// secondStep checks the code from the authenticator app, or a recovery code, and signs in.
func (s *Server) secondStep(c *fiber.Ctx) error {
	id, next, err := s.pendingUser(c)
	if err != nil {
		return err
	}
	if id == 0 {
		return c.Redirect("/admin/login", fiber.StatusSeeOther)
	}
	ctx := c.UserContext()
	u, err := s.store.User(ctx, id)
	if errors.Is(err, db.ErrNotFound) {
		return c.Redirect("/admin/login", fiber.StatusSeeOther)
	}
	if err != nil {
		return err
	}
	ok, recovered, err := s.checkSecondFactor(c, u, c.FormValue("code"))
	if err != nil {
		return err
	}
	if !ok {
		L := s.i18n.Translator(langOf(c))
		return s.renderStatus(c, fiber.StatusUnauthorized, "admin/login_code", s.newPage(c, L.T("login_code_title"), "admin",
			secondStepPage{CSRF: csrfToken(c), Error: L.T("login_code_failed"), ViaSSO: s.pendingViaSSO(c)}))
	}
	if recovered {
		// Whoever needs a recovery code has likely lost their phone: the account page says how
		// many codes are left and how to get new ones.
		next = "/admin/account?recovered=1"
	}
	return s.signIn(c, u, next)
}

// checkSecondFactor reports whether code is the user's current authenticator code, not used
// before, or one of their unused recovery codes (recovered), which it spends.
func (s *Server) checkSecondFactor(c *fiber.Ctx, u school.User, code string) (ok, recovered bool, err error) {
	ctx := c.UserContext()
	code = strings.Join(strings.Fields(code), "")
	f, err := s.store.SecondFactor(ctx, u.ID)
	if errors.Is(err, db.ErrNotFound) || (err == nil && !f.Confirmed) {
		return false, false, nil
	}
	if err != nil {
		return false, false, err
	}
	if len(code) == 6 {
		secret, err := s.secrets.Open(u.ID, f.Secret)
		if err != nil {
			// secret.key was replaced: only recovery codes still work, until an admin resets it.
			s.log.Warn("second factor unreadable", slog.Int64("user", u.ID), slog.Any("error", err))
			return false, false, nil
		}
		step, match := auth.CheckTOTP(secret, code, s.now())
		if !match {
			return false, false, nil
		}
		ok, err := s.store.UseTOTPStep(ctx, u.ID, step)
		return ok, false, err
	}
	ok, err = s.store.UseRecoveryCode(ctx, u.ID, auth.HashRecoveryCode(u.ID, code), s.now())
	return ok, ok, err
}

// accountPage is the signed-in user's own account: their second factor.
type accountPage struct {
	User      school.User
	Required  bool
	CodesLeft int
	Recovered bool
	// Setup is the second factor being set up, not yet confirmed with a code.
	Setup *secondFactorSetup
	// RecoveryCodes are shown once, right after they are made.
	RecoveryCodes []string
	Error         string
}

type secondFactorSetup struct {
	Secret string
	QRCode template.URL // a PNG data: URI, which the Content-Security-Policy allows for images
}

func (s *Server) showAccount(c *fiber.Ctx) error {
	p, err := s.account(c)
	if err != nil {
		return err
	}
	p.Recovered = c.Query("recovered") == "1"
	return s.renderAccount(c, fiber.StatusOK, p)
}

// account is what the account page shows the signed-in user now.
func (s *Server) account(c *fiber.Ctx) (accountPage, error) {
	ctx := c.UserContext()
	u := currentUser(c)
	forAll, err := s.store.SecondFactorForAll(ctx)
	if err != nil {
		return accountPage{}, err
	}
	p := accountPage{User: u, Required: u.SecondFactorRequired(forAll)}
	if u.SecondFactor {
		p.CodesLeft, err = s.store.RecoveryCodesLeft(ctx, u.ID)
		return p, err
	}
	f, err := s.store.SecondFactor(ctx, u.ID)
	if errors.Is(err, db.ErrNotFound) {
		return p, nil
	}
	if err != nil {
		return p, err
	}
	secret, err := s.secrets.Open(u.ID, f.Secret)
	if err != nil {
		return p, nil // sealed with another key: the person starts again
	}
	qr, err := auth.TOTPQRCode(totpIssuer, u.Email, secret)
	if err != nil {
		return p, err
	}
	// template.URL: html/template refuses data: URIs unless told; this one is our own PNG.
	p.Setup = &secondFactorSetup{Secret: secret, QRCode: template.URL(qr)}
	return p, nil
}

func (s *Server) renderAccount(c *fiber.Ctx, status int, p accountPage) error {
	L := s.i18n.Translator(langOf(c))
	return s.renderStatus(c, status, "admin/account", s.newPage(c, L.T("account_title"), "admin", p))
}

// startSecondFactor makes a new secret for the user to scan, replacing one not yet confirmed.
func (s *Server) startSecondFactor(c *fiber.Ctx) error {
	u := currentUser(c)
	if u.SecondFactor {
		return c.Redirect("/admin/account", fiber.StatusSeeOther)
	}
	secret, err := auth.NewTOTPSecret()
	if err != nil {
		return err
	}
	sealed, err := s.secrets.Seal(u.ID, secret)
	if err != nil {
		return err
	}
	if err := s.store.StartSecondFactor(c.UserContext(), u.ID, sealed); err != nil {
		return err
	}
	return c.Redirect("/admin/account#setup", fiber.StatusSeeOther)
}

// confirmSecondFactor turns the new second factor on once the person types a code from it,
// and shows their recovery codes, this once.
func (s *Server) confirmSecondFactor(c *fiber.Ctx) error {
	ctx := c.UserContext()
	L := s.i18n.Translator(langOf(c))
	p, err := s.account(c)
	if err != nil {
		return err
	}
	if p.Setup == nil {
		return c.Redirect("/admin/account", fiber.StatusSeeOther)
	}
	step, ok := auth.CheckTOTP(p.Setup.Secret, strings.Join(strings.Fields(c.FormValue("code")), ""), s.now())
	if !ok {
		p.Error = L.T("account_code_failed")
		return s.renderAccount(c, fiber.StatusUnprocessableEntity, p)
	}
	codes, hashes, err := newRecoveryCodes(p.User.ID)
	if err != nil {
		return err
	}
	if err := s.store.ConfirmSecondFactor(ctx, p.User.ID, step, hashes, s.now()); err != nil {
		return err
	}
	p.User.SecondFactor, p.Setup, p.RecoveryCodes, p.CodesLeft = true, nil, codes, len(codes)
	return s.renderAccount(c, fiber.StatusOK, p)
}

// renewRecoveryCodes replaces the user's recovery codes by new ones, shown this once.
func (s *Server) renewRecoveryCodes(c *fiber.Ctx) error {
	p, err := s.account(c)
	if err != nil {
		return err
	}
	if !p.User.SecondFactor {
		return c.Redirect("/admin/account", fiber.StatusSeeOther)
	}
	codes, hashes, err := newRecoveryCodes(p.User.ID)
	if err != nil {
		return err
	}
	if err := s.store.ReplaceRecoveryCodes(c.UserContext(), p.User.ID, hashes); err != nil {
		return err
	}
	p.RecoveryCodes, p.CodesLeft = codes, len(codes)
	return s.renderAccount(c, fiber.StatusOK, p)
}

func newRecoveryCodes(userID int64) (codes, hashes []string, err error) {
	codes, err = auth.NewRecoveryCodes()
	if err != nil {
		return nil, nil, err
	}
	for _, code := range codes {
		hashes = append(hashes, auth.HashRecoveryCode(userID, code))
	}
	return codes, hashes, nil
}

// resetSecondFactor removes a user's second factor, for someone who lost their phone and
// their recovery codes; the audit log keeps which admin did it.
func (s *Server) resetSecondFactor(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return db.ErrNotFound
	}
	ctx := c.UserContext()
	u, err := s.store.User(ctx, id)
	if err != nil {
		return err
	}
	if err := s.store.ResetSecondFactor(ctx, u, userActor(currentUser(c)), s.now()); err != nil {
		return err
	}
	return c.Redirect("/admin/users?reset="+strconv.FormatInt(u.ID, 10), fiber.StatusSeeOther)
}

// setSecondFactorPolicy asks a second factor of all staff, or of admins only.
func (s *Server) setSecondFactorPolicy(c *fiber.Ctx) error {
	on := c.FormValue("for_all") == "1"
	if err := s.store.SetSecondFactorForAll(c.UserContext(), on, currentUser(c), userActor(currentUser(c)), s.now()); err != nil {
		return err
	}
	return c.Redirect("/admin/users?saved=1", fiber.StatusSeeOther)
}
