package app

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"registrar/app/school"
	"registrar/app/testkit"
	"registrar/db"
)

// Replication lag (issue 13's monitoring): beside the real Litestream with the repository's
// config, the metrics, the System page and /healthz say how far the replica is behind; when
// Litestream can no longer write the replica, or stops, they say replication has stalled.
func TestReplicationLagIsReportedAndAStallIsSeen(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the real Litestream; skipped with -short")
	}
	litestream := litestreamBinary(t)
	metricsAddr := freeLoopbackAddr(t)
	ts := newTestServerWith(t, func() time.Time { return demoNow }, func(c *Config) {
		c.ApplyLimit = 10000
		c.Replicated = true
		c.Ops.MetricsAddr = metricsAddr
	})
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- ts.ServeMetrics(ctx) }()
	t.Cleanup(func() { cancel(); <-served })
	replica := filepath.Join(t.TempDir(), "replica")
	replicating := runLitestream(t, litestream, ts.dir, replica)
	createUser(t, ts, "admin@school.example", school.RoleAdmin)
	admin := signIn(t, ts, "admin@school.example")

	// Applicants apply while Litestream runs: each time the replica is within the 2 s target.
	for i := range 5 {
		ts.visitor().applyOK(t, summerSlug, summerAnswers(t, ts, fmt.Sprintf("replicated-%d@example.org", i)), cvFile("cv.pdf"))
		time.Sleep(300 * time.Millisecond)
		// On a busy machine Litestream may be a few seconds late; it must catch up.
		waitForMetrics(t, metricsAddr, "Litestream replicating within 2 s", func(m metricValues) bool {
			lag, ok := m["registrar_replication_lag_seconds"]
			return m["registrar_replication_up"] == 1 && m["registrar_replication_healthy"] == 1 && ok && lag <= 2
		})
	}
	resp, body := admin.get(t, "/admin/system?lang=en")
	wantStatus(t, resp, body, http.StatusOK)
	wantText(t, body, "Replication (Litestream)", "The replica is ", "s behind; Litestream last synced it ")
	if lag := regexp.MustCompile(`The replica is (\d+\.\d)[\x{a0} ]s behind`).FindStringSubmatch(testkit.MainText(t, body)); lag == nil {
		t.Errorf("the System page gives no lag in seconds")
	} else if v, _ := strconv.ParseFloat(lag[1], 64); v > 2 {
		t.Errorf("the System page says the replica is %v s behind with Litestream running", v)
	}
	if strings.Contains(testkit.MainText(t, body), "Replication is stalled") {
		t.Errorf("the System page says replication is stalled while Litestream runs")
	}
	if health := healthOf(t, ts); health["status"] != "ok" || health["replication"] != "ok" {
		t.Errorf("/healthz with Litestream running: %v", health)
	}

	// The replica's disk goes: Litestream runs on and answers, but cannot write. An application
	// sent now waits, and the lag grows past 2 s.
	// Moved aside in one step, not removed: Litestream writes into it meanwhile.
	if err := os.Rename(replica, replica+".gone"); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(replica, []byte("not a folder"), 0o600); err != nil {
		t.Fatal(err)
	}
	ts.visitor().applyOK(t, summerSlug, summerAnswers(t, ts, "waiting@example.org"), cvFile("cv.pdf"))
	m := waitForMetrics(t, metricsAddr, "the lag past 2 s", func(m metricValues) bool {
		return m["registrar_replication_lag_seconds"] > 2
	})
	if m["registrar_replication_up"] != 1 || m["registrar_replication_healthy"] != 0 {
		t.Errorf("with the replica unwritable the metrics say up %v, healthy %v", m["registrar_replication_up"], m["registrar_replication_healthy"])
	}
	_, body = admin.get(t, "/admin/system?lang=en")
	wantText(t, body, "Replication is stalled. Applications sent now may not reach the replica within 2 s.")
	if health := healthOf(t, ts); health["status"] != "degraded" || !strings.HasPrefix(fmt.Sprint(health["replication"]), "stalled") {
		t.Errorf("/healthz with the replica unwritable: %v", health)
	}

	// Litestream stops: nobody answers on its socket.
	_ = replicating.Process.Kill()
	waitForMetrics(t, metricsAddr, "Litestream gone", func(m metricValues) bool {
		_, lag := m["registrar_replication_lag_seconds"]
		return m["registrar_replication_up"] == 0 && m["registrar_replication_healthy"] == 0 && !lag
	})
	_, body = admin.get(t, "/admin/system?lang=cs")
	wantText(t, body, "Litestream neodpovídá. Registrar se ho ptal na "+filepath.Join(ts.dir, "litestream.sock"))
	if health := healthOf(t, ts); health["status"] != "degraded" || health["replication_error"] == nil {
		t.Errorf("/healthz with Litestream stopped: %v", health)
	}
}

