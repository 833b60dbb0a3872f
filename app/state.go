package app

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/storage/sqlite3/v2"
)

// openState opens the store for short-lived web state (CSRF tokens, rate-limit counters,
// sessions) in its own SQLite file, so its constant small writes never wait on the
// applications database's writer.
func openState(dataDir string) (*sql.DB, *sqlite3.Storage, error) {
	if err := os.MkdirAll(dataDir, 0o750); err != nil {
		return nil, nil, fmt.Errorf("app: data folder: %w", err)
	}
	path := filepath.Join(dataDir, "state.db")
	conn, err := sql.Open("sqlite3", "file:"+url.PathEscape(path)+
		"?_journal_mode=WAL&_busy_timeout=5000&_synchronous=NORMAL&_txlock=immediate&_stmt_cache_size=16")
	if err != nil {
		return nil, nil, fmt.Errorf("app: state store: %w", err)
	}
	conn.SetMaxOpenConns(1)
	storage := sqlite3.NewFromConnection(conn, sqlite3.Config{
		Table:      "web_state",
		GCInterval: time.Minute,
	})
	return conn, storage, nil
}

// loadSecret reads the key that signs form timestamps, creating it on first start.
func loadSecret(dataDir string) ([]byte, error) {
	path := filepath.Join(dataDir, "secret.key")
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		key := make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, err
		}
		data = []byte(hex.EncodeToString(key))
		if err := os.WriteFile(path, data, 0o600); err != nil {
			return nil, fmt.Errorf("app: write %s: %w", path, err)
		}
		return key, nil
	}
	if err != nil {
		return nil, fmt.Errorf("app: read %s: %w", path, err)
	}
	return hex.DecodeString(strings.TrimSpace(string(data)))
}

// signTime returns t with a signature, for a hidden form field the server can trust later.
func (s *Server) signTime(t time.Time) string {
	v := strconv.FormatInt(t.Unix(), 10)
	return v + "." + s.mac(v)
}

// signedTime reads a value made by signTime; the zero time when it is missing or forged.
func (s *Server) signedTime(v string) time.Time {
	stamp, sig, ok := strings.Cut(v, ".")
	if !ok || !hmac.Equal([]byte(sig), []byte(s.mac(stamp))) {
		return time.Time{}
	}
	secs, err := strconv.ParseInt(stamp, 10, 64)
	if err != nil {
		return time.Time{}
	}
	return time.Unix(secs, 0).UTC()
}

func (s *Server) mac(v string) string {
	h := hmac.New(sha256.New, s.secret)
	h.Write([]byte(v))
	return hex.EncodeToString(h.Sum(nil))
}
