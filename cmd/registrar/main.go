// Command registrar runs the School of Migration Studies' registration platform.
//
//	registrar [serve]                          start the web server, the outbox and the clock's jobs (the default)
//	registrar migrate                          apply pending database migrations
//	registrar demo                             load the demo data into an empty database
//	registrar user add --email E --role R [--editions a,b]  add a back-office user; password on stdin
//	registrar user reset-second-factor --email E  remove a user's two-factor authentication (lost phone)
//	registrar backup PATH                      write an online copy of the database to PATH
//	registrar restore PATH                     replace the database with a checked backup (server stopped)
//	registrar purge [--dry-run]                erase applicants not selected once their edition's retention is over
//	registrar version                          print the version (git describe at build; "dev" otherwise)
//
// Configuration comes from REGISTRAR_* environment variables (see app.Config).
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"slices"
	"strings"
	"syscall"
	"time"

	"registrar/app"
	"registrar/app/auth"
	"registrar/app/jobs"
	"registrar/app/mail"
	"registrar/app/school"
	"registrar/db"
)

// The demo organiser, printed by `make run` so a newcomer can open the back office.
const (
	demoEmail    = "organiser@demo.registrar"
	demoPassword = "summer-school-demo"
)

func main() {
	level := new(slog.LevelVar) // set from the configuration in run
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	if err := run(os.Args[1:], os.Stdin, os.Stdout, logger, level); err != nil {
		fmt.Fprintln(os.Stderr, "registrar:", err)
		os.Exit(1)
	}
}

func run(args []string, stdin io.Reader, stdout io.Writer, logger *slog.Logger, level *slog.LevelVar) error {
	if len(args) > 0 && args[0] == "version" { // needs no configuration
		fmt.Fprintln(stdout, "registrar", version)
		return nil
	}
	cfg, err := app.ConfigFromEnv()
	if err != nil {
		return err
	}
	level.Set(cfg.LogLevel)
	command := "serve"
	if len(args) > 0 {
		command, args = args[0], args[1:]
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	// A restore replaces the database file, so it runs before anything opens it.
	if command == "restore" {
		if len(args) != 1 {
			return errors.New("usage: registrar restore PATH (stop the server first)")
		}
		kept, erased, err := db.Restore(ctx, args[0], cfg.Layout().Database(), time.Now())
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "restored %s from %s; %d applications erased since the backup erased again", cfg.Layout().Database(), args[0], erased)
		if kept != "" {
			fmt.Fprintf(stdout, "; the replaced database is kept as %s", kept)
		}
		fmt.Fprintln(stdout)
		return reportMissingFiles(ctx, cfg, stdout)
	}

	store, err := openStore(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer store.Close()

	switch command {
	case "serve":
		return serve(ctx, cfg, store, stdout, logger)
	case "migrate":
		v, err := store.SchemaVersion(ctx)
		if err == nil {
			fmt.Fprintf(stdout, "database %s is at schema version %d\n", cfg.Layout().Database(), v)
		}
		return err
	case "demo":
		return loadDemo(ctx, store, stdout)
	case "user":
		return addUser(ctx, store, args, stdin, stdout)
	case "backup":
		if len(args) != 1 {
			return errors.New("usage: registrar backup PATH")
		}
		if err := store.Backup(ctx, args[0]); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "backup written to", args[0])
		return nil
	case "purge":
		return purge(ctx, cfg, store, args, stdout)
	default:
		return fmt.Errorf("unknown command %q (serve, migrate, demo, user add, backup, restore, purge, version)", command)
	}
}

// purge erases, or with --dry-run only lists, the personal data of applicants who were not
// selected, in every edition whose retention period is over: what the daily job does.
func purge(ctx context.Context, cfg app.Config, store *db.Store, args []string, stdout io.Writer) error {
	flags := flag.NewFlagSet("purge", flag.ContinueOnError)
	dryRun := flags.Bool("dry-run", false, "list what would be erased, erase nothing")
	if err := flags.Parse(args); err != nil {
		return err
	}
	purges, err := newJobs(cfg, store, nil, nil, nil).Retention(ctx, *dryRun)
	verb := "erased"
	if *dryRun {
		verb = "would erase"
	}
	for _, p := range purges {
		fmt.Fprintf(stdout, "%s: %s %d applications not selected, %d files (%d bytes); retention %d months, ended %s\n",
			p.Edition.Slug, verb, p.Applications, p.Files, p.Bytes, p.Edition.RetentionMonths, p.Edition.EndsOn.Format(time.DateOnly))
	}
	if len(purges) == 0 && err == nil {
		fmt.Fprintln(stdout, "nothing to erase")
	}
	return err
}

