package app

import (
	"fmt"
	"log/slog"
	"net/mail"
	"os"
	"strconv"
	"strings"
	"time"

	"registrar/app/auth"
	"registrar/app/files"
	"registrar/app/school"
)

// Config is everything Registrar reads from its environment.
type Config struct {
	Addr     string // REGISTRAR_ADDR: where to listen
	DataDir  string // REGISTRAR_DATA: the data folder, laid out as Layout says
	BaseURL  string // REGISTRAR_BASE_URL: the public address, for links in emails and calendars
	SMTPURL  string // REGISTRAR_SMTP_URL: smtp://user:pass@host:587 or smtps://…; empty writes .eml files
	MailFrom string // REGISTRAR_MAIL_FROM
	// Contact is the school's address for applicants' questions, on every page, email and
	// letter (REGISTRAR_CONTACT; default: the address of REGISTRAR_MAIL_FROM). An edition may
	// give its own.
	Contact string
	// SchoolAddress is the school's postal address, in the privacy notice and on letters
	// (REGISTRAR_SCHOOL_ADDRESS); SchoolAddressCS its Czech form, on Czech pages and documents
	// (REGISTRAR_SCHOOL_ADDRESS_CS; default: the Czech form of the default address, or the one
	// address configured). SchoolAddressIn picks one.
	SchoolAddress   string
	SchoolAddressCS string

	Dev  bool // REGISTRAR_DEV: templates are read from ./views on every request
	Demo bool // REGISTRAR_DEMO: load the demo data into an empty database
	// Replicated says that Litestream replicates the database (REGISTRAR_LITESTREAM=1), which
	// then runs its checkpoints instead of Registrar (db.Options).
	Replicated bool
	// ApplyLimit is how many application forms one address may send a minute
	// (REGISTRAR_APPLY_LIMIT, default 10).
	ApplyLimit int
	// MailRate is how many emails the outbox sends a second at most (REGISTRAR_MAIL_RATE,
	// default 50; 0 sends as fast as the server takes them).
	MailRate int
	// TrustedProxies are the addresses or CIDR ranges of reverse proxies in front of Registrar
	// (REGISTRAR_TRUSTED_PROXIES, comma-separated). Only a request from one of them may name its
	// client in X-Real-IP, which the rate limits then count; empty trusts no header.
	TrustedProxies []string
	// LogLevel is REGISTRAR_LOG_LEVEL: debug logs every request; info (the default) logs
	// client errors, warnings and server errors.
	LogLevel slog.Level
	// Uploads is how many requests may send files at once (0: 64); one more waits up to
	// UploadWait (0: 10 s) for its turn, then is asked to send the form again.
	Uploads    int
	UploadWait time.Duration
	// UploadSilence is how long an upload may send nothing before it loses its place (0: 15 s).
	UploadSilence time.Duration
	// SSO signs staff in with the school's accounts, next to passwords (REGISTRAR_OIDC_*,
	// config_sso.go); off unless set.
	SSO auth.SSOSettings
	// Clock tells the time; tests set it, nil means time.Now.
	Clock func() time.Time
	// Ops: the disk space guard, metrics and version (config_ops.go).
	Ops OpsConfig
}

// DefaultSchoolAddress is the postal address of IOM Prague, which runs the school.
const DefaultSchoolAddress = "IOM Prague, Mezibranská 1579/4, 110 00 Praha 1, Czech Republic"

// DefaultSchoolAddressCS is DefaultSchoolAddress as Czech documents write it.
const DefaultSchoolAddressCS = "IOM Praha, Mezibranská 1579/4, 110 00 Praha 1, Česká republika"

// SchoolAddressIn is the school's postal address as documents in lang print it.
func (c Config) SchoolAddressIn(lang string) string {
	if lang == "cs" && c.SchoolAddressCS != "" {
		return c.SchoolAddressCS
	}
	return c.SchoolAddress
}

