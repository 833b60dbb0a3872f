package db

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/pressly/goose/v3"

	_ "github.com/mattn/go-sqlite3" // the SQLite driver, built with the sqlite_fts5 tag
)

//go:embed migrations/*.sql
var migrations embed.FS

// ErrNotFound is returned when a requested record does not exist.
var ErrNotFound = errors.New("db: not found")

// Store holds the database connections.
type Store struct {
	path   string
	writer *sql.DB
	reader *sql.DB
	// catalogueVersion changes on every write to the public catalogue, so cached pages can tell
	// they are stale.
	catalogueVersion atomic.Int64

	// The submission writer (submissions.go).
	submissions chan *submission
	quit        chan struct{}
	closeOnce   sync.Once
	writerDone  chan struct{}

	checkpoints *checkpoints // background checkpoints (checkpoint.go)
}

// Open opens (creating when missing) the database file at path.
func Open(path string) (*Store, error) { return OpenWith(path, Options{}) }

// OpenWith opens the database file at path as Open does, with the options o.
func OpenWith(path string, o Options) (*Store, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("db: create data folder: %w", err)
	}
	file := url.PathEscape(path)
	// The writer is opened first so that it creates the file and switches it to WAL. Both pools
	// keep their connections' prepared statements (_stmt_cache_size): the hot statements are
	// parsed once per connection, not on every request. The writer overwrites what it deletes
	// (_secure_delete), so an erased CV is not left in the file's free pages (blobs.go).
	writer, err := sql.Open("sqlite3", "file:"+file+
		"?_journal_mode=WAL&_busy_timeout=5000&_foreign_keys=on&_synchronous=NORMAL&_txlock=immediate"+
		"&_secure_delete=on"+
		"&_stmt_cache_size=64")
	if err != nil {
		return nil, fmt.Errorf("db: open writer: %w", err)
	}
	writer.SetMaxOpenConns(1)
	if err := writer.Ping(); err != nil {
		writer.Close()
		return nil, fmt.Errorf("db: open %s: %w", path, err)
	}
	// Settings of the connection, not the file, made on the writer's one connection, which it
	// keeps for good. The pages each submission's SAVEPOINT saves before changing them stay in
	// memory (a temporary file cost a write system call per page); checkpoints
	// run in the background, not inside the writer's commits (checkpoint.go).
	if _, err := writer.Exec(`PRAGMA temp_store = MEMORY`); err != nil {
		writer.Close()
		return nil, fmt.Errorf("db: open %s: %w", path, err)
	}
	if _, err := writer.Exec(`PRAGMA wal_autocheckpoint = 0`); err != nil {
		writer.Close()
		return nil, fmt.Errorf("db: open %s: %w", path, err)
	}
	reader, err := sql.Open("sqlite3", "file:"+file+"?mode=ro&_busy_timeout=5000&_foreign_keys=on&_stmt_cache_size=64")
	if err != nil {
		writer.Close()
		return nil, fmt.Errorf("db: open reader: %w", err)
	}
	reader.SetMaxOpenConns(8)
	reader.SetMaxIdleConns(8)
	s := &Store{path: path, writer: writer, reader: reader}
	s.startSubmissions()
	if o.Replicated {
		return s, nil // Litestream checkpoints (checkpoint.go)
	}
	if s.checkpoints, err = startCheckpoints("file:" + file + "?_busy_timeout=5000"); err != nil {
		s.Close()
		return nil, fmt.Errorf("db: open %s: %w", path, err)
	}
	return s, nil
}

// Close stops the submission writer, after the batch it holds, and the background checkpoints,
// and closes both pools.
func (s *Store) Close() error {
	s.stopSubmissions()
	if s.checkpoints != nil {
		s.checkpoints.Stop()
	}
	return errors.Join(s.reader.Close(), s.writer.Close())
}

