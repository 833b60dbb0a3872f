package db

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// OutboxHealth is how the outbox is keeping up, for monitoring: emails waiting, emails given up
// on, and when the oldest waiting one was queued (zero when none waits).
type OutboxHealth struct {
	Queued, Failed int
	OldestQueued   time.Time
}

// OutboxHealth counts the outbox by status and finds its oldest queued email, in one read.
func (s *Store) OutboxHealth(ctx context.Context) (OutboxHealth, error) {
	var h OutboxHealth
	var oldest sql.NullString
	err := s.reader.QueryRowContext(ctx, `SELECT
		COUNT(*) FILTER (WHERE status = 'queued'), COUNT(*) FILTER (WHERE status = 'failed'),
		MIN(created_at) FILTER (WHERE status = 'queued') FROM outbox`).Scan(&h.Queued, &h.Failed, &oldest)
	if err == nil {
		h.OldestQueued, err = parseInstant(oldest)
	}
	if err != nil {
		return h, fmt.Errorf("db: outbox health: %w", err)
	}
	return h, nil
}
