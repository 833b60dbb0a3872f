package app

import (
	"bytes"
	"errors"
	"hash/crc32"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/cache"
	"github.com/gofiber/fiber/v2/middleware/csrf"
	"github.com/gofiber/fiber/v2/middleware/limiter"
	"github.com/gofiber/fiber/v2/utils"
	"github.com/valyala/fasthttp"

	"registrar/app/i18n"
)

const (
	langCookie = "lang"
	localsLang = "lang"
)

// language picks the interface language: ?lang= (remembered in a cookie), then the cookie, then
// the browser's Accept-Language.
func (s *Server) language(c *fiber.Ctx) error {
	lang := c.Query("lang")
	switch {
	case i18n.Supported(lang):
		c.Cookie(&fiber.Cookie{
			Name: langCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
			HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode,
		})
	case i18n.Supported(c.Cookies(langCookie)):
		lang = c.Cookies(langCookie)
	default:
		lang = i18n.FromAcceptLanguage(c.Get(fiber.HeaderAcceptLanguage))
	}
	c.Locals(localsLang, lang)
	c.Set(fiber.HeaderContentLanguage, lang)
	c.Vary(fiber.HeaderAcceptLanguage, fiber.HeaderCookie, fiber.HeaderAcceptEncoding)
	return c.Next()
}

// langOf is the interface language chosen for this request.
func langOf(c *fiber.Ctx) string {
	if lang, ok := c.Locals(localsLang).(string); ok {
		return lang
	}
	return "en"
}

func requestID(c *fiber.Ctx) string {
	id, _ := c.Locals("requestid").(string)
	return id
}

// logRequests writes one structured line per request: at debug level for answered requests,
// info for client errors, error for server errors. Writing a line for every page served costs
// a quarter of the server's time under load, so it is off unless REGISTRAR_LOG_LEVEL=debug.
// Errors are rendered here, as Fiber's own logger does, so the line carries the status the
// client got.
func (s *Server) logRequests(c *fiber.Ctx) error {
	start := time.Now()
	if err := c.Next(); err != nil {
		if herr := c.App().ErrorHandler(c, err); herr != nil {
			_ = c.SendStatus(fiber.StatusInternalServerError)
		}
	}
	status := c.Response().StatusCode()
	level := slog.LevelDebug
	switch {
	case status >= 500:
		level = slog.LevelError
	case status >= 400:
		level = slog.LevelInfo
	}
	if !s.log.Enabled(c.UserContext(), level) {
		return nil
	}
	s.log.LogAttrs(c.UserContext(), level, "request",
		slog.String("method", c.Method()),
		slog.String("path", loggedPath(c.Path())),
		slog.Int("status", status),
		slog.Duration("duration", time.Since(start)),
		slog.String("request_id", requestID(c)),
	)
	return nil
}

// loggedPath is a request's path with the secret of a status link, a draft's link or a
// referee's link masked: a log line must not open someone's application, form or reference.
// Routes match without regard to case, so neither does this.
func loggedPath(path string) string {
	segments := strings.Split(path, "/")
	for i := 1; i+1 < len(segments); i++ {
		if strings.EqualFold(segments[i], "status") && segments[i+1] != "" && !strings.EqualFold(segments[i+1], "lost") {
			segments[i+1] = "…"
		}
		if i == 1 && (strings.EqualFold(segments[i], "drafts") || strings.EqualFold(segments[i], "referee")) && segments[i+1] != "" {
			segments[i+1] = "…"
		}
	}
	return strings.Join(segments, "/")
}

// encodingOf names the compression the response will get, chosen as fasthttp chooses it, so
// cached pages are kept compressed once per encoding rather than compressed on every request.
func encodingOf(c *fiber.Ctx) string {
	h := &c.Request().Header
	switch {
	case h.HasAcceptEncoding("br"):
		return "br"
	case h.HasAcceptEncoding("gzip"):
		return "gzip"
	case h.HasAcceptEncoding("deflate"):
		return "deflate"
	}
	return ""
}

// cachePublicPages keeps rendered catalogue pages in memory, one per address and language. The
// key carries the catalogue version, so any write to the catalogue makes every cached page
// stale at once; the short expiry keeps deadlines and "days left" current.
func (s *Server) cachePublicPages() fiber.Handler {
	return cache.New(cache.Config{
		Expiration:   15 * time.Second,
		CacheControl: false,
		MaxBytes:     32 << 20,
		KeyGenerator: func(c *fiber.Ctx) string {
			return strconv.FormatInt(s.store.CatalogueVersion(), 10) + "|" + langOf(c) + "|" +
				encodingOf(c) + "|" + c.OriginalURL()
		},
	})
}

// csrfFailed marks a 403 from the CSRF check, which the error page explains differently from a
// role that may not see a page.
const csrfFailed = "csrf"

