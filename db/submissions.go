package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"registrar/app/school"
)

// Group commit for submissions. A busy call brings many applications at once, and a commit of
// SQLite's WAL costs far more than the few inserts of one application, so one goroutine takes
// every submission waiting at the time and writes them in one transaction, each inside a
// SAVEPOINT of its own: one that fails (the same email twice, a renderer's error) rolls back
// alone, the others commit together. Every caller hears back only after the COMMIT, so a
// success page is never shown for an application that is not stored.

// ErrClosed is returned to submissions made while the store closes.
var ErrClosed = errors.New("db: store closed")

// maxBatch bounds the submissions in one transaction, and so how long one holds the writer.
const maxBatch = 64

// A submission moves from pending to taken (the writer owns it: its outcome is the commit's) or
// to cancelled (its caller gave up first: it is never written).
const (
	submissionPending int32 = iota
	submissionTaken
	submissionCancelled
)

// submission is one CreateApplication waiting for the submission writer.
type submission struct {
	e           school.Edition
	a           school.Application
	files       []NewFile
	landingHash string
	now         time.Time
	render      Renderer
	referees    NamedReferees

	state atomic.Int32
	done  chan struct{} // closed when stored and err are final
	// The writer asks the caller to render the receipt of stored; the caller sets mail and
	// mailErr, then marks the WaitGroup done.
	renderNow     chan *sync.WaitGroup
	mail          Email
	mailErr       error
	receiptFailed bool // its receipt failed: it is not written again with the rest
	// Set by the writer before done is closed.
	stored school.Application
	err    error
}

// startSubmissions starts the goroutine that writes submissions; Close stops it.
func (s *Store) startSubmissions() {
	s.submissions = make(chan *submission)
	s.quit = make(chan struct{})
	s.writerDone = make(chan struct{})
	go s.writeSubmissions()
}

// stopSubmissions refuses new submissions and waits for the writer to finish the batch it holds.
func (s *Store) stopSubmissions() {
	s.closeOnce.Do(func() { close(s.quit) })
	<-s.writerDone
}

// submit hands sub to the writer and waits for its outcome. A caller whose ctx ends before the
// writer took its submission gets ctx's error and nothing is stored; once taken, the caller
// waits for the commit (a batch takes milliseconds), so its answer always matches the database.
func (s *Store) submit(ctx context.Context, sub *submission) (school.Application, error) {
	if err := ctx.Err(); err != nil {
		return sub.a, err
	}
	sub.done = make(chan struct{})
	sub.renderNow = make(chan *sync.WaitGroup, 1)
	select {
	case s.submissions <- sub:
	case <-ctx.Done():
		return sub.a, ctx.Err()
	case <-s.quit:
		return sub.a, ErrClosed
	}
	cancelled := ctx.Done()
	for {
		select {
		case <-sub.done:
			return sub.stored, sub.err
		case rendered := <-sub.renderNow:
			sub.mail, sub.mailErr = renderReceipt(sub.render, sub.stored)
			rendered.Done()
		case <-cancelled:
			if sub.state.CompareAndSwap(submissionPending, submissionCancelled) {
				return sub.a, ctx.Err()
			}
			// Taken: the writer may still ask for the receipt; wait for the commit.
			cancelled = nil
		}
	}
}

// renderReceipt renders the receipt of a; a panic is the receipt's error.
func renderReceipt(render Renderer, a school.Application) (m Email, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return render(receiptTemplate, a)
}

// writeSubmissions is the writer: it waits for a submission, takes every other one waiting
// already, and writes them together, until Close.
func (s *Store) writeSubmissions() {
	defer close(s.writerDone)
	batch := make([]*submission, 0, maxBatch)
	for {
		select {
		case sub := <-s.submissions:
			batch = append(batch[:0], sub)
		case <-s.quit:
			return
		}
	collect:
		for len(batch) < maxBatch {
			select {
			case sub := <-s.submissions:
				batch = append(batch, sub)
			default:
				break collect
			}
		}
		s.writeBatch(batch)
		clear(batch)
	}
}

// writeBatch writes the submissions of batch whose callers still wait, in one transaction, and
// tells each caller its outcome after the commit. When the transaction as a whole fails, none
// of them is stored and each caller gets the error.
func (s *Store) writeBatch(batch []*submission) {
	taken := make([]*submission, 0, len(batch))
	for _, sub := range batch {
		if sub.state.CompareAndSwap(submissionPending, submissionTaken) {
			taken = append(taken, sub)
		}
	}
	if len(taken) == 0 {
		return
	}
	if err := s.writeTaken(taken); err != nil {
		for _, sub := range taken {
			sub.stored, sub.err = sub.a, err
		}
	}
	for _, sub := range taken {
		close(sub.done)
	}
}