// ConfigFromEnv reads the configuration from REGISTRAR_* environment variables.
func ConfigFromEnv() (Config, error) {
	cfg := Config{
		Addr:     env("REGISTRAR_ADDR", "127.0.0.1:8080"),
		DataDir:  env("REGISTRAR_DATA", "data"),
		SMTPURL:  os.Getenv("REGISTRAR_SMTP_URL"),
		MailFrom: env("REGISTRAR_MAIL_FROM", "School of Migration Studies <school@registrar.local>"),
		Contact:  os.Getenv("REGISTRAR_CONTACT"),
		// IOM Prague's office, which runs the school.
		SchoolAddress:   env("REGISTRAR_SCHOOL_ADDRESS", DefaultSchoolAddress),
		SchoolAddressCS: os.Getenv("REGISTRAR_SCHOOL_ADDRESS_CS"),
	}
	if cfg.SchoolAddressCS == "" && cfg.SchoolAddress == DefaultSchoolAddress {
		cfg.SchoolAddressCS = DefaultSchoolAddressCS
	}
	if cfg.Contact != "" && !school.ValidContact(cfg.Contact) {
		// Every footer, email and notice makes it a mailto: link.
		return cfg, fmt.Errorf("config: REGISTRAR_CONTACT must be a bare email address such as office@school.example, not %q", cfg.Contact)
	}
	if cfg.Contact == "" {
		from, err := mail.ParseAddress(cfg.MailFrom)
		if err != nil {
			return cfg, fmt.Errorf("config: REGISTRAR_MAIL_FROM is not an address: %w", err)
		}
		cfg.Contact = from.Address
	}
	limit, err := strconv.Atoi(env("REGISTRAR_APPLY_LIMIT", "10"))
	if err != nil || limit < 1 {
		return cfg, fmt.Errorf("config: REGISTRAR_APPLY_LIMIT must be a positive number")
	}
	cfg.ApplyLimit = limit
	if cfg.MailRate, err = strconv.Atoi(env("REGISTRAR_MAIL_RATE", "50")); err != nil || cfg.MailRate < 0 {
		return cfg, fmt.Errorf("config: REGISTRAR_MAIL_RATE must be 0 or a positive number")
	}
	for _, p := range strings.Split(os.Getenv("REGISTRAR_TRUSTED_PROXIES"), ",") {
		if p = strings.TrimSpace(p); p != "" {
			cfg.TrustedProxies = append(cfg.TrustedProxies, p)
		}
	}
	if err := cfg.LogLevel.UnmarshalText([]byte(env("REGISTRAR_LOG_LEVEL", "info"))); err != nil {
		return cfg, fmt.Errorf("config: REGISTRAR_LOG_LEVEL must be debug, info, warn or error")
	}
	cfg.BaseURL = strings.TrimRight(env("REGISTRAR_BASE_URL", "http://"+cfg.Addr), "/")
	if cfg.Dev, err = envBool("REGISTRAR_DEV"); err != nil {
		return cfg, err
	}
	if cfg.Demo, err = envBool("REGISTRAR_DEMO"); err != nil {
		return cfg, err
	}
	if cfg.SSO, err = ssoFromEnv(); err != nil {
		return cfg, err
	}
	if cfg.Replicated, err = envBool("REGISTRAR_LITESTREAM"); err != nil {
		return cfg, err
	}
	return cfg, opsFromEnv(&cfg.Ops)
}

// Layout is where each thing in the data folder is kept.
func (c Config) Layout() files.Layout { return files.Layout(c.DataDir) }

func env(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}

func envBool(name string) (bool, error) {
	switch strings.ToLower(os.Getenv(name)) {
	case "", "0", "false", "no":
		return false, nil
	case "1", "true", "yes":
		return true, nil
	}
	return false, fmt.Errorf("config: %s must be 1 or 0, not %q", name, os.Getenv(name))
}
