-- +goose Up
-- What an edition asks of referees: how many references (0–3), until when (NULL: the
-- application deadline plus 7 days), the questions put to them (one a line, in each language)
-- and whether reviewers reviewing blind see the letters, which name the applicant.
CREATE TABLE edition_references (
    edition_id            INTEGER PRIMARY KEY REFERENCES editions (id) ON DELETE CASCADE,
    asked                 INTEGER NOT NULL DEFAULT 0 CHECK (asked BETWEEN 0 AND 3),
    deadline_at           TEXT,
    questions_en          TEXT NOT NULL DEFAULT '',
    questions_cs          TEXT NOT NULL DEFAULT '',
    reviewers_see_letters INTEGER NOT NULL DEFAULT 0
);

-- The referees an applicant named: when they were asked, reminded and answered, and what they
-- sent: a PDF letter, whose bytes live in file_blobs under letter_stored_name, and answers
-- (JSON: question and answer).
CREATE TABLE referees (
    id                 INTEGER PRIMARY KEY,
    application_id     INTEGER NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    position           INTEGER NOT NULL CHECK (position BETWEEN 1 AND 3),
    name               TEXT NOT NULL,
    email              TEXT NOT NULL,
    relation           TEXT NOT NULL DEFAULT '',
    lang               TEXT NOT NULL,
    requested_at       TEXT NOT NULL,
    reminded_at        TEXT,
    received_at        TEXT,
    letter_stored_name TEXT UNIQUE,
    letter_file_name   TEXT NOT NULL DEFAULT '',
    letter_size        INTEGER NOT NULL DEFAULT 0,
    answers            TEXT NOT NULL DEFAULT '',
    UNIQUE (application_id, position)
);
-- Each referee's secret links, by hash (never the secret): the request's, a reminder's, a
-- request sent again; an earlier one keeps working, as status links do.
CREATE TABLE referee_links (
    token_hash TEXT PRIMARY KEY,
    referee_id INTEGER NOT NULL REFERENCES referees (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL
);
CREATE INDEX referee_links_by_referee ON referee_links (referee_id);

-- The reminder job looks for referees who have sent nothing.
CREATE INDEX referees_waiting ON referees (received_at, reminded_at);

-- +goose StatementBegin
CREATE TRIGGER referees_take_their_letter AFTER DELETE ON referees WHEN OLD.letter_stored_name IS NOT NULL BEGIN
    DELETE FROM file_blobs WHERE name = OLD.letter_stored_name;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER referees_take_their_letter;
DROP TABLE referee_links;
DROP TABLE referees;
DROP TABLE edition_references;
