package db

import (
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/gofiber/storage/sqlite3/v2"
)

// WebState is the store of short-lived web state (CSRF tokens, rate-limit counters, sessions) in
// a SQLite file of its own, so that its constant small writes never wait on the applications
// database's writer. Its statements are those of Fiber's SQLite storage
// (github.com/gofiber/storage/sqlite3, which imports no Fiber) on one table, web_state; it has
// the methods of fiber.Storage, for app/webstate to hand to the middleware.
type WebState struct {
	conn        *sql.DB
	storage     *sqlite3.Storage
	checkpoints *checkpoints
}

// OpenWebState opens (creating when missing) the web state file at path. Every request writes to
// it, so it is checkpointed in the background like the applications database (checkpoint.go): a
// checkpoint inside a request's commit held up every request behind it for two fsyncs.
func OpenWebState(path string) (*WebState, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("db: data folder: %w", err)
	}
	file := "file:" + url.PathEscape(path)
	conn, err := sql.Open("sqlite3", file+
		"?_journal_mode=WAL&_busy_timeout=5000&_synchronous=NORMAL&_txlock=immediate&_stmt_cache_size=16")
	if err != nil {
		return nil, fmt.Errorf("db: web state: %w", err)
	}
	// One connection, kept for good, so that the setting below holds for every write.
	conn.SetMaxOpenConns(1)
	if _, err := conn.Exec(`PRAGMA wal_autocheckpoint = 0`); err != nil {
		conn.Close()
		return nil, fmt.Errorf("db: web state: %w", err)
	}
	checkpoints, err := startCheckpoints(file + "?_busy_timeout=5000")
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("db: web state: %w", err)
	}
	storage := sqlite3.NewFromConnection(conn, sqlite3.Config{
		Table:      "web_state",
		GCInterval: time.Minute,
	})
	return &WebState{conn: conn, storage: storage, checkpoints: checkpoints}, nil
}

// Get returns the value stored under key, nil when there is none or it expired.
func (w *WebState) Get(key string) ([]byte, error) { return w.storage.Get(key) }

// Set stores val under key for exp (0: for good).
func (w *WebState) Set(key string, val []byte, exp time.Duration) error {
	return w.storage.Set(key, val, exp)
}

// Delete removes key.
func (w *WebState) Delete(key string) error { return w.storage.Delete(key) }

// Reset removes everything.
func (w *WebState) Reset() error { return w.storage.Reset() }

// Close stops the checkpoints and the removal of expired values, and closes the file.
func (w *WebState) Close() error {
	w.checkpoints.Stop()
	return errors.Join(w.storage.Close(), w.conn.Close())
}
