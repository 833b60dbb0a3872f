package ops

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeLitestream answers /list on a Unix socket as Litestream's control socket does, with the
// last sync the test sets.
type fakeLitestream struct {
	mu       sync.Mutex
	path     string
	lastSync time.Time
}

func (f *fakeLitestream) set(path string, at time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.path, f.lastSync = path, at
}

func (f *fakeLitestream) serve(t *testing.T, socket string) {
	t.Helper()
	ln, err := net.Listen("unix", socket)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		_ = json.NewEncoder(w).Encode(map[string]any{"databases": []map[string]any{
			{"path": f.path, "status": "replicating", "last_sync_at": f.lastSync}}})
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
}

// The lag is 0 once Litestream synced well after the last write; while a write may wait it is
// the last sync's age; a Litestream that replicates another file, or none at all, leaves it
// unknown and replication stalled.
func TestReplicationLagComparesTheLastWriteWithTheLastSync(t *testing.T) {
	dir := t.TempDir()
	database := filepath.Join(dir, "registrar.db")
	for _, f := range []string{database, database + "-wal"} {
		if err := os.WriteFile(f, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	socket := filepath.Join(dir, "ls.sock")
	var litestream fakeLitestream
	litestream.serve(t, socket)
	state := func() Replication { // a watch of its own each time, so nothing is remembered
		return NewReplicationWatch(true, database, socket, 0, slog.New(slog.NewTextHandler(io.Discard, nil))).State(context.Background())
	}
	now := time.Now()
	written := now.Add(-time.Minute)
	if err := os.Chtimes(database+"-wal", written, written); err != nil {
		t.Fatal(err)
	}

	litestream.set(database, now.Add(-time.Second)) // synced long after the write
	if r := state(); r.Err != nil || r.Lag != 0 || r.Stalled() {
		t.Errorf("synced after the last write: lag %v, err %v, stalled %v", r.Lag, r.Err, r.Stalled())
	}
	litestream.set(database, written.Add(time.Second)) // a sync that may have begun before the write was read
	if r := state(); r.Err != nil || r.Lag < 59*time.Second || !r.Stalled() {
		t.Errorf("no sync since the write: lag %v, err %v, stalled %v", r.Lag, r.Err, r.Stalled())
	}
	litestream.set(database, now.Add(-30*time.Second)) // nothing waits, but Litestream has not synced for 30 s
	if r := state(); r.Err != nil || r.Lag != 0 || !r.Stalled() {
		t.Errorf("an old last sync: lag %v, err %v, stalled %v", r.Lag, r.Err, r.Stalled())
	}
	litestream.set(filepath.Join(dir, "other.db"), now)
	if r := state(); r.Err == nil || !strings.Contains(r.Err.Error(), "does not replicate") || !r.Stalled() {
		t.Errorf("Litestream replicating another database: err %v, stalled %v", r.Err, r.Stalled())
	}
	if r := NewReplicationWatch(true, database, filepath.Join(dir, "none.sock"), 0, slog.Default()).State(context.Background()); r.Err == nil || !r.Stalled() {
		t.Errorf("no Litestream: err %v, stalled %v", r.Err, r.Stalled())
	}
	if r := NewReplicationWatch(false, database, socket, 0, slog.Default()).State(context.Background()); r.On || r.Stalled() {
		t.Errorf("replication off: %+v", r)
	}
}
