package db

import (
	"context"
	"database/sql"
	"sync"
	"time"
)

// Checkpoints copy the write-ahead log back into the database file and sync both to disk. SQLite
// runs them inside the COMMIT that grows the log past 1,000 pages, so under load every so often
// one commit waited for two fsyncs while every other write queued behind it. The connections
// that write therefore never checkpoint (wal_autocheckpoint = 0); a connection of its own does,
// in the background. PASSIVE never waits for the writer or the readers, and a log that was
// copied whole is started over by the next transaction, so the log stays small.

// When Litestream replicates the database it must read every frame of the log before a
// checkpoint lets SQLite start the log over; a log restarted behind its back costs a fresh
// snapshot of the whole file, and the frames written in between reach the replica only with it.
// Litestream holds a read transaction to keep other checkpoints from getting that far, but
// lets go of it for its own checkpoints, and its guide (litestream.io/tips, "Disable
// autocheckpoints for high write load servers") asks the application to leave checkpoints to it
// then. So a replicated Store runs none of its own: the writer's connection still never
// checkpoints (wal_autocheckpoint = 0), and Litestream runs PASSIVE checkpoints once the log
// holds 1,000 pages or a minute has passed, and TRUNCATE only past about 500 MB.

// Options are how Open sets up a Store.
type Options struct {
	// Replicated says that Litestream replicates the database (REGISTRAR_LITESTREAM) and so
	// runs its checkpoints; without Litestream running the log would grow for good.
	Replicated bool
}

// checkpointEvery is how often the background checkpoint runs.
const checkpointEvery = time.Second

// checkpoints runs the checkpoints of one SQLite database in the background until Stop.
type checkpoints struct {
	quit chan struct{}
	done chan struct{}
	stop sync.Once
}

// startCheckpoints starts the background checkpoints of the database at dsn, on a connection of
// their own. The connections that write to it should set wal_autocheckpoint = 0.
func startCheckpoints(dsn string) (*checkpoints, error) {
	conn, err := sql.Open("sqlite3", dsn)
	if err != nil {
		return nil, err
	}
	conn.SetMaxOpenConns(1)
	c := &checkpoints{quit: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(c.done)
		defer conn.Close()
		tick := time.NewTicker(checkpointEvery)
		defer tick.Stop()
		for {
			select {
			case <-c.quit:
				return
			case <-tick.C:
				// A failure is retried at the next tick; the log only grows meanwhile.
				_, _ = conn.ExecContext(context.Background(), `PRAGMA wal_checkpoint(PASSIVE)`)
			}
		}
	}()
	return c, nil
}

// Stop ends the background checkpoints and waits for the last one to finish; later calls
// return at once.
func (c *checkpoints) Stop() {
	c.stop.Do(func() { close(c.quit) })
	<-c.done
}
