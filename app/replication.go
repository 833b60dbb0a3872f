package app

import (
	"context"
	"log/slog"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"registrar/app/i18n"
	"registrar/app/ops"
)

// Replication by Litestream, as the System page, the metrics and /healthz report it
// (app/ops/replication.go measures it).

// replicationCheckEvery is how often the server looks at the replication while nobody asks, so
// the log warns of a write-ahead log that nobody checkpoints.
const replicationCheckEvery = 10 * time.Second

func (s *Server) newReplicationWatch(logger *slog.Logger) *ops.ReplicationWatch {
	socket := s.cfg.Ops.LitestreamSocket
	if socket == "" {
		socket = filepath.Join(s.cfg.DataDir, "litestream.sock")
	}
	return ops.NewReplicationWatch(s.cfg.Replicated, s.cfg.Layout().Database(), socket, s.cfg.Ops.WALLimit, logger)
}

// WatchReplication looks at the replication until ctx ends; without REGISTRAR_LITESTREAM it
// returns at once.
func (s *Server) WatchReplication(ctx context.Context) {
	s.watch.Replication.Run(ctx, replicationCheckEvery)
}

// systemReplication is the System page's line on replication.
type systemReplication struct {
	On      bool
	Unknown bool   // Litestream does not answer
	Socket  string // where it was asked
	Lag     string // "0.2 s"
	Ago     string // how long ago it last synced: "0.4 s", "12 min"
	Stalled bool
	WAL     string // the write-ahead log's size, when it grew past the limit
}

func replicationLine(r ops.Replication, socket string, L *i18n.Translator) systemReplication {
	p := systemReplication{On: r.On, Unknown: r.Err != nil, Socket: socket, Stalled: r.Stalled()}
	if r.On && r.Err == nil {
		p.Lag, p.Ago = seconds(r.Lag, L), seconds(r.At.Sub(r.LastSync), L)
	}
	if r.WALLarge {
		p.WAL = size(uint64(r.WAL))
	}
	return p
}

// replicationHealth adds the replication to /healthz's answer: degraded while it is stalled or
// the write-ahead log grows unchecked.
func replicationHealth(r ops.Replication, answer map[string]any) {
	if !r.On {
		return
	}
	answer["replication"] = "ok"
	if r.Err == nil {
		answer["replication_lag_seconds"] = r.Lag.Seconds()
		answer["replication_last_sync_age_seconds"] = r.At.Sub(r.LastSync).Seconds()
	}
	if r.Stalled() {
		answer["status"], answer["replication"] = "degraded", "stalled: new applications may not reach the replica"
	}
	if r.Err != nil {
		answer["replication_error"] = r.Reason()
	}
	answer["wal_bytes"] = r.WAL
	if r.WALLarge {
		answer["status"], answer["wal"] = "degraded", "growing: checkpoints are left to Litestream, which is not running them"
	}
}

// seconds says a short span to a tenth of a second ("0.4 s", in Czech "0,4 s"), a longer one
// in minutes or hours.
func seconds(d time.Duration, L *i18n.Translator) string {
	switch {
	case d >= time.Hour:
		return L.Number(int64(d/time.Hour)) + "\u00a0h"
	case d >= time.Minute:
		return strconv.FormatInt(int64(d/time.Minute), 10) + "\u00a0min"
	}
	v := strconv.FormatFloat(d.Seconds(), 'f', 1, 64)
	if L.Lang == "cs" {
		v = strings.Replace(v, ".", ",", 1)
	}
	return v + "\u00a0s"
}
