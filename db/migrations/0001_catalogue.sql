-- +goose Up
CREATE TABLE series (
    id      INTEGER PRIMARY KEY,
    slug    TEXT NOT NULL UNIQUE,
    name_en TEXT NOT NULL,
    name_cs TEXT NOT NULL DEFAULT ''
);

CREATE TABLE editions (
    id              INTEGER PRIMARY KEY,
    series_id       INTEGER NOT NULL REFERENCES series(id),
    slug            TEXT NOT NULL UNIQUE,
    year            INTEGER NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('summer_school','winter_school','conference','seminar','workshop')),
    title_en        TEXT NOT NULL DEFAULT '',
    title_cs        TEXT NOT NULL DEFAULT '',
    theme_en        TEXT NOT NULL DEFAULT '',
    theme_cs        TEXT NOT NULL DEFAULT '',
    description_en  TEXT NOT NULL DEFAULT '',
    description_cs  TEXT NOT NULL DEFAULT '',
    starts_on       TEXT NOT NULL,           -- YYYY-MM-DD
    ends_on         TEXT NOT NULL,           -- YYYY-MM-DD
    venue           TEXT NOT NULL DEFAULT '',
    city            TEXT NOT NULL DEFAULT '',
    mode            TEXT NOT NULL DEFAULT 'in_person' CHECK (mode IN ('in_person','online','hybrid')),
    language        TEXT NOT NULL DEFAULT 'en',
    fee_cents       INTEGER NOT NULL DEFAULT 0,
    currency        TEXT NOT NULL DEFAULT 'EUR',
    seats_in_person INTEGER NOT NULL DEFAULT 0,
    seats_online    INTEGER NOT NULL DEFAULT 0,
    opens_at        TEXT,                    -- UTC, RFC 3339; NULL when the edition takes no applications
    closes_at       TEXT,                    -- UTC, RFC 3339; the stated minute, inclusive
    admission       TEXT NOT NULL DEFAULT 'selection' CHECK (admission IN ('selection','open')),
    offer_days      INTEGER NOT NULL DEFAULT 7,
    status          TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','published','archived')),
    created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
    updated_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
);
CREATE INDEX editions_by_start ON editions(status, starts_on);
CREATE INDEX editions_by_series ON editions(series_id, year);

CREATE TABLE lecturers (
    id          INTEGER PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    affiliation TEXT NOT NULL DEFAULT '',
    bio_en      TEXT NOT NULL DEFAULT '',
    bio_cs      TEXT NOT NULL DEFAULT ''
);

CREATE TABLE programme_sessions (
    id             INTEGER PRIMARY KEY,
    edition_id     INTEGER NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
    day            TEXT NOT NULL,            -- YYYY-MM-DD
    starts_at      TEXT NOT NULL DEFAULT '', -- HH:MM, Europe/Prague
    ends_at        TEXT NOT NULL DEFAULT '',
    kind           TEXT NOT NULL DEFAULT 'lecture' CHECK (kind IN ('lecture','panel','workshop','study_visit','social','opening')),
    title_en       TEXT NOT NULL DEFAULT '',
    title_cs       TEXT NOT NULL DEFAULT '',
    room           TEXT NOT NULL DEFAULT '',
    description_en TEXT NOT NULL DEFAULT '',
    description_cs TEXT NOT NULL DEFAULT '',
    position       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX sessions_by_edition ON programme_sessions(edition_id, day, starts_at, position);

CREATE TABLE session_lecturers (
    session_id  INTEGER NOT NULL REFERENCES programme_sessions(id) ON DELETE CASCADE,
    lecturer_id INTEGER NOT NULL REFERENCES lecturers(id),
    position    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (session_id, lecturer_id)
);
CREATE INDEX session_lecturers_by_lecturer ON session_lecturers(lecturer_id);

CREATE TABLE documents (
    id          INTEGER PRIMARY KEY,
    edition_id  INTEGER NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
    title_en    TEXT NOT NULL DEFAULT '',
    title_cs    TEXT NOT NULL DEFAULT '',
    kind        TEXT NOT NULL DEFAULT 'other',
    url         TEXT NOT NULL DEFAULT '',
    file_name   TEXT NOT NULL DEFAULT '',
    stored_name TEXT NOT NULL DEFAULT '',
    public      INTEGER NOT NULL DEFAULT 1,
    position    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX documents_by_edition ON documents(edition_id, position);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name          TEXT NOT NULL DEFAULT '',
    role          TEXT NOT NULL CHECK (role IN ('admin','organiser','reviewer')),
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
);

-- Full-text search over the public catalogue. remove_diacritics 2 folds "česky" to "cesky";
-- the prefix index makes "integr*" cheap. Rebuilt from the catalogue tables on every catalogue write.
CREATE VIRTUAL TABLE catalogue_search USING fts5(
    kind UNINDEXED,     -- edition, session, lecturer
    ref UNINDEXED,      -- slug of the page the hit links to
    lang UNINDEXED,     -- en or cs: each record is indexed once per language it has text in
    title,
    body,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3 4'
);

-- +goose Down
DROP TABLE catalogue_search;
DROP TABLE users;
DROP TABLE documents;
DROP TABLE session_lecturers;
DROP TABLE programme_sessions;
DROP TABLE lecturers;
DROP TABLE editions;
DROP TABLE series;