// csrfProtection guards every form: the token is in a cookie and in the form's _csrf field,
// and stored server side in the web state store.
func (s *Server) csrfProtection() fiber.Handler {
	cfg := s.csrfConfig()
	cfg.ErrorHandler = func(c *fiber.Ctx, err error) error {
		if _, ferr := c.MultipartForm(); ferr != nil && !errors.Is(ferr, fasthttp.ErrNoMultipartForm) {
			// The body broke off before the token (a dropped connection, a timeout):
			// not a page that expired.
			return badRequest(s.i18n.Translator(langOf(c)).T("error_form_unreadable"))
		}
		if s.state.WriteFailed() {
			// The token was likely never stored (a full disk): not a page that expired.
			return fiber.NewError(fiber.StatusServiceUnavailable, diskLow)
		}
		if errors.Is(err, csrf.ErrTokenNotFound) || errors.Is(err, csrf.ErrTokenInvalid) {
			c.Locals(localsPageExpired, true) // a token of ours, gone: see sendAgainWhenExpired
		}
		return fiber.NewError(fiber.StatusForbidden, csrfFailed)
	}
	return csrf.New(cfg)
}

// csrfConfig is the CSRF check's configuration, which a renewed token follows too.
func (s *Server) csrfConfig() csrf.Config {
	return csrf.Config{
		KeyLookup:      "form:_csrf",
		CookieName:     s.cookieName("csrf_"),
		CookiePath:     "/",
		CookieSameSite: "Lax",
		CookieHTTPOnly: true,
		CookieSecure:   s.overHTTPS(),
		Expiration:     csrfLifetime,
		KeyGenerator:   utils.UUIDv4,
		ContextKey:     "csrf",
		Storage:        s.state,
	}
}

// csrfLifetime: a long application form must not expire while it is typed.
const csrfLifetime = 6 * time.Hour

// renewFormToken gives a request a new form token, stored and in the cookie, as the CSRF check
// gives a page it shows (a form whose token expired is answered with a fresh one).
func (s *Server) renewFormToken(c *fiber.Ctx) error {
	cfg := s.csrfConfig()
	token := cfg.KeyGenerator()
	// The check asks only whether the token is stored; the middleware stores "+" too.
	if err := s.state.Set(token, []byte{'+'}, cfg.Expiration); err != nil {
		return err
	}
	c.Cookie(&fiber.Cookie{Name: cfg.CookieName, Value: token, Path: cfg.CookiePath, Secure: cfg.CookieSecure,
		HTTPOnly: cfg.CookieHTTPOnly, SameSite: cfg.CookieSameSite, Expires: time.Now().Add(cfg.Expiration)})
	c.Locals(cfg.ContextKey, token)
	return nil
}

// limitForms bounds how many of one public form an address may send a minute.
func (s *Server) limitForms(form string) fiber.Handler {
	return limiter.New(limiter.Config{
		Max:        s.cfg.ApplyLimit,
		Expiration: time.Minute,
		Storage:    s.state,
		KeyGenerator: func(c *fiber.Ctx) string {
			return form + ":" + clientAddress(c)
		},
		LimitReached: func(c *fiber.Ctx) error {
			return fiber.ErrTooManyRequests
		},
	})
}

// etag gives every 200 response with a body an ETag and answers a matching If-None-Match with
// 304, as Fiber's etag middleware does, but with the IEEE CRC-32, which Go computes with the
// CPU's carry-less multiply instructions. Fiber's middleware uses a custom polynomial that Go
// computes one byte at a time: 70% of the CPU time of a cached page, 80 KB on every Pico CSS.
func etag(c *fiber.Ctx) error {
	if err := c.Next(); err != nil {
		return err
	}
	resp := c.Response()
	// A file sent from disk streams; reading a large one here would hold it whole in memory
	// (150 CV downloads at once took 1.6 GB). Static assets, all small, keep their ETag.
	if resp.IsBodyStream() && (resp.Header.ContentLength() < 0 || resp.Header.ContentLength() > 1<<20) {
		return nil
	}
	body := resp.Body()
	if resp.StatusCode() != fiber.StatusOK || len(body) == 0 || len(resp.Header.Peek(fiber.HeaderETag)) > 0 {
		return nil
	}
	var buf [24]byte
	tag := append(buf[:0], '"')
	tag = strconv.AppendUint(tag, uint64(len(body)), 10)
	tag = append(tag, '-')
	tag = strconv.AppendUint(tag, uint64(crc32.ChecksumIEEE(body)), 10)
	tag = append(tag, '"')
	if etagMatches(c.Request().Header.Peek(fiber.HeaderIfNoneMatch), tag) {
		c.Context().ResetBody()
		c.Status(fiber.StatusNotModified)
		return nil
	}
	resp.Header.SetBytesV(fiber.HeaderETag, tag)
	return nil
}

// etagMatches reports whether an If-None-Match list names tag, comparing weakly (RFC 9110 13.1.2).
func etagMatches(ifNoneMatch, tag []byte) bool {
	for len(ifNoneMatch) > 0 {
		var one []byte
		one, ifNoneMatch, _ = bytes.Cut(ifNoneMatch, []byte(","))
		one = bytes.TrimPrefix(bytes.TrimSpace(one), []byte("W/"))
		if bytes.Equal(one, tag) || bytes.Equal(one, []byte("*")) {
			return true
		}
	}
	return false
}
