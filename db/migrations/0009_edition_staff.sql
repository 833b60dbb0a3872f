-- +goose Up
-- Assignments now hold organisers too: an organiser assigned to editions runs only those.
ALTER TABLE edition_reviewers RENAME TO edition_staff;

-- +goose Down
ALTER TABLE edition_staff RENAME TO edition_reviewers;