// writeTaken runs the transaction of a batch. Rendering the receipts took a fifth of the
// writer's time, and every submission waits for the writer, so the writer stores each
// application and goes on to the next while its caller, idle until the commit, renders its
// receipt; the receipts are stored after the last application, in the same transaction. A
// receipt that fails then can no longer be rolled back alone: the batch is rolled back and
// written again one submission and receipt at a time, as the writer did before, without the
// submissions whose receipts failed.
func (s *Store) writeTaken(taken []*submission) error {
	again, err := s.writeReceiptsApart(taken)
	if err != nil || !again {
		return err
	}
	var rest []*submission
	for _, sub := range taken {
		if !sub.receiptFailed {
			rest = append(rest, sub)
		}
	}
	return s.writeOneByOne(rest)
}

// writeReceiptsApart writes the batch with the receipts rendered by the callers. It reports
// whether the batch must be written again; it then rolled it back and failed the submissions
// whose receipts did not render. Statements use a context of their own, not the callers': a
// caller that leaves must not interrupt a transaction that carries the others.
func (s *Store) writeReceiptsApart(taken []*submission) (again bool, err error) {
	ctx := context.Background()
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	committed := false
	defer func() {
		if !committed {
			_ = tx.Rollback()
		}
	}()
	var rendered sync.WaitGroup
	defer rendered.Wait() // the callers read stored, which is not to change while they render
	seats := batchSeats{}
	for _, sub := range taken {
		if _, err := tx.ExecContext(ctx, `SAVEPOINT submission`); err != nil {
			return false, err
		}
		sub.stored, sub.err = insertSubmissionRows(ctx, tx, sub, seats)
		if sub.err != nil {
			if _, err := tx.ExecContext(ctx, `ROLLBACK TO submission`); err != nil {
				return false, fmt.Errorf("roll back after %w: %w", sub.err, err)
			}
		} else {
			seats.add(sub.stored)
			if sub.render != nil {
				rendered.Add(1)
				sub.renderNow <- &rendered
			}
		}
		if _, err := tx.ExecContext(ctx, `RELEASE submission`); err != nil {
			return false, err
		}
	}
	rendered.Wait()
	for _, sub := range taken {
		if sub.err == nil && sub.render != nil && sub.mailErr != nil {
			sub.err, sub.receiptFailed, again = sub.mailErr, true, true
		}
	}
	if again {
		return true, nil
	}
	for _, sub := range taken {
		if sub.err != nil || sub.render == nil {
			continue
		}
		if err := queueRendered(ctx, tx, sub.now, sub.stored.ID, sub.mail); err != nil {
			return true, nil // written again one by one, this one fails alone
		}
	}
	if err := tx.Commit(); err != nil {
		return false, err
	}
	committed = true
	return false, nil
}

// writeOneByOne writes the batch with each submission's receipt rendered in its savepoint, so
// that one that fails rolls back alone.
func (s *Store) writeOneByOne(taken []*submission) (err error) {
	if len(taken) == 0 {
		return nil
	}
	ctx := context.Background()
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	seats := batchSeats{}
	for _, sub := range taken {
		if _, err := tx.ExecContext(ctx, `SAVEPOINT submission`); err != nil {
			return err
		}
		sub.stored, sub.err = insertSubmission(ctx, tx, sub, seats)
		if sub.err != nil {
			if _, err := tx.ExecContext(ctx, `ROLLBACK TO submission`); err != nil {
				return fmt.Errorf("roll back after %w: %w", sub.err, err)
			}
		} else {
			seats.add(sub.stored)
		}
		if _, err := tx.ExecContext(ctx, `RELEASE submission`); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// insertSubmission writes one submission inside the batch's transaction; a panic (in a
// renderer, say) fails that submission only, as it would have failed its own request.
func insertSubmission(ctx context.Context, tx *sql.Tx, sub *submission, seats batchSeats) (a school.Application, err error) {
	defer func() {
		if r := recover(); r != nil {
			a, err = sub.a, fmt.Errorf("panic: %v", r)
		}
	}()
	if a, err = insertApplication(ctx, tx, sub.e, sub.a, sub.files, sub.landingHash, sub.now, sub.render, seats); err != nil {
		return a, err
	}
	return a, insertReferees(ctx, tx, a.ID, sub.referees, sub.now)
}

// insertSubmissionRows is insertSubmission without the receipt; the referees' requests are
// rendered here, by the writer, as only the few forms naming referees have them.
func insertSubmissionRows(ctx context.Context, tx *sql.Tx, sub *submission, seats batchSeats) (a school.Application, err error) {
	defer func() {
		if r := recover(); r != nil {
			a, err = sub.a, fmt.Errorf("panic: %v", r)
		}
	}()
	if a, err = insertApplicationRows(ctx, tx, sub.e, sub.a, sub.files, sub.landingHash, sub.now, seats); err != nil {
		return a, err
	}
	return a, insertReferees(ctx, tx, a.ID, sub.referees, sub.now)
}
