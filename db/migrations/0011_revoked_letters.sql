-- +goose Up
-- A visa letter stops inviting its holder once they give up their place (declined, expired,
-- withdrawn): /verify then says so, for the consulate that checks it.
ALTER TABLE issued_documents ADD COLUMN revoked_at TEXT;

-- +goose Down
ALTER TABLE issued_documents DROP COLUMN revoked_at;
