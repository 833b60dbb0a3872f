package main

// The replication lag under the submission load (issue 13's target: an acknowledged application
// is in the replica within 2 s). A measurement, not a check: scripts/replication_lag.sh runs it
// (REGISTRAR_LAG_RUN=1) and prints the figures; go test skips it.

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestReplicationLagUnderLoad(t *testing.T) {
	if os.Getenv("REGISTRAR_LAG_RUN") != "1" {
		t.Skip("a measurement: scripts/replication_lag.sh runs it")
	}
	duration := envDuration(t, "LAG_DURATION", 10*time.Second)
	workers := envInt(t, "LAG_WORKERS", 16)
	cvBytes := envInt(t, "LAG_CV_BYTES", 200<<10)
	litestream := litestreamBinary(t)
	dir := t.TempDir()
	bin := buildBinary(t, dir)
	data, replica := filepath.Join(dir, "data"), filepath.Join(dir, "replica")
	addr := freeAddr(t)
	env := registrarEnv("REGISTRAR_DATA="+data, "LITESTREAM_REPLICA="+replica, "REGISTRAR_LITESTREAM=1",
		"REGISTRAR_DEMO=1", "REGISTRAR_ADDR="+addr, "REGISTRAR_BASE_URL=http://"+addr,
		"REGISTRAR_APPLY_LIMIT=1000000000")
	srv := startServer(t, bin, env, filepath.Join(dir, "server.log"))
	t.Cleanup(func() { srv.stop() })
	litestreamLog := filepath.Join(dir, "litestream.log")
	startLitestream(t, litestream, env, litestreamLog)
	base := "http://" + addr
	slug := openSummerSchool(t, base)

	// A copy of the replica that follows it (as a standby would), read every 50 ms.
	time.Sleep(2 * time.Second) // the first snapshot
	probe := filepath.Join(dir, "probe.db")
	follow := exec.Command(litestream, "restore", "-f", "-follow-interval", "50ms", "-o", probe,
		"-config", litestreamConfig(t), filepath.Join(data, "registrar.db"))
	follow.Env = env
	followLog, _ := os.Create(filepath.Join(dir, "follow.log"))
	follow.Stdout, follow.Stderr = followLog, followLog
	if err := follow.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = follow.Process.Kill(); _ = follow.Wait() })

	var mu sync.Mutex
	acked, seen := map[string]time.Time{}, map[string]time.Time{}
	ctx, cancel := context.WithTimeout(context.Background(), duration)
	defer cancel()
	var n, failed atomic.Int64
	var wg sync.WaitGroup
	// A PDF of about cvBytes: comment lines between its header and its trailer.
	head, rest, _ := bytes.Cut(minimalPDF, []byte("\n"))
	cv := slices.Concat(head, []byte("\n"), bytes.Repeat([]byte("% padding the CV\n"), cvBytes/17), rest)
	var firstErr atomic.Value
	reported := watchReportedLag(base)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ctx.Err() == nil; i++ {
				email := fmt.Sprintf("lag-%02d-%05d@example.org", w, i)
				if err := applyWithCV(ctx, base, slug, email, cv); err != nil {
					if ctx.Err() == nil {
						failed.Add(1)
						firstErr.CompareAndSwap(nil, err.Error())
					}
					continue
				}
				now := time.Now()
				mu.Lock()
				acked[email] = now
				mu.Unlock()
				n.Add(1)
			}
		}()
	}
	read := func() {
		conn, err := sql.Open("sqlite3", "file:"+probe+"?mode=ro&_busy_timeout=1000")
		if err != nil {
			return
		}
		defer conn.Close()
		rows, err := conn.Query(`SELECT email FROM applications WHERE email LIKE 'lag-%'`)
		if err != nil {
			return
		}
		defer rows.Close()
		now := time.Now()
		mu.Lock()
		defer mu.Unlock()
		for rows.Next() {
			var email string
			if rows.Scan(&email) == nil {
				if _, ok := seen[email]; !ok {
					seen[email] = now
				}
			}
		}
	}
	stopReading := make(chan struct{})
	readerDone := make(chan struct{})
	go func() {
		defer close(readerDone)
		for {
			select {
			case <-stopReading:
				return
			case <-time.After(50 * time.Millisecond):
				read()
			}
		}
	}()
	wg.Wait()
	fmt.Println(reported())
	time.Sleep(5 * time.Second) // the last ones arrive
	close(stopReading)
	<-readerDone

	var lags []time.Duration
	missing := 0
	for email, at := range acked {
		s, ok := seen[email]
		if !ok {
			missing++
			continue
		}
		lags = append(lags, max(s.Sub(at), 0))
	}
	slices.Sort(lags)
	if len(lags) == 0 {
		t.Fatalf("no acknowledged application reached the replica (%d acknowledged, %d failed: %v)", len(acked), failed.Load(), firstErr.Load())
	}
	pct := func(p float64) time.Duration {
		return lags[min(len(lags)-1, int(p*float64(len(lags))))].Round(time.Millisecond)
	}
	within := 0
	for _, l := range lags {
		if l <= 2*time.Second {
			within++
		}
	}
	fmt.Printf("replication lag: %d applications with a %d KB CV in %s (%.0f/s, %d workers, %d failed); "+
		"acknowledged → in the replica: p50 %s, p99 %s, max %s; %d of %d within 2 s; %d never arrived within 5 s\n",
		len(acked), cvBytes>>10, duration, float64(len(acked))/duration.Seconds(), workers, failed.Load(),
		pct(0.5), pct(0.99), lags[len(lags)-1].Round(time.Millisecond), within, len(acked), missing)
	// A snapshot after the first means Litestream lost its place in the write-ahead log (a
	// checkpoint started the log over before it had read it) and sent the whole file again.
	log, err := os.ReadFile(litestreamLog)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("Litestream took %d snapshots of the database (1: it read every frame of the log)\n",
		bytes.Count(log, []byte(`msg="snapshot complete"`)))
}

func envDuration(t *testing.T, name string, fallback time.Duration) time.Duration {
	if v := os.Getenv(name); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return d
	}
	return fallback
}

func envInt(t *testing.T, name string, fallback int) int {
	if v := os.Getenv(name); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return n
	}
	return fallback
}
