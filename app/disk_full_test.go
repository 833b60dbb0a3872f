package app

import (
	"errors"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"registrar/app/ops"
	"registrar/app/testkit"
	"registrar/db"
)

// tmpfsEnv names the mount point of the small tmpfs the test runs on, inside its namespace.
const tmpfsEnv = "REGISTRAR_TEST_TMPFS"

// The issue: on a full 40 MB tmpfs applicants got "403 … reload the page", because the CSRF
// token of the form they opened could not be stored. On a real small tmpfs (mounted in a user
// namespace: `unshare -rm`), filled to the last byte: while the disk watch has not yet looked
// again, the form's missing token gives the 503 that says nothing was saved, not a 403; once it
// has looked, the guard refuses first; reading pages work throughout.
func TestFullTmpfsGivesA503NotA403(t *testing.T) {
	mount := os.Getenv(tmpfsEnv)
	if mount == "" {
		if testing.Short() {
			t.Skip("mounts a tmpfs in a user namespace; skipped with -short")
		}
		mount = filepath.Join(t.TempDir(), "disk")
		if err := os.Mkdir(mount, 0o750); err != nil {
			t.Fatal(err)
		}
		probe := exec.Command("unshare", "-rm", "mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mount)
		if out, err := probe.CombinedOutput(); err != nil {
			t.Skipf("no tmpfs in a user namespace here (unshare -rm: %v: %s); TestDiskNearlyFull… covers the guard", err, out)
		}
		cmd := exec.Command("unshare", "-rm", "sh", "-c",
			`mount -t tmpfs -o size=40m tmpfs "$1" && exec "$0" -test.run '^TestFullTmpfsGivesA503NotA403$' -test.count=1 -test.v`,
			os.Args[0], mount)
		cmd.Env = append(os.Environ(), tmpfsEnv+"="+mount)
		out, err := cmd.CombinedOutput()
		t.Logf("on a 40 MB tmpfs:\n%s", out)
		if err != nil || !strings.Contains(string(out), "--- PASS") {
			t.Fatalf("the test on the tmpfs failed: %v", err)
		}
		return
	}

	clock := testkit.NewClock(demoNow)
	store, err := db.Open(copyDemoDatabase(t, mount))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	s, err := New(Config{DataDir: mount, BaseURL: "http://127.0.0.1", Clock: clock.Now, ApplyLimit: 10000,
		Ops: OpsConfig{MinFreeDisk: ops.Threshold{Bytes: 1 << 20}}}, store, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Shutdown(time.Second) })
	ts := &testServer{Server: s, store: store, dir: mount}
	link := ts.visitor().applyOK(t, summerSlug, summerAnswers(t, ts, "early@example.org"), cvFile("cv.pdf"))

	// Fill the disk to the last byte.
	filler, err := os.Create(filepath.Join(mount, "filler"))
	if err != nil {
		t.Fatal(err)
	}
	chunk := make([]byte, 64<<10)
	for {
		if _, err := filler.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatal(err)
			}
			break
		}
	}
	for _, small := range []int{4096, 512, 1} {
		for {
			if _, err := filler.Write(chunk[:small]); err != nil {
				break
			}
		}
	}
	filler.Close()

	// The disk watch looked less than its interval ago: an applicant opens the form now, and
	// its token cannot be stored.
	applicant := ts.visitor()
	form := applicant.openForm(t, applyPath(summerSlug), applyPath(summerSlug))
	if !ts.state.WriteFailed() {
		t.Fatal("storing the form's token on the full disk did not fail; the test shows nothing")
	}
	resp, body := applicant.submit(t, form, summerAnswers(t, ts, "late@example.org"))
	wantStatus(t, resp, body, http.StatusServiceUnavailable)
	wantText(t, body, "We can't accept applications right now. Nothing was saved.")

	// Once the watch looks again, the guard refuses the form itself.
	clock.Set(clock.Now().Add(diskCheckEvery))
	resp, body = ts.visitor().get(t, applyPath(summerSlug)+"?lang=cs")
	wantStatus(t, resp, body, http.StatusServiceUnavailable)
	wantText(t, body, "Přihlášky teď nemůžeme přijímat. Nic se neuložilo.")
	for _, path := range []string{"/", "/editions/" + summerSlug, "/status/" + link, "/healthz"} {
		resp, body := ts.visitor().get(t, path)
		wantStatus(t, resp, body, http.StatusOK)
	}
	if _, body := ts.get(t, "/healthz"); !strings.Contains(body, `"disk":"low`) {
		t.Errorf("/healthz on the full disk says %s", body)
	}
}
