-- +goose Up
-- Documents uploaded to Registrar keep the content type found in their bytes and their size, so
-- they are served as what they are.
ALTER TABLE documents ADD COLUMN content_type TEXT NOT NULL DEFAULT '';
ALTER TABLE documents ADD COLUMN size INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE documents DROP COLUMN size;
ALTER TABLE documents DROP COLUMN content_type;
