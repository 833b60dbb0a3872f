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
