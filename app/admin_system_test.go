package app

import (
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"registrar/app/ops"
	"registrar/app/school"
	"registrar/app/testkit"
)

// Metrics on their own loopback address: requests by route pattern (never the status link's
// secret), applications taken, the outbox, the last backup and the disk; the admin's System page
// says the same with the version.
func TestMetricsAndTheSystemPage(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	metricsAddr := ln.Addr().String()
	ln.Close()
	disk := &fakeDisk{}
	disk.free.Store(3 << 30)
	clock := testkit.NewClock(demoNow)
	ts := newTestServerWith(t, clock.Now, func(c *Config) {
		c.ApplyLimit = 10000
		c.Ops = OpsConfig{MinFreeDisk: ops.DefaultThreshold, SpaceOf: disk.spaceOf, MetricsAddr: metricsAddr, Version: "v1.2.3-test"}
	})
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- ts.ServeMetrics(ctx) }()
	t.Cleanup(func() { cancel(); <-served })
	if err := os.MkdirAll(ts.cfg.Layout().Backups(), 0o750); err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(ts.cfg.Layout().Backups(), "registrar-20260720-020000.db")
	if err := os.WriteFile(backup, []byte("x"), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(backup, demoNow.Add(-3*time.Hour), demoNow.Add(-3*time.Hour)); err != nil {
		t.Fatal(err)
	}

	link := ts.visitor().applyOK(t, summerSlug, summerAnswers(t, ts, "metrics@example.org"), cvFile("cv.pdf"))
	ts.visitor().get(t, "/status/"+link)
	ts.visitor().get(t, "/")

	var metrics string
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		resp, err := http.Get("http://" + metricsAddr + "/metrics")
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			metrics = string(body)
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no metrics at %s: %v", metricsAddr, err)
		}
	}
	for _, want := range []string{
		`registrar_http_requests_total{method="GET",route="/",status="200"} 1`,
		`registrar_http_requests_total{method="POST",route="/editions/:slug/apply",status="303"} 1`,
		`registrar_http_requests_total{method="GET",route="/status/:token",status="200"} 1`,
		`registrar_http_request_duration_seconds_bucket{method="GET",route="/",le="+Inf"} 1`,
		"registrar_applications_submitted_total 1",
		"registrar_outbox_queued 1", // the receipt: no outbox runs in this test
		"registrar_outbox_failed 0",
		"registrar_outbox_oldest_queued_age_seconds 0",
		"registrar_last_backup_age_seconds 10800",
		"registrar_disk_free_bytes 3.221225472e+09",
		"registrar_disk_low 0",
		`registrar_build_info{version="v1.2.3-test"} 1`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("the metrics lack %s", want)
		}
	}
	if strings.Contains(metrics, link) {
		t.Errorf("the metrics carry a status link's secret")
	}
	if resp, body := ts.get(t, "/metrics"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("the site serves /metrics: %d %.200s", resp.StatusCode, body)
	}

	createUser(t, ts, "admin@school.example", school.RoleAdmin)
	admin := signIn(t, ts, "admin@school.example")
	resp, body := admin.get(t, "/admin/system")
	wantStatus(t, resp, body, http.StatusOK)
	wantText(t, body, "v1.2.3-test", "3072 MB / 10 GB free; new applications are refused below 512 MB",
		"1 waiting, 0 failed", "Served at http://"+metricsAddr+"/metrics")
}

// A metrics address anyone can reach is refused unless asked for.
func TestMetricsAddressIsLoopbackUnlessAllowed(t *testing.T) {
	for addr, ok := range map[string]bool{"127.0.0.1:9090": true, "[::1]:9090": true, "localhost:9090": true,
		"0.0.0.0:9090": false, ":9090": false, "192.0.2.1:9090": false} {
		t.Setenv("REGISTRAR_METRICS_ADDR", addr)
		_, err := ConfigFromEnv()
		if (err == nil) != ok {
			t.Errorf("REGISTRAR_METRICS_ADDR=%s: %v", addr, err)
		}
	}
	t.Setenv("REGISTRAR_METRICS_ADDR", "0.0.0.0:9090")
	t.Setenv("REGISTRAR_METRICS_PUBLIC", "1")
	if _, err := ConfigFromEnv(); err != nil {
		t.Errorf("allowed, a public metrics address is refused: %v", err)
	}
}