// Migrate applies every pending migration, each in its own transaction.
func (s *Store) Migrate(ctx context.Context) error {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return fmt.Errorf("db: migrations: %w", err)
	}
	provider, err := goose.NewProvider(goose.DialectSQLite3, s.writer, sub)
	if err != nil {
		return fmt.Errorf("db: migrations: %w", err)
	}
	if _, err := provider.Up(ctx); err != nil {
		return fmt.Errorf("db: migrate: %w", err)
	}
	// A migration may change what the search index holds; rebuilding it takes milliseconds.
	return s.inTx(ctx, func(tx *sql.Tx) error { return rebuildSearch(ctx, tx) })
}

// SchemaVersion is the number of the last migration applied.
func (s *Store) SchemaVersion(ctx context.Context) (int64, error) {
	var v int64
	err := s.reader.QueryRowContext(ctx,
		`SELECT COALESCE(MAX(version_id), 0) FROM goose_db_version WHERE is_applied = 1`).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("db: schema version: %w", err)
	}
	return v, nil
}

// Ping checks that the database answers a query.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	if err := s.reader.QueryRowContext(ctx, `SELECT 1`).Scan(&one); err != nil {
		return fmt.Errorf("db: ping: %w", err)
	}
	return nil
}

// Backup writes a consistent copy of the live database to path, which must not exist yet.
func (s *Store) Backup(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("db: backup: %s already exists", path)
	}
	if _, err := s.reader.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		return fmt.Errorf("db: backup: %w", err)
	}
	return nil
}

// CatalogueVersion changes whenever the public catalogue does, and whenever an edition's
// settings, questions or email templates do: the application forms cache those by it.
func (s *Store) CatalogueVersion() int64 { return s.catalogueVersion.Load() }

// inTx runs fn in one write transaction, committing when it returns nil.
func (s *Store) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// ErrSlugTaken is returned when another edition or series already has the address asked for.
var ErrSlugTaken = errors.New("db: slug taken")

// ErrInUse is returned when a criterion or a question cannot change because reviews or
// answers refer to it.
var ErrInUse = errors.New("db: in use")

// write runs fn in a write transaction and bumps the catalogue version once it is committed.
func (s *Store) write(ctx context.Context, what string, fn func(tx *sql.Tx) error) error {
	if err := s.inTx(ctx, fn); err != nil {
		return fmt.Errorf("db: %s: %w", what, err)
	}
	s.catalogueVersion.Add(1)
	return nil
}

// affectedOne turns an update that touched no row into ErrNotFound.
func affectedOne(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return ErrNotFound
	}
	return nil
}

func exists(ctx context.Context, tx *sql.Tx, query string, args ...any) (bool, error) {
	var one int
	err := tx.QueryRowContext(ctx, query, args...).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// orderedTables are the tables whose rows the editor moves up and down, by position.
var orderedTables = map[string]bool{"criteria": true, "questions": true}

// move swaps a row of table with its neighbour above (up) or below within the edition,
// renumbering the rows first so that positions are distinct. A question moves among the
// questions still asked, or among the retired ones, as the form builder lists them apart.
func (s *Store) move(ctx context.Context, table string, editionID, id int64, up bool) error {
	if !orderedTables[table] {
		return fmt.Errorf("db: move: no ordered table %q", table)
	}
	peers, args := ``, []any{editionID}
	if table == "questions" {
		peers, args = ` AND (retired, stage) = (SELECT retired, stage FROM questions WHERE id = ?)`, append(args, id)
	}
	return s.write(ctx, "move in "+table, func(tx *sql.Tx) error {
		order, err := queryIDs(ctx, tx, `SELECT id FROM `+table+` WHERE edition_id = ?`+peers+` ORDER BY position, id`, args...)
		if err != nil {
			return err
		}
		if !slices.Contains(order, id) {
			return ErrNotFound
		}
		return writeOrder(ctx, tx, `UPDATE `+table+` SET position = ? WHERE id = ?`, swapped(order, id, up))
	})
}

// catalogueWrite runs fn in a write transaction that also rebuilds the search index, then tells
// cached public pages that the catalogue changed.
func (s *Store) catalogueWrite(ctx context.Context, fn func(tx *sql.Tx) error) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		return rebuildSearch(ctx, tx)
	})
	if err != nil {
		return err
	}
	s.catalogueVersion.Add(1)
	return nil
}
