package files

import "path/filepath"

// Layout is the data folder (REGISTRAR_DATA), and the one place that says where each thing in it
// is kept:
//
//	registrar.db   the applications database (its -wal and -shm files beside it), with the
//	               bytes of every file applicants sent and organisers added
//	state.db       sessions, CSRF tokens and rate limits (app/webstate)
//	secret.key     signs the times forms were opened at and seals second factors' keys
//	uploads/       where files applicants sent were kept before they moved into the database;
//	documents/     the same for documents: a start moves what is left in them into it
//	backups/       the nightly copies of the database
//	mail/          emails as .eml files, when no SMTP server is configured
//
// The folders are made when something is first written into them.
type Layout string

// Database is the applications database.
func (l Layout) Database() string { return l.join("registrar.db") }

// WebState is the second SQLite file, for sessions, CSRF tokens and rate limits.
func (l Layout) WebState() string { return l.join("state.db") }

// SecretKey is the server's secret key, created on first start.
func (l Layout) SecretKey() string { return l.join("secret.key") }

// Uploads is the folder files applicants sent were kept in before they moved into the database.
func (l Layout) Uploads() string { return l.join("uploads") }

// Documents is the folder documents were kept in before they moved into the database.
func (l Layout) Documents() string { return l.join("documents") }

// Backups is the folder of the nightly backups.
func (l Layout) Backups() string { return l.join("backups") }

// Mail is the folder emails are written to as .eml files when no SMTP server is configured.
func (l Layout) Mail() string { return l.join("mail") }

func (l Layout) join(name string) string { return filepath.Join(string(l), name) }
