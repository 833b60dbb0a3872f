package files

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// A file written is found whole under its random name and nothing else is left beside it;
// removing it, even twice, is no error.
func TestWriteThenRemove(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "documents")
	name, err := Write(dir, []byte("minutes"))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(filepath.Join(dir, name)); err != nil || !bytes.Equal(got, []byte("minutes")) {
		t.Fatalf("read back %q, %v", got, err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("%d files in the folder, want the one written", len(entries))
	}
	if err := Remove(dir, name, "never-written"); err != nil {
		t.Fatal(err)
	}
	if err := Remove(dir, name); err != nil {
		t.Errorf("removing a file already gone: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, name)); !os.IsNotExist(err) {
		t.Errorf("the file is still there: %v", err)
	}
}
