package app

import (
	"strings"
	"testing"
	"time"
)

// /healthz answers anyone: with Litestream not answering it says replication is stalled, and
// never where the data folder or Litestream's socket are (the System page tells admins).
func TestHealthzNamesNoPathWhenLitestreamDoesNotAnswer(t *testing.T) {
	t.Parallel()
	ts := newTestServerWith(t, func() time.Time { return demoNow }, func(c *Config) { c.Replicated = true })
	resp, body := ts.get(t, "/healthz")
	wantStatus(t, resp, body, 200)
	if strings.Contains(body, ts.dir) || strings.Contains(body, "litestream.sock") {
		t.Errorf("/healthz names the server's files: %s", body)
	}
	health := healthOf(t, ts)
	if health["status"] != "degraded" || health["replication_error"] == nil {
		t.Errorf("/healthz with Litestream not answering: %v", health)
	}
}