// newJobs is what the clock does, on the store and the data folder; serving, it also renders
// and queues emails through the web server's outbox.
func newJobs(cfg app.Config, store *db.Store, logger *slog.Logger, emails *mail.Emails, outbox *mail.Outbox) *jobs.Runner {
	clock := cfg.Clock
	if clock == nil {
		clock = time.Now
	}
	return &jobs.Runner{Store: store, Emails: emails, Outbox: outbox, Log: logger, Clock: clock,
		BackupsDir: cfg.Layout().Backups(), MailDir: cfg.Layout().Mail(), FormLifetime: app.FormLifetime}
}

func openStore(ctx context.Context, cfg app.Config, logger *slog.Logger) (*db.Store, error) {
	store, err := db.OpenWith(cfg.Layout().Database(), db.Options{Replicated: cfg.Replicated})
	if err != nil {
		return nil, err
	}
	if err := backupBeforeUpgrade(ctx, cfg, store, logger); err != nil {
		store.Close()
		return nil, err
	}
	if err := store.Migrate(ctx); err != nil {
		store.Close()
		return nil, err
	}
	// A data folder from before files moved into the database (migration 0028) still keeps them
	// in folders.
	if _, err := store.MoveFilesIn(ctx, cfg.Layout().Uploads(), cfg.Layout().Documents()); err != nil {
		store.Close()
		return nil, err
	}
	return store, nil
}

func serve(ctx context.Context, cfg app.Config, store *db.Store, stdout io.Writer, logger *slog.Logger) error {
	// The live heap is small (tens of MB), so collecting at twice its size instead of once
	// costs little memory and gives the CPU a collection took back to a burst of applications
	// (six percent of a submission's time went to the collector). GOGC set by hand wins.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(200)
	}
	// A flood of bodies turns over memory fast: near this soft limit the collector runs as often
	// as it must, so the garbage of requests already answered does not pile up (200 slow forms of
	// 1 MB: peak 212 MB without it). GOMEMLIMIT set by hand wins.
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(96 << 20)
	}
	if cfg.Demo {
		empty, err := store.IsEmpty(ctx)
		if err != nil {
			return err
		}
		if empty {
			if err := loadDemo(ctx, store, stdout); err != nil {
				return err
			}
		}
	}
	cfg.Ops.Version = version
	server, err := app.New(cfg, store, logger)
	if err != nil {
		return err
	}
	mailCtx, stopMail := context.WithCancel(context.Background())
	defer stopMail()
	go server.Outbox().Run(mailCtx)
	go server.Disk().Run(mailCtx)
	go server.WatchReplication(mailCtx)
	go func() {
		if err := server.ServeMetrics(mailCtx); err != nil {
			logger.Error("metrics", "error", err)
		}
	}()
	go newJobs(cfg, store, logger, server.Emails(), server.Outbox()).Run(mailCtx)
	errc := make(chan error, 1)
	go func() { errc <- server.Listen(cfg.Addr) }()
	fmt.Fprintf(stdout, "Registrar is running at %s (database %s)\n", cfg.BaseURL, cfg.Layout().Database())
	if cfg.Replicated {
		fmt.Fprintln(stdout, "Litestream replicates the database and runs its checkpoints (REGISTRAR_LITESTREAM=1)")
	}
	if cfg.Demo {
		fmt.Fprintf(stdout, "Demo organiser: %s / %s\n", demoEmail, demoPassword)
		fmt.Fprintln(stdout, "Two-factor authentication: admins set it up at their first sign-in (an authenticator app"+
			" scans the QR code on /admin/account); organisers may, and must once an admin asks it of all staff.")
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		logger.Info("shutting down")
		return server.Shutdown(10 * time.Second)
	}
}

