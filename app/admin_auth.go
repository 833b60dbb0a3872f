package app

import (
	"errors"
	"net/url"
	"strings"
	"time"
	"unicode"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/limiter"
	"github.com/gofiber/fiber/v2/middleware/session"

	"registrar/app/auth"
	"registrar/app/school"
	"registrar/db"
)

// unknownUserHash is checked against when no account has the address typed, so a login takes
// as long whether or not the account exists.
const unknownUserHash = "$argon2id$v=19$m=65536,t=3,p=2$k6RXfIF/3u68T1rBfDRokw$rqE71dlZeYI/ULum/hmHI1ZktbXSOdePtRB1cMJ7Dh0"

const (
	sessionUserKey = "user_id"
	// sessionSignedInKey holds when the user signed in (Unix seconds), for sessionLifetime.
	sessionSignedInKey = "signed_in_at"
	// sessionGenerationKey holds the user's session generation at sign-in; a session of an
	// older one has ended (school.User.SessionGeneration).
	sessionGenerationKey = "generation"
	localsUser           = "user"
	// sessionIdle ends a back-office session after this long without a request.
	sessionIdle = 2 * time.Hour
	// sessionLifetime ends it this long after sign-in however active it is, so a stolen
	// session cookie does not work for days.
	sessionLifetime = 12 * time.Hour
)

// overHTTPS tells whether the site is served over https, which its cookies and HSTS follow.
func (s *Server) overHTTPS() bool { return strings.HasPrefix(s.cfg.BaseURL, "https://") }

// cookieName is name with the __Host- prefix over https: the browser then keeps the cookie only
// if it is Secure, for Path=/ and without Domain, so no other host of the domain can set or
// shadow it.
func (s *Server) cookieName(name string) string {
	if s.overHTTPS() {
		return "__Host-" + name
	}
	return name
}

func (s *Server) newSessions() *session.Store {
	return session.New(session.Config{
		Storage:        s.state,
		Expiration:     sessionIdle,
		KeyLookup:      "cookie:" + s.cookieName("registrar_session"),
		CookiePath:     "/",
		CookieHTTPOnly: true,
		CookieSameSite: "Lax",
		CookieSecure:   s.overHTTPS(),
	})
}

// strictTransport tells browsers to use only https with this site for a year (HSTS), when it
// is served over https.
func (s *Server) strictTransport(c *fiber.Ctx) error {
	c.Set(fiber.HeaderStrictTransportSecurity, "max-age=31536000")
	return c.Next()
}

// currentUser is the signed-in user of an admin request.
func currentUser(c *fiber.Ctx) school.User {
	u, _ := c.Locals(localsUser).(school.User)
	return u
}

// requireUser lets signed-in users through, saving the session again so that it expires only
// after sessionIdle without activity; others go to the login page.
func (s *Server) requireUser(c *fiber.Ctx) error {
	sess, err := s.sessions.Get(c)
	if err != nil {
		return err
	}
	id, _ := sess.Get(sessionUserKey).(int64)
	signedIn, _ := sess.Get(sessionSignedInKey).(int64)
	if id != 0 && s.now().Sub(time.Unix(signedIn, 0)) > sessionLifetime {
		if err := sess.Destroy(); err != nil {
			return err
		}
		id = 0
	}
	if id == 0 {
		return c.Redirect("/admin/login?next="+url.QueryEscape(c.OriginalURL()), fiber.StatusSeeOther)
	}
	u, err := s.store.User(c.UserContext(), id)
	generation, _ := sess.Get(sessionGenerationKey).(int64)
	if errors.Is(err, db.ErrNotFound) || err == nil && generation != u.SessionGeneration {
		_ = sess.Destroy()
		return c.Redirect("/admin/login", fiber.StatusSeeOther)
	}
	if err != nil {
		return err
	}
	if err := sess.Save(); err != nil {
		return err
	}
	c.Locals(localsUser, u)
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	// Someone who must have a second factor and has none sets it up before anything else.
	if !u.SecondFactor && !strings.HasPrefix(c.Path(), "/admin/account") && c.Path() != "/admin/logout" {
		forAll, err := s.store.SecondFactorForAll(c.UserContext())
		if err != nil {
			return err
		}
		if u.SecondFactorRequired(forAll) {
			return c.Redirect("/admin/account", fiber.StatusSeeOther)
		}
	}
	return c.Next()
}

// requireRole lets through users with one of the roles; others get 403.
func requireRole(roles ...school.Role) fiber.Handler {
	return func(c *fiber.Ctx) error {
		u := currentUser(c)
		for _, r := range roles {
			if u.Role == r {
				return c.Next()
			}
		}
		return fiber.ErrForbidden
	}
}

type loginPage struct {
	CSRF  string
	Email string
	Next  string
	Error string
	SSO   string // the label of the button that signs in with the school's account; empty when off
}

func (s *Server) showLogin(c *fiber.Ctx) error {
	L := s.i18n.Translator(langOf(c))
	data := loginPage{CSRF: csrfToken(c), Next: safeNext(c.Query("next")), SSO: s.ssoButton(c)}
	return s.renderPage(c, "admin/login", s.newPage(c, L.T("login_title"), "admin", data))
}

