package ops

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"registrar/db"
)

// Snapshot is the state of the server at a glance: what the System page shows and what each
// scrape of the metrics reads.
type Snapshot struct {
	Version     string
	Started     time.Time
	Disk        DiskState
	Outbox      db.OutboxHealth
	OutboxErr   error
	LastBackup  time.Time // the newest file in the backups folder; zero when there is none
	Replication Replication
}

// Watch gathers a Snapshot from the store, the disk watch and the backups folder.
type Watch struct {
	Store       *db.Store
	Disk        *DiskWatch
	BackupsDir  string
	Replication *ReplicationWatch
	Version     string
	Started     time.Time
}

// Snapshot reads the state now.
func (w *Watch) Snapshot(ctx context.Context) Snapshot {
	s := Snapshot{Version: w.Version, Started: w.Started, Disk: w.Disk.State(), LastBackup: newestFile(w.BackupsDir)}
	s.Outbox, s.OutboxErr = w.Store.OutboxHealth(ctx)
	s.Replication = w.Replication.State(ctx)
	return s
}

// newestFile is the modification time of the newest file in dir: the nightly backups, and the
// copies taken before an upgrade.
func newestFile(dir string) time.Time {
	files, _ := filepath.Glob(filepath.Join(dir, "*.db"))
	var newest time.Time
	for _, f := range files {
		if fi, err := os.Stat(f); err == nil && fi.ModTime().After(newest) {
			newest = fi.ModTime()
		}
	}
	return newest
}

// Metrics are Registrar's Prometheus metrics, in a registry of their own.
type Metrics struct {
	Registry *prometheus.Registry
	// Requests and Latency are by route pattern (/editions/:slug, not each address), method and
	// status class, so their number stays bounded.
	Requests  *prometheus.CounterVec
	Latency   *prometheus.HistogramVec
	Submitted prometheus.Counter
}

// NewMetrics registers the metrics; the gauges are read from watch at each scrape.
func NewMetrics(watch *Watch, now func() time.Time) *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		Requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "registrar_http_requests_total",
			Help: "HTTP requests answered, by route pattern, method and status."}, []string{"route", "method", "status"}),
		Latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "registrar_http_request_duration_seconds",
			Help:    "Time to answer an HTTP request, by route pattern and method.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 10}}, []string{"route", "method"}),
		Submitted: prometheus.NewCounter(prometheus.CounterOpts{Name: "registrar_applications_submitted_total",
			Help: "Applications taken since the server started."}),
	}
	m.Registry.MustRegister(m.Requests, m.Latency, m.Submitted,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		&snapshotCollector{watch: watch, now: now})
	return m
}

var (
	descOutboxQueued = prometheus.NewDesc("registrar_outbox_queued", "Emails waiting in the outbox.", nil, nil)
	descOutboxFailed = prometheus.NewDesc("registrar_outbox_failed", "Emails the outbox gave up on.", nil, nil)
	descOutboxOldest = prometheus.NewDesc("registrar_outbox_oldest_queued_age_seconds",
		"Age of the oldest email waiting in the outbox; 0 when none waits.", nil, nil)
	descBackupAge = prometheus.NewDesc("registrar_last_backup_age_seconds",
		"Age of the newest file in the backups folder; absent when there is none.", nil, nil)
	descDiskFree = prometheus.NewDesc("registrar_disk_free_bytes", "Free space on the data folder's disk.", nil, nil)
	descDiskMin  = prometheus.NewDesc("registrar_disk_min_free_bytes",
		"Free space below which new applications and uploads are refused.", nil, nil)
	descDiskLow       = prometheus.NewDesc("registrar_disk_low", "1 while new applications are refused for want of disk space.", nil, nil)
	descReplicationUp = prometheus.NewDesc("registrar_replication_up",
		"With REGISTRAR_LITESTREAM=1: 1 while Litestream answers on its socket and replicates the database.", nil, nil)
	descReplicationHealthy = prometheus.NewDesc("registrar_replication_healthy",
		"With REGISTRAR_LITESTREAM=1: 1 while Litestream answers, the lag is within 2 s and it synced in the last 10 s.", nil, nil)
	descReplicationLag = prometheus.NewDesc("registrar_replication_lag_seconds",
		"How long the newest writes may have waited for the replica: the last sync's age when the database "+
			"was written after it, else 0; absent when Litestream does not answer.", nil, nil)
	descReplicationSync = prometheus.NewDesc("registrar_replication_last_sync_age_seconds",
		"Age of Litestream's last successful sync to the replica; absent when Litestream does not answer.", nil, nil)
	descWAL = prometheus.NewDesc("registrar_wal_bytes",
		"Size of the database's write-ahead log, with REGISTRAR_LITESTREAM=1 (Litestream checkpoints it).", nil, nil)
	descBuild = prometheus.NewDesc("registrar_build_info", "The running version.", []string{"version"}, nil)
)

// snapshotCollector reads a Snapshot at each scrape: a few queries every scrape interval, none
// per request.
type snapshotCollector struct {
	watch *Watch
	now   func() time.Time
}

func (c *snapshotCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descOutboxQueued, descOutboxFailed, descOutboxOldest, descBackupAge,
		descDiskFree, descDiskMin, descDiskLow, descBuild, descReplicationUp, descReplicationHealthy,
		descReplicationLag, descReplicationSync, descWAL} {
		ch <- d
	}
}

func (c *snapshotCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s := c.watch.Snapshot(ctx)
	now := c.now()
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	if s.OutboxErr == nil {
		gauge(descOutboxQueued, float64(s.Outbox.Queued))
		gauge(descOutboxFailed, float64(s.Outbox.Failed))
		age := 0.0
		if !s.Outbox.OldestQueued.IsZero() {
			age = now.Sub(s.Outbox.OldestQueued).Seconds()
		}
		gauge(descOutboxOldest, age)
	}
	if !s.LastBackup.IsZero() {
		gauge(descBackupAge, now.Sub(s.LastBackup).Seconds())
	}
	if s.Disk.Err == nil {
		gauge(descDiskFree, float64(s.Disk.Free))
		gauge(descDiskMin, float64(s.Disk.Min))
	}
	low := 0.0
	if s.Disk.Low {
		low = 1
	}
	gauge(descDiskLow, low)
	gauge(descBuild, 1, s.Version)
	if r := s.Replication; r.On {
		gauge(descReplicationUp, flag(r.Err == nil))
		gauge(descReplicationHealthy, flag(!r.Stalled()))
		gauge(descWAL, float64(r.WAL))
		if r.Err == nil {
			gauge(descReplicationLag, r.Lag.Seconds())
			gauge(descReplicationSync, r.At.Sub(r.LastSync).Seconds())
		}
	}
}

// flag is 1 for true, 0 for false, as Prometheus says it.
func flag(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// ServeMetrics serves the metrics at /metrics on addr until ctx ends: a listener of its own,
// apart from the site, so a proxy in front of the site never exposes them.
func ServeMetrics(ctx context.Context, addr string, m *Metrics) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("ops: metrics: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{}))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("ops: metrics: %w", err)
	}
	return nil
}