// REGISTRAR_LITESTREAM=1 with no Litestream running: nobody checkpoints, and the write-ahead
// log grows for good. Past its limit the log says so once, the System page warns and /healthz
// is degraded.
func TestAWriteAheadLogNobodyCheckpointsIsWarnedOf(t *testing.T) {
	dir := t.TempDir()
	store, err := db.OpenWith(copyDemoDatabase(t, dir), db.Options{Replicated: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	var log lockedBuffer
	s, err := New(Config{DataDir: dir, BaseURL: "http://127.0.0.1", Clock: func() time.Time { return demoNow },
		ApplyLimit: 10000, Replicated: true, Ops: OpsConfig{WALLimit: 256 << 10}},
		store, slog.New(slog.NewTextHandler(&log, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Shutdown(time.Second) })
	ts := &testServer{Server: s, store: store, dir: dir}
	wal := filepath.Join(dir, "registrar.db-wal")
	for i := 0; walSize(t, wal) <= 256<<10; i++ {
		if i == 200 {
			t.Fatalf("200 applications left the write-ahead log at %d bytes", walSize(t, wal))
		}
		ts.visitor().applyOK(t, summerSlug, summerAnswers(t, ts, fmt.Sprintf("unreplicated-%d@example.org", i)), cvFile("cv.pdf"))
	}
	time.Sleep(300 * time.Millisecond) // past the last look's quarter of a second

	createUser(t, ts, "admin@school.example", school.RoleAdmin)
	admin := signIn(t, ts, "admin@school.example")
	resp, body := admin.get(t, "/admin/system?lang=en")
	wantStatus(t, resp, body, http.StatusOK)
	wantText(t, body, "The database's write-ahead log keeps growing: ", "Start Litestream, or unset REGISTRAR_LITESTREAM")
	health := healthOf(t, ts)
	if health["status"] != "degraded" || !strings.HasPrefix(fmt.Sprint(health["wal"]), "growing") {
		t.Errorf("/healthz with the log growing: %v", health)
	}
	time.Sleep(300 * time.Millisecond)
	healthOf(t, ts)
	if n := strings.Count(log.String(), "write-ahead log keeps growing"); n != 1 {
		t.Errorf("the log warns %d times of the growing write-ahead log, not once:\n%s", n, log.String())
	}
}

// litestreamBinary is the Litestream that `make litestream` installs (make test does); a test
// run by hand without it is skipped, but on CI a missing binary fails.
func litestreamBinary(t *testing.T) string {
	t.Helper()
	bin, err := filepath.Abs(filepath.Join("..", "tools", "bin", "litestream"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(bin); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("Litestream is not installed at %s: make test installs it (make litestream)", bin)
		}
		t.Skipf("Litestream is not installed at %s: run make litestream", bin)
	}
	return bin
}

// runLitestream runs `litestream replicate` with deploy/litestream.yml on the data folder, to a
// file replica, until the test ends.
func runLitestream(t *testing.T, bin, data, replica string) *exec.Cmd {
	t.Helper()
	config, err := filepath.Abs(filepath.Join("..", "deploy", "litestream.yml"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "replicate", "-config", config)
	cmd.Env = append(os.Environ(), "REGISTRAR_DATA="+data, "LITESTREAM_REPLICA="+replica)
	startProgram(t, "Litestream", cmd)
	return cmd
}

// metricValues are the samples of one scrape without labels, by name.
type metricValues map[string]float64

// waitForMetrics scrapes the metrics until ok holds of them, for up to 20 s.
func waitForMetrics(t *testing.T, addr, what string, ok func(metricValues) bool) metricValues {
	t.Helper()
	var last string
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		resp, err := http.Get("http://" + addr + "/metrics")
		if err != nil {
			continue
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		last = string(body)
		m := metricValues{}
		for _, line := range strings.Split(last, "\n") {
			name, value, found := strings.Cut(line, " ")
			if !found || strings.HasPrefix(name, "#") || strings.Contains(name, "{") {
				continue
			}
			if v, err := strconv.ParseFloat(value, 64); err == nil {
				m[name] = v
			}
		}
		if ok(m) {
			return m
		}
	}
	var replication []string
	for _, line := range strings.Split(last, "\n") {
		if strings.HasPrefix(line, "registrar_replication") {
			replication = append(replication, line)
		}
	}
	t.Fatalf("waiting for %s, the metrics say:\n%s", what, strings.Join(replication, "\n"))
	return nil
}

// healthOf is /healthz's answer.
func healthOf(t *testing.T, ts *testServer) map[string]any {
	t.Helper()
	resp, body := ts.get(t, "/healthz")
	wantStatus(t, resp, body, http.StatusOK)
	var answer map[string]any
	if err := json.Unmarshal([]byte(body), &answer); err != nil {
		t.Fatalf("/healthz: %v: %s", err, body)
	}
	return answer
}

func walSize(t *testing.T, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path)
	if os.IsNotExist(err) {
		return 0
	} else if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

func freeLoopbackAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
