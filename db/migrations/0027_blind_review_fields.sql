-- +goose Up
-- The identifying details blind review still shows reviewers, comma-separated: none by default,
-- so that a detail added later is hidden until an organiser chooses to show it.
ALTER TABLE editions ADD COLUMN blind_shown TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE editions DROP COLUMN blind_shown;
