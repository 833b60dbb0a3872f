package ops

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"time"
)

// How far the replica is behind. Litestream keeps the replica's position in memory only, and its
// Prometheus metrics say how far it has read the write-ahead log, not what reached the replica;
// its control socket (`socket:` in deploy/litestream.yml) says when its last sync to the replica
// succeeded. Registrar knows when the database was last written: the log's modification time. A
// sync sends what Litestream had read of the log when the sync began, and it reads the log every
// monitor-interval (200 ms here, 1 s by default), so a write counts as sent only once a sync
// succeeded syncGrace after it. While a write may wait, the lag is the last sync's age: how long
// the replica has not caught up. Otherwise it is 0. It reads low by up to one of Litestream's
// cycles (monitor-interval and a sync, about 0.4 s here): a write made just after Litestream read
// the log waits for the next sync while the last one is already recorded. scripts/replication_lag.sh
// prints it beside the lag measured end to end, from the applicant's answer to the replica.

// syncGrace is how long after a write a successful sync must end to have sent it: Litestream's
// default monitor-interval and a slow sync.
const syncGrace = 2 * time.Second

// LagLimit is issue 13's target: an acknowledged application is in the replica within 2 s.
const LagLimit = 2 * time.Second

// SyncLimit is how old Litestream's last sync may be while nothing waits: it syncs at least
// every two sync intervals (1 s with the repository's config for S3), so a sync older than this
// means it cannot reach the replica.
const SyncLimit = 10 * time.Second

// DefaultWALLimit is the size of the write-ahead log past which a server that leaves its
// checkpoints to Litestream warns: Litestream checkpoints at about 4 MB, so a log this large
// means it is not running.
const DefaultWALLimit = 64 << 20

// Replication is what the last look at the replication found.
type Replication struct {
	// On says that Litestream replicates the database (REGISTRAR_LITESTREAM=1); the rest is
	// empty otherwise.
	On bool
	// Err says why Litestream's state is unknown: it does not answer on its socket, or does not
	// replicate this database. Lag and LastSync are then unknown.
	Err      error
	LastSync time.Time     // when Litestream last finished sending to the replica
	Lag      time.Duration // how long the newest writes may have waited for the replica
	// WAL is the size of the write-ahead log; WALLarge says it passed the limit, with the
	// checkpoints left to Litestream.
	WAL      int64
	WALLarge bool
	At       time.Time
}

// Why Litestream's state may be unknown, in words that name no file: /healthz answers anyone.
var (
	ErrNoAnswer  = errors.New("Litestream does not answer on its socket")
	ErrNotSynced = errors.New("Litestream has not yet synced the database to its replica")
	ErrNotOurs   = errors.New("Litestream does not replicate this database")
)

// Reason is why the state is unknown, naming no file or socket; "" when it is known.
func (r Replication) Reason() string {
	for _, known := range []error{ErrNoAnswer, ErrNotSynced, ErrNotOurs} {
		if errors.Is(r.Err, known) {
			return known.Error()
		}
	}
	if r.Err != nil {
		return "Registrar cannot read its own database file"
	}
	return ""
}

// Stalled says that replication is on and an application taken now may not reach the replica
// in time: Litestream does not answer, the lag is past LagLimit, or it has not synced for
// SyncLimit.
func (r Replication) Stalled() bool {
	return r.On && (r.Err != nil || r.Lag > LagLimit || r.At.Sub(r.LastSync) > SyncLimit)
}

// ReplicationWatch looks at Litestream's progress on the database, through its control socket.
type ReplicationWatch struct {
	on       bool
	database string
	socket   string
	walLimit int64
	client   *http.Client
	log      *slog.Logger

	mu        sync.Mutex
	last      Replication
	warnedWAL bool
}

// NewReplicationWatch watches the replication of the database at path by the Litestream that
// listens on socket; on false watches nothing. walLimit 0 is DefaultWALLimit.
func NewReplicationWatch(on bool, path, socket string, walLimit int64, log *slog.Logger) *ReplicationWatch {
	if walLimit == 0 {
		walLimit = DefaultWALLimit
	}
	dial := func(ctx context.Context, _, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "unix", socket)
	}
	return &ReplicationWatch{on: on, database: path, socket: socket, walLimit: walLimit, log: log,
		client: &http.Client{Timeout: time.Second, Transport: &http.Transport{DialContext: dial}}}
}

// Socket is where Litestream is asked.
func (w *ReplicationWatch) Socket() string { return w.socket }

// replicationEvery is how often a look is taken again: Litestream syncs five times a second.
const replicationEvery = 250 * time.Millisecond

// State is the replication's state, looked at again when the last look is older than a quarter
// of a second. File times and Litestream's clock are the machine's, so it reads the real time.
func (w *ReplicationWatch) State(ctx context.Context) Replication {
	if !w.on {
		return Replication{}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	now := time.Now()
	if now.Sub(w.last.At) < replicationEvery {
		return w.last
	}
	r := Replication{On: true, At: now}
	var written time.Time
	if fi, err := os.Stat(w.database + "-wal"); err == nil {
		r.WAL, written = fi.Size(), fi.ModTime()
	}
	r.WALLarge = r.WAL > w.walLimit
	if r.WALLarge && !w.warnedWAL {
		w.log.Warn("the database's write-ahead log keeps growing: with REGISTRAR_LITESTREAM=1 Registrar leaves "+
			"checkpoints to Litestream, which is not running them; start Litestream, or unset REGISTRAR_LITESTREAM",
			slog.Int64("wal_bytes", r.WAL), slog.Int64("limit_bytes", w.walLimit))
	}
	w.warnedWAL = r.WALLarge
	r.LastSync, r.Err = w.lastSync(ctx)
	if r.Err == nil && written.Add(syncGrace).After(r.LastSync) {
		r.Lag = now.Sub(r.LastSync)
	}
	w.last = r
	return r
}

// Run looks every few seconds until ctx ends, so the log warns of a growing write-ahead log
// even while nobody looks at the System page.
func (w *ReplicationWatch) Run(ctx context.Context, every time.Duration) {
	if !w.on {
		return
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		w.State(ctx)
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// lastSync asks Litestream when it last finished a sync of the database to the replica.
func (w *ReplicationWatch) lastSync(ctx context.Context) (time.Time, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://litestream/list", nil)
	if err != nil {
		return time.Time{}, err
	}
	resp, err := w.client.Do(req)
	if err != nil {
		return time.Time{}, fmt.Errorf("ops: %w (%s): %v", ErrNoAnswer, w.socket, err)
	}
	defer resp.Body.Close()
	var list struct {
		Databases []struct {
			Path       string     `json:"path"`
			Status     string     `json:"status"`
			LastSyncAt *time.Time `json:"last_sync_at"`
		} `json:"databases"`
	}
	if resp.StatusCode != http.StatusOK {
		return time.Time{}, fmt.Errorf("ops: %w (%s answered %s)", ErrNoAnswer, w.socket, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil {
		return time.Time{}, fmt.Errorf("ops: %w (%s answered: %v)", ErrNoAnswer, w.socket, err)
	}
	ours, err := os.Stat(w.database)
	if err != nil {
		return time.Time{}, err
	}
	for _, d := range list.Databases {
		if theirs, err := os.Stat(d.Path); err != nil || !os.SameFile(ours, theirs) {
			continue
		}
		if d.LastSyncAt == nil {
			return time.Time{}, fmt.Errorf("ops: %w", ErrNotSynced)
		}
		return *d.LastSyncAt, nil
	}
	return time.Time{}, fmt.Errorf("ops: %w (%s on %s)", ErrNotOurs, w.database, w.socket)
}
