package app

import (
	"context"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"registrar/app/ops"
	"registrar/app/school"
)

// The System page and the metrics: how the server is doing, for admins and for Prometheus.

type systemPage struct {
	User        school.User
	Version     string
	Started     string
	Disk        ops.DiskState
	DiskFree    string // "12 GB of 40 GB"
	DiskMin     string
	Threshold   string
	Outbox      systemOutbox
	Backup      string // when the newest backup was taken, or "" when there is none
	BackupOld   bool   // more than two days ago: the nightly backup is not running
	Metrics     string // where Prometheus reads the metrics, or ""
	Replication systemReplication
}

type systemOutbox struct {
	Queued, Failed int
	Oldest         string // when the oldest waiting email was queued, or ""
	Err            bool
}

// showSystem shows admins the version, the disk, the outbox and the last backup at a glance:
// the same the metrics say.
func (s *Server) showSystem(c *fiber.Ctx) error {
	L := s.i18n.Translator(langOf(c))
	snap := s.watch.Snapshot(c.UserContext())
	p := systemPage{User: currentUser(c), Version: snap.Version, Started: L.Moment(snap.Started), Disk: snap.Disk,
		DiskFree: size(snap.Disk.Free) + " / " + size(snap.Disk.Total), DiskMin: size(snap.Disk.Min),
		Threshold: s.disk.Threshold().String(), Metrics: s.cfg.Ops.MetricsAddr,
		Outbox: systemOutbox{Queued: snap.Outbox.Queued, Failed: snap.Outbox.Failed, Err: snap.OutboxErr != nil}}
	p.Replication = replicationLine(snap.Replication, s.watch.Replication.Socket(), L)
	if !snap.Outbox.OldestQueued.IsZero() {
		p.Outbox.Oldest = L.Moment(snap.Outbox.OldestQueued)
	}
	if !snap.LastBackup.IsZero() {
		p.Backup = L.Moment(snap.LastBackup)
		p.BackupOld = s.now().Sub(snap.LastBackup) > 48*time.Hour
	}
	return s.renderPage(c, "admin/system", s.newPage(c, L.T("system_title"), "admin", p))
}

// size says a number of bytes in MB or GB.
func size(n uint64) string {
	if n >= 10<<30 {
		return strconv.FormatUint(n>>30, 10) + " GB"
	}
	return strconv.FormatUint(n>>20, 10) + " MB"
}

// measure counts each request by its route pattern and times it, for the metrics; it runs only
// when metrics are served.
func (s *Server) measure(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	route, method := c.Route().Path, c.Method()
	status := c.Response().StatusCode()
	s.metrics.Requests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
	s.metrics.Latency.WithLabelValues(route, method).Observe(time.Since(start).Seconds())
	return err
}

// countSubmission counts an application taken, when metrics are served.
func (s *Server) countSubmission() {
	if s.metrics != nil {
		s.metrics.Submitted.Inc()
	}
}

// ServeMetrics serves the Prometheus metrics on their own address until ctx ends; without
// REGISTRAR_METRICS_ADDR it returns at once.
func (s *Server) ServeMetrics(ctx context.Context) error {
	if s.metrics == nil {
		return nil
	}
	return ops.ServeMetrics(ctx, s.cfg.Ops.MetricsAddr, s.metrics)
}
