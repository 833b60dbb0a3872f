package deploy

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var units = []string{"registrar.service", "litestream.service"}

// analyze runs systemd-analyze, skipping the test where it is missing (systemd is not needed to
// run Registrar's tests).
func analyze(t *testing.T, args ...string) string {
	t.Helper()
	path, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze is not installed")
	}
	out, err := exec.Command(path, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("systemd-analyze %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// copies writes the units into a temporary folder with their programs, which are not installed
// here, replaced by one that is, so that verify checks everything else.
func copies(t *testing.T) []string {
	t.Helper()
	dir := t.TempDir()
	var paths []string
	for _, u := range units {
		text, err := os.ReadFile(u)
		if err != nil {
			t.Fatal(err)
		}
		unit := regexp.MustCompile(`ExecStart=/usr/local/bin/\S+`).ReplaceAllString(string(text), "ExecStart=/bin/true")
		path := filepath.Join(dir, u)
		if err := os.WriteFile(path, []byte(unit), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, path)
	}
	return paths
}

func TestUnitsVerify(t *testing.T) {
	if out := analyze(t, append([]string{"verify"}, copies(t)...)...); strings.TrimSpace(out) != "" {
		t.Errorf("systemd-analyze verify finds:\n%s", out)
	}
}

// exposure is the overall exposure systemd-analyze security gives, 0 (locked down) to 10.
var exposure = regexp.MustCompile(`Overall exposure level for \S+: ([0-9.]+)`)

func TestUnitsAreLockedDown(t *testing.T) {
	for _, path := range copies(t) {
		out := analyze(t, "security", "--offline=true", "--no-pager", path)
		m := exposure.FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("systemd-analyze security gives no exposure for %s:\n%s", filepath.Base(path), out)
		}
		// 1.2 today; systemd calls up to 2.0 "OK".
		if level, _ := strconv.ParseFloat(m[1], 64); level > 2.0 {
			t.Errorf("%s: exposure %s, more than 2.0:\n%s", filepath.Base(path), m[1], out)
		}
	}
}

// Every setting the recipe promises is in each unit.
func TestUnitsKeepTheirPromises(t *testing.T) {
	for _, u := range units {
		text, err := os.ReadFile(u)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"User=registrar", "ProtectSystem=strict", "ReadWritePaths=/var/lib/registrar\n",
			"ProtectHome=yes", "PrivateTmp=yes", "NoNewPrivileges=yes", "CapabilityBoundingSet=\n",
			"RestrictAddressFamilies=", "SystemCallFilter=@system-service", "Restart=on-failure", "EnvironmentFile="} {
			if !strings.Contains(string(text), want) {
				t.Errorf("%s lacks %q", u, strings.TrimSpace(want))
			}
		}
	}
}
