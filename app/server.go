// Package app is Registrar's web application: routes, middleware, handlers and rendering. A
// request flows one way: route → middleware → handler (parse, validate, call) → domain or store
// → template.
package app

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"

	"registrar/app/i18n"
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
	web       *fiber.App
}

// New builds the web application.
func New(cfg Config, store *db.Store, logger *slog.Logger) (*Server, error) {
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	tmpl, err := loadTemplates(cfg.Dev)
	if err != nil {
		return nil, err
	}
	bundle, err := i18n.Load(views.FS)
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, store: store, log: logger, templates: tmpl, i18n: bundle,
		markdown: newMarkdown()}
	s.web = fiber.New(fiber.Config{
		// Fiber reuses request memory; without this a string kept from one request reads
		// another's bytes.
		Immutable:             true,
		ErrorHandler:          s.handleError,
		DisableStartupMessage: true,
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          60 * time.Second,
		IdleTimeout:           120 * time.Second,
		BodyLimit:             12 << 20,
		AppName:               "Registrar",
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

// Shutdown stops accepting requests and waits up to timeout for those in flight.
func (s *Server) Shutdown(timeout time.Duration) error {
	return s.web.ShutdownWithTimeout(timeout)
}

func (s *Server) now() time.Time { return s.cfg.Clock() }