// login checks the password with argon2id; at most two hashes run at once, since each takes
// 64 MiB.
func (s *Server) login(c *fiber.Ctx) error {
	L := s.i18n.Translator(langOf(c))
	email := strings.TrimSpace(c.FormValue("email"))
	password := c.FormValue("password")
	data := loginPage{CSRF: csrfToken(c), Email: email, Next: safeNext(c.FormValue("next")), SSO: s.ssoButton(c)}
	u, hash, err := s.store.UserByEmail(c.UserContext(), email)
	if err != nil && !errors.Is(err, db.ErrNotFound) {
		return err
	}
	ok := false
	s.hashing <- struct{}{}
	if err == nil {
		ok, _ = auth.CheckPassword(hash, password)
	} else {
		// Spend the same time on an unknown address, so timing does not tell which exist.
		_, _ = auth.CheckPassword(unknownUserHash, password)
	}
	<-s.hashing
	if !ok {
		data.Error = L.T("login_failed")
		return s.renderStatus(c, fiber.StatusUnauthorized, "admin/login", s.newPage(c, L.T("login_title"), "admin", data))
	}
	if u.SecondFactor {
		return s.askSecondFactor(c, u, data.Next, false)
	}
	return s.signIn(c, u, data.Next)
}

// signIn starts the user's session and sends them on to next.
func (s *Server) signIn(c *fiber.Ctx, u school.User, next string) error {
	sess, err := s.sessions.Get(c)
	if err != nil {
		return err
	}
	// A new session id and nothing of the old session, so a session id planted before cannot
	// be ridden.
	if err := sess.Reset(); err != nil {
		return err
	}
	sess.Set(sessionUserKey, u.ID)
	sess.Set(sessionSignedInKey, s.now().Unix())
	sess.Set(sessionGenerationKey, u.SessionGeneration)
	if err := sess.Save(); err != nil {
		return err
	}
	if next == "" {
		next = "/admin"
	}
	return c.Redirect(next, fiber.StatusSeeOther)
}

func (s *Server) logout(c *fiber.Ctx) error {
	sess, err := s.sessions.Get(c)
	if err != nil {
		return err
	}
	if err := sess.Destroy(); err != nil {
		return err
	}
	return c.Redirect("/admin/login?out=1", fiber.StatusSeeOther)
}

// safeNext keeps a post-login redirect on this site. Control characters are refused: a line
// break in the Location header would let the address add headers of its own.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/admin") || strings.HasPrefix(next, "//") || strings.Contains(next, "\\") ||
		strings.IndexFunc(next, unicode.IsControl) >= 0 {
		return ""
	}
	return next
}

// loginWindow is how long failed sign-in attempts are remembered.
const loginWindow = 15 * time.Minute

// limitLogins bounds failed sign-in attempts: 10 per account from one address, and 20 from one
// address over all accounts, so passwords cannot be sprayed over many accounts. No limit counts
// an account's attempts from every address together: one stranger would then lock its owner
// out. A login that works does not count, so an office behind one address is not locked out by
// its own staff. step names the form: the password or the second factor.
//
// The second factor's codes are also limited per account over every address: whoever tries them
// has the password already, and six digits fall to enough addresses. Its owner, who then waits
// too, should change the password.
func (s *Server) limitLogins(step string, account func(*fiber.Ctx) string) []fiber.Handler {
	// The page says how long to wait: the general 429 page's "a minute" is not true here.
	reached := func(c *fiber.Ctx) error {
		L := s.i18n.Translator(langOf(c))
		e := errorPage{Status: fiber.StatusTooManyRequests, Heading: L.T("error_429_heading"), Message: L.T("login_too_many")}
		return s.renderStatus(c, e.Status, "errors/error", s.newPage(c, e.Heading, "", e))
	}
	limits := []fiber.Handler{
		limiter.New(limiter.Config{Max: 20, Expiration: loginWindow, Storage: s.state,
			SkipSuccessfulRequests: true,
			KeyGenerator:           func(c *fiber.Ctx) string { return step + "-ip:" + clientAddress(c) },
			LimitReached:           reached}),
		limiter.New(limiter.Config{Max: 10, Expiration: loginWindow, Storage: s.state,
			SkipSuccessfulRequests: true,
			KeyGenerator:           func(c *fiber.Ctx) string { return step + "-account:" + clientAddress(c) + "|" + account(c) },
			LimitReached:           reached}),
	}
	if step == "code" {
		limits = append(limits, limiter.New(limiter.Config{Max: codesPerAccount, Expiration: loginWindow, Storage: s.state,
			SkipSuccessfulRequests: true,
			KeyGenerator:           func(c *fiber.Ctx) string { return step + "-all:" + account(c) },
			LimitReached:           reached}))
	}
	return limits
}

// codesPerAccount is how many wrong second-factor codes an account takes in a loginWindow from
// every address together: three of a million codes are right at any moment.
const codesPerAccount = 30

// typedAccount is the account a login form names, however its address is written.
func typedAccount(c *fiber.Ctx) string {
	return strings.ToLower(strings.TrimSpace(c.FormValue("email")))
}
