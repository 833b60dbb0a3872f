package db

import (
	"context"
	"database/sql"
	"time"
)

// Checkpoints copy the write-ahead log back into the database file and sync both to disk. SQLite
// runs them inside the COMMIT that grows the log past 1,000 pages, so under load every few
// dozen batches of submissions one batch waited for two fsyncs while the others queued behind
// it. The writer therefore never checkpoints (wal_autocheckpoint = 0); a connection of its own
// does, in the background. PASSIVE never waits for the writer or the readers, and a log that
// was copied whole is started over by the writer's next transaction, so the log stays small.

// checkpointEvery is how often the background checkpoint runs.
const checkpointEvery = time.Second

// startCheckpoints starts the background checkpoints on their own connection (Open turned the
// writer's off); Close stops them.
func (s *Store) startCheckpoints(dsn string) error {
	conn, err := sql.Open("sqlite3", dsn)
	if err != nil {
		return err
	}
	conn.SetMaxOpenConns(1)
	s.checkpointDone = make(chan struct{})
	go func() {
		defer close(s.checkpointDone)
		defer conn.Close()
		tick := time.NewTicker(checkpointEvery)
		defer tick.Stop()
		for {
			select {
			case <-s.quit:
				return
			case <-tick.C:
				// A failure is retried at the next tick; the log only grows meanwhile.
				_, _ = conn.ExecContext(context.Background(), `PRAGMA wal_checkpoint(PASSIVE)`)
			}
		}
	}()
	return nil
}
