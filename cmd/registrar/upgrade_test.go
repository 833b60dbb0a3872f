package main

import (
	"bytes"
	"compress/gzip"
	"database/sql"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// firstRelease is a database made by the first released migration set (0001–0012, the
// migrations of commit c936d52, the first build handed over), with its demo data loaded by
// that build's `registrar demo`.
const firstRelease = "../../db/testdata/schema-0012-first-release.db.gz"

// keptTables are what the upgrade must keep: every row of the tables the first release had.
var keptTables = []string{"editions", "applications", "answers", "consents", "reviews", "review_scores",
	"users", "outbox", "lecturers", "programme_sessions", "documents", "uploads", "audit_log", "status_links"}

// dump is every row of the tables, as text, in a stable order.
func dump(t *testing.T, path string) map[string]string {
	t.Helper()
	conn, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	out := map[string]string{}
	for _, table := range keptTables {
		// Only the columns the first release had: later migrations add columns of their own.
		cols, err := conn.Query(`SELECT name FROM pragma_table_info(?)`, table)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for cols.Next() {
			var n string
			cols.Scan(&n)
			names = append(names, n)
		}
		cols.Close()
		out[table+" columns"] = strings.Join(names, ",")
		rows, err := conn.Query(`SELECT quote(` + strings.Join(names, `) || '|' || quote(`) + `) FROM ` + table + ` ORDER BY rowid`)
		if err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		var b strings.Builder
		for rows.Next() {
			var line string
			rows.Scan(&line)
			b.WriteString(line + "\n")
		}
		rows.Close()
		out[table] = b.String()
	}
	return out
}

// A database of the first release upgrades to the newest schema with all its data kept, and a
// backup of it at its old schema is taken first, where the log says.
func TestFirstReleaseDatabaseUpgradesWithABackupFirst(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	if err := os.MkdirAll(data, 0o750); err != nil {
		t.Fatal(err)
	}
	gz, err := os.Open(firstRelease)
	if err != nil {
		t.Fatal(err)
	}
	defer gz.Close()
	r, err := gzip.NewReader(gz)
	if err != nil {
		t.Fatal(err)
	}
	old, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	fixture := filepath.Join(dir, "fixture.db")
	if err := os.WriteFile(fixture, old, 0o640); err != nil {
		t.Fatal(err)
	}
	before := dump(t, fixture)
	if n := strings.Count(before["applications"], "\n"); n != 300 {
		t.Fatalf("the fixture has %d applications, want the first release's demo of 300", n)
	}
	if err := os.WriteFile(filepath.Join(data, "registrar.db"), old, 0o640); err != nil {
		t.Fatal(err)
	}
	t.Setenv("REGISTRAR_DATA", data)

	var out, log bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&log, nil))
	if err := run([]string{"migrate"}, strings.NewReader(""), &out, logger, new(slog.LevelVar)); err != nil {
		t.Fatalf("registrar migrate: %v\n%s", err, log.String())
	}
	backups, _ := filepath.Glob(filepath.Join(data, "backups", "before-upgrade-schema-0012-*.db"))
	if len(backups) != 1 {
		t.Fatalf("backups before the upgrade: %v; the log says:\n%s", backups, log.String())
	}
	if !strings.Contains(log.String(), backups[0]) {
		t.Errorf("the log does not say where the backup is:\n%s", log.String())
	}
	var version int
	conn, err := sql.Open("sqlite3", "file:"+backups[0]+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	if err := conn.QueryRow(`SELECT MAX(version_id) FROM goose_db_version`).Scan(&version); err != nil || version != 12 {
		t.Errorf("the backup is at schema %d (%v), want the old schema 12", version, err)
	}
	conn.Close()
	if got := dump(t, backups[0]); !equalDumps(t, "the backup", before, got, false) {
		return
	}

	after := dump(t, filepath.Join(data, "registrar.db"))
	equalDumps(t, "the upgraded database", before, after, true)
	if !strings.Contains(out.String(), "schema version") {
		t.Errorf("registrar migrate says %q", out.String())
	}
	// Migrating again takes no second backup: the schema is the newest already.
	if err := run([]string{"migrate"}, strings.NewReader(""), &out, logger, new(slog.LevelVar)); err != nil {
		t.Fatal(err)
	}
	if again, _ := filepath.Glob(filepath.Join(data, "backups", "*.db")); len(again) != 1 {
		t.Errorf("after a second migrate the backups are %v", again)
	}
}

// equalDumps compares every row; upgraded, the rows may carry columns added since, so each old
// row must be the start of its new row.
func equalDumps(t *testing.T, what string, want, got map[string]string, upgraded bool) bool {
	t.Helper()
	ok := true
	for _, table := range keptTables {
		w, g := strings.Split(want[table], "\n"), strings.Split(got[table], "\n")
		if len(w) != len(g) {
			t.Errorf("%s: %s has %d rows, want %d", what, table, len(g)-1, len(w)-1)
			ok = false
			continue
		}
		for i := range w {
			if w[i] != g[i] && !(upgraded && strings.HasPrefix(g[i], w[i]+"|")) {
				t.Errorf("%s: %s row %d is\n%s\nwant\n%s", what, table, i+1, g[i], w[i])
				ok = false
				break
			}
		}
	}
	return ok
}

func TestVersionNeedsNoConfiguration(t *testing.T) {
	t.Setenv("REGISTRAR_METRICS_ADDR", "not an address")
	if got := registrar(t, "version"); got != "registrar dev\n" {
		t.Errorf("registrar version says %q", got)
	}
}
