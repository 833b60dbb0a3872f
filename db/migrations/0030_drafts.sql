-- +goose Up
-- A form saved with "Save and continue later": not an application (no reference, counted nowhere
-- but as an open draft), resumed by a link whose hash alone is kept. form holds the typed
-- values as JSON. emailed_at and emailed_to say when and where its link last went, so that a
-- stranger saving drafts with someone's address cannot flood their inbox. Drafts go when the
-- edition's call closes.
CREATE TABLE drafts (
    id INTEGER PRIMARY KEY,
    edition_id INTEGER NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    email TEXT NOT NULL,
    lang TEXT NOT NULL,
    form TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    emailed_at TEXT,
    emailed_to TEXT
);
CREATE INDEX drafts_edition ON drafts(edition_id);
CREATE INDEX drafts_emailed ON drafts(emailed_to COLLATE NOCASE, emailed_at);

-- A draft's files, one per file field; their bytes are in file_blobs under stored_name and go
-- with the row, whichever statement deletes it (a draft's deletion cascades here).
CREATE TABLE draft_files (
    draft_id INTEGER NOT NULL REFERENCES drafts(id) ON DELETE CASCADE,
    field TEXT NOT NULL,
    stored_name TEXT NOT NULL UNIQUE,
    original_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    PRIMARY KEY (draft_id, field)
);

-- +goose StatementBegin
CREATE TRIGGER draft_files_take_their_blob AFTER DELETE ON draft_files BEGIN
    DELETE FROM file_blobs WHERE name = OLD.stored_name;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER draft_files_take_their_blob;
DROP TABLE draft_files;
DROP TABLE drafts;
