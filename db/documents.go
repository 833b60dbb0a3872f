package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"registrar/app/school"
)

const documentColumns = `d.id, d.edition_id, d.title_en, d.title_cs, d.kind, d.url, d.file_name,
	d.public, d.stored_name, d.content_type, d.size`

func scanDocument(row scanner) (school.Document, error) {
	var d school.Document
	err := row.Scan(&d.ID, &d.EditionID, &d.TitleEN, &d.TitleCS, &d.Kind, &d.URL, &d.FileName,
		&d.Public, &d.StoredName, &d.ContentType, &d.Size)
	return d, err
}

func (s *Store) queryDocuments(ctx context.Context, query string, args ...any) ([]school.Document, error) {
	rows, err := s.reader.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var docs []school.Document
	for rows.Next() {
		d, err := scanDocument(rows)
		if err != nil {
			return nil, err
		}
		docs = append(docs, d)
	}
	return docs, rows.Err()
}

// Documents lists all of an edition's documents, public and for participants, in their order.
func (s *Store) Documents(ctx context.Context, editionID int64) ([]school.Document, error) {
	docs, err := s.queryDocuments(ctx, `SELECT `+documentColumns+` FROM documents d
		WHERE d.edition_id = ? ORDER BY d.position, d.id`, editionID)
	if err != nil {
		return nil, fmt.Errorf("db: documents: %w", err)
	}
	return docs, nil
}

// ParticipantDocuments lists an edition's documents for participants only, in their order.
func (s *Store) ParticipantDocuments(ctx context.Context, editionID int64) ([]school.Document, error) {
	docs, err := s.queryDocuments(ctx, `SELECT `+documentColumns+` FROM documents d
		WHERE d.edition_id = ? AND d.public = 0 ORDER BY d.position, d.id`, editionID)
	if err != nil {
		return nil, fmt.Errorf("db: participant documents: %w", err)
	}
	return docs, nil
}

// Document is the document with the given id, whoever may see it.
func (s *Store) Document(ctx context.Context, id int64) (school.Document, error) {
	d, err := scanDocument(s.reader.QueryRowContext(ctx,
		`SELECT `+documentColumns+` FROM documents d WHERE d.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return d, ErrNotFound
	}
	if err != nil {
		return d, fmt.Errorf("db: document %d: %w", id, err)
	}
	return d, nil
}

// PublicDocument is the stored public document with the given id of a public edition.
func (s *Store) PublicDocument(ctx context.Context, id int64) (school.Document, error) {
	d, err := scanDocument(s.reader.QueryRowContext(ctx, `SELECT `+documentColumns+`
		FROM documents d JOIN editions e ON e.id = d.edition_id
		WHERE d.id = ? AND d.public = 1 AND d.stored_name <> '' AND`+publicEditions, id))
	if errors.Is(err, sql.ErrNoRows) {
		return d, ErrNotFound
	}
	if err != nil {
		return d, fmt.Errorf("db: public document %d: %w", id, err)
	}
	return d, nil
}

// CreateDocument adds a document at the end of an edition's list, with the bytes of its file
// when it has one (data, stored under d.StoredName), and returns its id.
func (s *Store) CreateDocument(ctx context.Context, d school.Document, data []byte) (int64, error) {
	var id int64
	err := s.catalogueWrite(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO documents (edition_id, title_en, title_cs, kind,
			url, file_name, stored_name, content_type, size, public, position)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
				(SELECT COALESCE(MAX(position), -1) + 1 FROM documents WHERE edition_id = ?))`,
			d.EditionID, d.TitleEN, d.TitleCS, d.Kind, d.URL, d.FileName, d.StoredName,
			d.ContentType, d.Size, d.Public, d.EditionID)
		if err != nil {
			return err
		}
		if id, err = res.LastInsertId(); err != nil || d.StoredName == "" {
			return err
		}
		return insertBlob(ctx, tx, d.StoredName, data)
	})
	if err != nil {
		return 0, fmt.Errorf("db: create document: %w", err)
	}
	return id, nil
}

// DeleteDocument removes a document from an edition, its file too, and returns it.
func (s *Store) DeleteDocument(ctx context.Context, editionID, id int64) (school.Document, error) {
	var d school.Document
	err := s.catalogueWrite(ctx, func(tx *sql.Tx) error {
		var err error
		d, err = scanDocument(tx.QueryRowContext(ctx, `SELECT `+documentColumns+` FROM documents d
			WHERE d.id = ? AND d.edition_id = ?`, id, editionID))
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM documents WHERE id = ?`, id)
		return err
	})
	if err != nil {
		return d, fmt.Errorf("db: delete document %d: %w", id, err)
	}
	return d, nil
}

// MoveDocument swaps a document with the one before it in the edition's list (up) or after it.
func (s *Store) MoveDocument(ctx context.Context, editionID, id int64, up bool) error {
	err := s.catalogueWrite(ctx, func(tx *sql.Tx) error {
		order, err := queryIDs(ctx, tx, `SELECT id FROM documents WHERE edition_id = ?
			ORDER BY position, id`, editionID)
		if err != nil {
			return err
		}
		found := false
		for _, v := range order {
			found = found || v == id
		}
		if !found {
			return ErrNotFound
		}
		return writeOrder(ctx, tx, `UPDATE documents SET position = ? WHERE id = ?`, swapped(order, id, up))
	})
	if err != nil {
		return fmt.Errorf("db: move document %d: %w", id, err)
	}
	return nil
}

// PublicDocuments lists an edition's public documents in their order.
func (s *Store) PublicDocuments(ctx context.Context, editionID int64) ([]school.Document, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT id, edition_id, title_en, title_cs, kind, url,
		file_name, public FROM documents WHERE edition_id = ? AND public = 1
		ORDER BY position, id`, editionID)
	if err != nil {
		return nil, fmt.Errorf("db: documents: %w", err)
	}
	defer rows.Close()
	var docs []school.Document
	for rows.Next() {
		var d school.Document
		if err := rows.Scan(&d.ID, &d.EditionID, &d.TitleEN, &d.TitleCS, &d.Kind, &d.URL,
			&d.FileName, &d.Public); err != nil {
			return nil, fmt.Errorf("db: documents: %w", err)
		}
		docs = append(docs, d)
	}
	return docs, rows.Err()
}

func insertDocument(ctx context.Context, tx *sql.Tx, d school.Document) (int64, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO documents (edition_id, title_en, title_cs, kind,
		url, file_name, public) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		d.EditionID, d.TitleEN, d.TitleCS, d.Kind, d.URL, d.FileName, d.Public)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}
