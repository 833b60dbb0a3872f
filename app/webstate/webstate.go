// Package webstate holds the short-lived state of the web: back-office sessions, the CSRF token
// of every form and the rate-limit counters, as the one fiber.Storage the middleware share. It is
// kept in a second SQLite file, state.db beside the applications database (db.OpenWebState),
// because every request writes to it: in a file of its own those small writes never wait on the
// applications database's one writer, and backups of the applications leave them out. Reads always
// go to the file, so several instances share every token, counter and session.
package webstate

import (
	"bytes"
	"sync"
	"sync/atomic"
	"time"

	"registrar/db"
)

// Open opens the store for short-lived web state (CSRF tokens, rate-limit counters,
// sessions) at path, a SQLite file of its own (db.OpenWebState).
func Open(path string) (*Store, error) {
	store, err := db.OpenWebState(path)
	if err != nil {
		return nil, err
	}
	return &Store{WebState: store, written: map[string]stateWrite{}}, nil
}

// restoreAfter is how long a value this process wrote is not written again unchanged.
const restoreAfter = time.Minute

// Store is the state store with half the writes. The CSRF middleware stores its token again
// on every request only to push its expiry back, a write (and a commit of state.db) per page;
// a value this process stored less than restoreAfter ago is not written again, so a token
// expires at most a minute early out of six hours. Reads always go to the database, so
// several instances still share every token, counter and session.
type Store struct {
	*db.WebState

	mu      sync.Mutex
	written map[string]stateWrite
	swept   time.Time
	// failedAt is when a write last failed (Unix nanoseconds; 0: never). A later write that
	// succeeds does not clear it: tokens lost before it are still missing.
	failedAt atomic.Int64
}

// failedLately is how long after a failed write a missing token may be the one that failed.
const failedLately = 10 * time.Minute

// WriteFailed tells whether a write failed lately (a full disk): the CSRF middleware ignores a
// failed write, and a form's token that was never stored then looks like an expired page.
func (w *Store) WriteFailed() bool {
	at := w.failedAt.Load()
	return at != 0 && time.Since(time.Unix(0, at)) < failedLately
}

type stateWrite struct {
	val []byte
	at  time.Time
}

// Set stores val under key unless this process stored the same value less than restoreAfter ago.
func (w *Store) Set(key string, val []byte, exp time.Duration) error {
	now := time.Now()
	w.mu.Lock()
	last, ok := w.written[key]
	fresh := ok && now.Sub(last.at) < restoreAfter && bytes.Equal(last.val, val) && exp > restoreAfter
	w.mu.Unlock()
	if fresh {
		return nil
	}
	if err := w.WebState.Set(key, val, exp); err != nil {
		w.failedAt.Store(now.UnixNano())
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
func (w *Store) Delete(key string) error {
	w.mu.Lock()
	delete(w.written, key)
	w.mu.Unlock()
	return w.WebState.Delete(key)
}

// Reset removes everything, here and in the database.
func (w *Store) Reset() error {
	w.mu.Lock()
	clear(w.written)
	w.mu.Unlock()
	return w.WebState.Reset()
}
