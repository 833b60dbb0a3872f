-- +goose Up
-- A user's sessions carry the generation they began in; raising it (a reset second factor)
-- ends every session begun before.
ALTER TABLE users ADD COLUMN session_generation INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE users DROP COLUMN session_generation;
