package webstate

import (
	"path/filepath"
	"testing"
	"time"
)

// The state store writes a value again only when it changed, was deleted or was stored over a
// minute ago: the CSRF middleware re-stores its token on every request.
func TestWebStateSkipsRewritingTheSameValue(t *testing.T) {
	t.Parallel()
	state, err := Open(filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { state.Close() })
	// rows and behindItsBack read and delete in the file itself, past what this store remembers.
	rows := func() int {
		t.Helper()
		v, err := state.WebState.Get("token")
		if err != nil {
			t.Fatal(err)
		}
		if v == nil {
			return 0
		}
		return 1
	}
	behindItsBack := func() {
		t.Helper()
		if err := state.WebState.Delete("token"); err != nil {
			t.Fatal(err)
		}
	}
	set := func(val string) {
		t.Helper()
		if err := state.Set("token", []byte(val), 6*time.Hour); err != nil {
			t.Fatal(err)
		}
	}

	set("dummy")
	behindItsBack()
	set("dummy")
	if rows() != 0 {
		t.Error("the same value was written again within a minute")
	}
	set("changed")
	if rows() != 1 {
		t.Error("a changed value was not written")
	}
	if err := state.Delete("token"); err != nil {
		t.Fatal(err)
	}
	set("changed")
	if rows() != 1 {
		t.Error("a value deleted through the store was not written again")
	}
	got, err := state.Get("token")
	if err != nil || string(got) != "changed" {
		t.Errorf("Get = %q, %v", got, err)
	}
	state.written["token"] = stateWrite{val: []byte("changed"), at: time.Now().Add(-restoreAfter)}
	behindItsBack()
	set("changed")
	if rows() != 1 {
		t.Error("a value stored over a minute ago was not written again")
	}
}
