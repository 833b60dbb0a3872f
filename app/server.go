// Package app is Registrar's web application, HTTP only: routes, middleware, handlers and pages; it
// opens no database and holds no SQL (db does), and renders no email (mail does). A
// request flows one way: route → middleware → handler (parse, validate, call) → domain or store
// → template.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/go-playground/validator/v10"
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/session"

	"registrar/app/auth"
	"registrar/app/i18n"
	"registrar/app/mail"
	"registrar/app/ops"
	"registrar/app/webstate"
	"registrar/db"
	"registrar/views"
)

// Server holds everything the handlers depend on.
type Server struct {
	cfg       Config
	store     *db.Store
	log       *slog.Logger
	templates *templates
	i18n      *i18n.Bundle
	markdown  *markdown
	countries countryLists
	validate  *validator.Validate
	outbox    *mail.Outbox
	emails    *mail.Emails    // renders every email
	state     *webstate.Store // CSRF tokens, rate limits, sessions
	secret    []byte          // signs form timestamps
	sessions  *session.Store
	hashing   chan struct{} // bounds concurrent argon2id checks, 64 MiB each
	uploading chan struct{} // bounds requests sending files at once (bodies.go)
	bodies    bodyPlaces    // bounds what each address, and everyone, sends at once
	forms     formEditions  // the editions of public forms, by catalogue version
	web       *fiber.App
	// secrets seals the keys of second factors with a key derived from secret.
	secrets *auth.SecretBox
	sso     *auth.SingleSignOn // signs staff in with the school's accounts; nil when off
	disk    *ops.DiskWatch     // the data folder's free space (disk_guard.go)
	watch   *ops.Watch         // the System page's and the metrics' snapshot (admin_system.go)
	metrics *ops.Metrics       // nil unless REGISTRAR_METRICS_ADDR is set
}