func loadDemo(ctx context.Context, store *db.Store, stdout io.Writer) error {
	now := time.Now()
	if err := store.LoadDemo(ctx, now); err != nil {
		return err
	}
	if err := store.LoadDemoApplicants(ctx, now); err != nil {
		return err
	}
	hash, err := auth.HashPassword(demoPassword)
	if err != nil {
		return err
	}
	if _, err := store.CreateUser(ctx, school.User{Email: demoEmail, Name: "Demo Organiser",
		Role: school.RoleOrganiser}, hash); err != nil {
		return err
	}
	// The password hash took 64 MiB (argon2id); give it back before serving, or the heap
	// grows to twice that before the garbage collector next runs.
	debug.FreeOSMemory()
	fmt.Fprintln(stdout, "Demo data loaded.")
	return nil
}

func addUser(ctx context.Context, store *db.Store, args []string, stdin io.Reader, stdout io.Writer) error {
	if len(args) > 0 && args[0] == "reset-second-factor" {
		return resetSecondFactor(ctx, store, args[1:], stdout)
	}
	if len(args) == 0 || args[0] != "add" {
		return errors.New("usage: registrar user add --email E --role admin|organiser|reviewer [--name N] < password")
	}
	flags := flag.NewFlagSet("user add", flag.ContinueOnError)
	email := flags.String("email", "", "the user's email address")
	role := flags.String("role", "", "admin, organiser or reviewer")
	name := flags.String("name", "", "the user's name")
	editions := flags.String("editions", "", "comma-separated slugs of the editions a reviewer or organiser works on")
	if err := flags.Parse(args[1:]); err != nil {
		return err
	}
	if !strings.Contains(*email, "@") || !school.ValidRole(*role) {
		return errors.New("usage: registrar user add --email E --role admin|organiser|reviewer [--name N] < password")
	}
	password, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("read password: %w", err)
	}
	password = strings.TrimRight(password, "\r\n")
	if len([]rune(password)) < auth.MinPasswordLength {
		return fmt.Errorf("the password must have at least %d characters", auth.MinPasswordLength)
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return err
	}
	id, err := store.CreateUser(ctx, school.User{Email: *email, Name: *name, Role: school.Role(*role)}, hash)
	if err != nil {
		return err
	}
	if *editions != "" {
		all, err := store.EditionSummaries(ctx, school.AllEditions())
		if err != nil {
			return err
		}
		for _, slug := range strings.Split(*editions, ",") {
			i := slices.IndexFunc(all, func(e db.EditionSummary) bool { return e.Slug == strings.TrimSpace(slug) })
			if i < 0 {
				return fmt.Errorf("no edition %q", slug)
			}
			if err := store.AssignStaff(ctx, id, all[i].ID); err != nil {
				return err
			}
		}
	}
	fmt.Fprintf(stdout, "added %s (%s)\n", *email, *role)
	return nil
}

// resetSecondFactor removes a user's second factor from the command line: the way back in for
// an admin who lost both phone and recovery codes when no other admin can reset it, or after
// secret.key was lost. The audit log records it as done by the system.
func resetSecondFactor(ctx context.Context, store *db.Store, args []string, stdout io.Writer) error {
	flags := flag.NewFlagSet("user reset-second-factor", flag.ContinueOnError)
	email := flags.String("email", "", "the user's email address")
	if err := flags.Parse(args); err != nil {
		return err
	}
	u, _, err := store.UserByEmail(ctx, *email)
	if errors.Is(err, db.ErrNotFound) {
		return fmt.Errorf("no user %q", *email)
	}
	if err != nil {
		return err
	}
	if err := store.ResetSecondFactor(ctx, u, db.ActorSystem, time.Now()); errors.Is(err, db.ErrNotFound) {
		return fmt.Errorf("%s has no two-factor authentication", u.Email)
	} else if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "two-factor authentication of %s removed; they set it up again at their next sign-in if they must have it\n", u.Email)
	return nil
}
