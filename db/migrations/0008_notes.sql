-- +goose Up
-- Organisers' internal notes on an application; applicants never see them.
CREATE TABLE application_notes (
    id             INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    user_id        INTEGER NOT NULL REFERENCES users(id),
    at             TEXT NOT NULL,
    body           TEXT NOT NULL
);
CREATE INDEX notes_by_application ON application_notes(application_id, id);

-- +goose Down
DROP TABLE application_notes;
