-- +goose Up
-- The bytes of every stored file (uploads and documents, by their stored_name) live in the
-- database, so that one backup, one transaction and the replication cover them. A file's bytes
-- go with the row that names it, in the same transaction, whichever statement deletes it.
CREATE TABLE file_blobs (
    name TEXT PRIMARY KEY,
    data BLOB NOT NULL
);

-- +goose StatementBegin
CREATE TRIGGER uploads_take_their_blob AFTER DELETE ON uploads BEGIN
    DELETE FROM file_blobs WHERE name = OLD.stored_name;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER documents_take_their_blob AFTER DELETE ON documents WHEN OLD.stored_name <> '' BEGIN
    DELETE FROM file_blobs WHERE name = OLD.stored_name;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER documents_take_their_blob;
DROP TRIGGER uploads_take_their_blob;
DROP TABLE file_blobs;
