package db

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// A Store that Litestream replicates leaves the write-ahead log alone: what the migrations wrote
// stays in the log, for Litestream to read and checkpoint, while a Store on its own copies it
// into the database file within a second or two.
func TestAReplicatedStoreLeavesCheckpointsToLitestream(t *testing.T) {
	for _, replicated := range []bool{false, true} {
		path := filepath.Join(t.TempDir(), "registrar.db")
		s, err := OpenWith(path, Options{Replicated: replicated})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
		// Three ticks of the background checkpoints.
		time.Sleep(3*checkpointEvery + 500*time.Millisecond)
		info, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		wal, err := os.Stat(path + "-wal")
		if err != nil {
			t.Fatal(err)
		}
		s.Close()
		checkpointed := info.Size() > 64<<10 // the schema and the search index fill more pages
		if checkpointed == replicated {
			t.Errorf("replicated %v: the database file holds %d bytes beside a log of %d: checkpointed %v, want %v",
				replicated, info.Size(), wal.Size(), checkpointed, !replicated)
		}
	}
}
