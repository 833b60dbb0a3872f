package app

import (
	"bytes"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/gofiber/storage/sqlite3/v2"

	"registrar/db"
)

// openState opens the store for short-lived web state (CSRF tokens, rate-limit counters,
// sessions) in its own SQLite file, so its constant small writes never wait on the
// applications database's writer. Every request writes to it, so it is checkpointed in the
// background like the applications database (db/checkpoint.go): a checkpoint inside a request's
// commit held up every request behind it for two fsyncs.
func openState(dataDir string) (*sql.DB, *webState, *db.Checkpoints, error) {
	if err := os.MkdirAll(dataDir, 0o750); err != nil {
		return nil, nil, nil, fmt.Errorf("app: data folder: %w", err)
	}
	file := "file:" + url.PathEscape(filepath.Join(dataDir, "state.db"))
	conn, err := sql.Open("sqlite3", file+
		"?_journal_mode=WAL&_busy_timeout=5000&_synchronous=NORMAL&_txlock=immediate&_stmt_cache_size=16")
	if err != nil {
		return nil, nil, nil, fmt.Errorf("app: state store: %w", err)
	}
	// One connection, kept for good, so that the setting below holds for every write.
	conn.SetMaxOpenConns(1)
	if _, err := conn.Exec(`PRAGMA wal_autocheckpoint = 0`); err != nil {
		conn.Close()
		return nil, nil, nil, fmt.Errorf("app: state store: %w", err)
	}
	checkpoints, err := db.StartCheckpoints(file + "?_busy_timeout=5000")
	if err != nil {
		conn.Close()
		return nil, nil, nil, fmt.Errorf("app: state store: %w", err)
	}
	storage := sqlite3.NewFromConnection(conn, sqlite3.Config{
		Table:      "web_state",
		GCInterval: time.Minute,
	})
	return conn, &webState{Storage: storage, written: map[string]stateWrite{}}, checkpoints, nil
}

// restoreAfter is how long a value this process wrote is not written again unchanged.
const restoreAfter = time.Minute

// webState is the state store with half the writes. The CSRF middleware stores its token again
// on every request only to push its expiry back, a write (and a commit of state.db) per page;
// a value this process stored less than restoreAfter ago is not written again, so a token
// expires at most a minute early out of six hours. Reads always go to the database, so
// several instances still share every token, counter and session.
type webState struct {
	*sqlite3.Storage

	mu      sync.Mutex
	written map[string]stateWrite
	swept   time.Time
}

type stateWrite struct {
	val []byte
	at  time.Time
}

// Set stores val under key unless this process stored the same value less than restoreAfter ago.
func (w *webState) Set(key string, val []byte, exp time.Duration) error {
	now := time.Now()
	w.mu.Lock()
	last, ok := w.written[key]
	fresh := ok && now.Sub(last.at) < restoreAfter && bytes.Equal(last.val, val) && exp > restoreAfter
	w.mu.Unlock()
	if fresh {
		return nil
	}
	if err := w.Storage.Set(key, val, exp); err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.written[key] = stateWrite{val: bytes.Clone(val), at: now}
	if now.Sub(w.swept) > restoreAfter {
		for k, sw := range w.written {
			if now.Sub(sw.at) >= restoreAfter {
				delete(w.written, k)
			}
		}
		w.swept = now
	}
	return nil
}

// Delete removes key, here and in the database.
func (w *webState) Delete(key string) error {
	w.mu.Lock()
	delete(w.written, key)
	w.mu.Unlock()
	return w.Storage.Delete(key)
}

// Reset removes everything, here and in the database.
func (w *webState) Reset() error {
	w.mu.Lock()
	clear(w.written)
	w.mu.Unlock()
	return w.Storage.Reset()
}