// New builds the web application.
func New(cfg Config, store *db.Store, logger *slog.Logger) (*Server, error) {
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.Contact == "" {
		cfg.Contact = "school@registrar.local"
	}
	if cfg.SchoolAddress == "" {
		cfg.SchoolAddress = DefaultSchoolAddress
	}
	if cfg.SchoolAddressCS == "" && cfg.SchoolAddress == DefaultSchoolAddress {
		cfg.SchoolAddressCS = DefaultSchoolAddressCS
	}
	if cfg.ApplyLimit == 0 {
		cfg.ApplyLimit = 10
	}
	if cfg.Uploads == 0 {
		cfg.Uploads = 64
	}
	if cfg.UploadWait == 0 {
		cfg.UploadWait = 10 * time.Second
	}
	if cfg.UploadSilence == 0 {
		cfg.UploadSilence = 15 * time.Second
	}
	tmpl, err := loadTemplates(cfg.Dev)
	if err != nil {
		return nil, err
	}
	bundle, err := i18n.Load(views.FS)
	if err != nil {
		return nil, err
	}
	secret, err := auth.LoadSecret(cfg.Layout().SecretKey())
	if err != nil {
		return nil, err
	}
	secrets, err := auth.NewSecretBox(secret)
	if err != nil {
		return nil, err
	}
	state, err := webstate.Open(cfg.Layout().WebState())
	if err != nil {
		return nil, err
	}
	sender, err := newSender(cfg)
	if err != nil {
		return nil, err
	}
	validate, err := newValidator()
	if err != nil {
		return nil, err
	}
	// The notices that give the school's contact read differently once it changed: a new version.
	if err := store.RecordSchoolContact(context.Background(), cfg.Contact, cfg.Clock()); err != nil {
		return nil, err
	}
	countries := newCountryLists()
	emails, err := mail.NewEmails(views.FS, store, bundle, cfg.BaseURL, cfg.Contact, countries.name)
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, store: store, log: logger, templates: tmpl, i18n: bundle,
		markdown: newMarkdown(), countries: countries, validate: validate, emails: emails,
		outbox: mail.NewOutbox(store, sender, cfg.MailFrom, logger, cfg.Clock),
		state:  state, secret: secret, hashing: make(chan struct{}, 2),
		uploading: make(chan struct{}, cfg.Uploads), bodies: newBodyPlaces()}
	s.outbox.SetRate(cfg.MailRate)
	s.sessions = s.newSessions()
	s.secrets = secrets
	if cfg.SSO.On() {
		s.sso = auth.NewSingleSignOn(cfg.SSO, cfg.BaseURL+"/admin/login/sso/callback", cfg.Clock)
	}
	s.disk = ops.NewDiskWatch(cfg.DataDir, cfg.Ops.MinFreeDisk, cfg.Ops.SpaceOf, diskCheckEvery, cfg.Clock)
	s.disk.OnLow(s.tellAdminsDiskLow)
	s.watch = &ops.Watch{Store: store, Disk: s.disk, BackupsDir: cfg.Layout().Backups(), Version: cfg.Ops.Version, Started: cfg.Clock()}
	s.watch.Replication = s.newReplicationWatch(logger)
	if cfg.Ops.MetricsAddr != "" {
		s.metrics = ops.NewMetrics(s.watch, cfg.Clock)
	}
	s.web = fiber.New(fiber.Config{
		// Fiber reuses request memory; without this a string kept from one request reads
		// another's bytes.
		Immutable:             true,
		ErrorHandler:          s.handleError,
		DisableStartupMessage: true,
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          60 * time.Second,
		IdleTimeout:           120 * time.Second,
		// Bodies are read as the handlers read them, never held whole, under each route's
		// limit (bodies.go); multipart files go to temporary files as they arrive.
		StreamRequestBody:            true,
		DisablePreParseMultipartForm: true,
		BodyLimit:                    defaultBodyLimit,
		// Room for long addresses (a 5,000-character search) instead of fasthttp's 4 KiB,
		// which refuses them before any handler runs.
		ReadBufferSize: 16 << 10,
		AppName:        "Registrar",
		// Behind a reverse proxy every request comes from the proxy; X-Real-IP (which the proxy
		// must overwrite) names the client, and is believed only from the proxies configured.
		ProxyHeader:             proxyHeader(cfg.TrustedProxies),
		EnableTrustedProxyCheck: true,
		TrustedProxies:          cfg.TrustedProxies,
		EnableIPValidation:      true,
	})
	s.routes()
	return s, nil
}

// Handler is the Fiber application, for tests and for Listen.
func (s *Server) Handler() *fiber.App { return s.web }

// Listen serves until Shutdown.
func (s *Server) Listen(addr string) error {
	if err := s.web.Listen(addr); err != nil {
		return fmt.Errorf("app: listen %s: %w", addr, err)
	}
	return nil
}

// Outbox is the email sender, for the caller to run.
func (s *Server) Outbox() *mail.Outbox { return s.outbox }

// Emails renders the emails, for the jobs the caller runs.
func (s *Server) Emails() *mail.Emails { return s.emails }

// Shutdown stops accepting requests, waits up to timeout for those in flight, and closes the
// web state store.
func (s *Server) Shutdown(timeout time.Duration) error {
	err := s.web.ShutdownWithTimeout(timeout)
	return errors.Join(err, s.state.Close())
}

// newSender sends over SMTP when configured, else writes .eml files under the data folder.
func newSender(cfg Config) (mail.Sender, error) {
	if cfg.SMTPURL == "" {
		return mail.FileSender{Dir: cfg.Layout().Mail()}, nil
	}
	return mail.NewSMTPSender(cfg.SMTPURL)
}

func (s *Server) now() time.Time { return s.cfg.Clock() }

// proxyHeader is the header that names the client, when there are proxies to believe it from.
func proxyHeader(trusted []string) string {
	if len(trusted) == 0 {
		return ""
	}
	return "X-Real-IP"
}
