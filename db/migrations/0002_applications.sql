-- +goose Up
-- Which optional fields of the application form an edition asks for, comma-separated.
ALTER TABLE editions ADD COLUMN optional_fields TEXT NOT NULL DEFAULT '';

CREATE TABLE questions (
    id         INTEGER PRIMARY KEY,
    edition_id INTEGER NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL DEFAULT 0,
    kind       TEXT NOT NULL CHECK (kind IN ('text','long_text','single','multiple','yes_no','file')),
    label_en   TEXT NOT NULL DEFAULT '',
    label_cs   TEXT NOT NULL DEFAULT '',
    options_en TEXT NOT NULL DEFAULT '', -- one option a line
    options_cs TEXT NOT NULL DEFAULT '',
    required   INTEGER NOT NULL DEFAULT 0,
    retired    INTEGER NOT NULL DEFAULT 0 -- no longer asked; old answers stay readable
);
CREATE INDEX questions_by_edition ON questions(edition_id, position);

-- Files applicants upload. stored_name is random; the file lives under REGISTRAR_DATA/uploads.
-- An upload belongs to no application until the form is accepted: a CV survives a form sent
-- back with errors, referenced by its unguessable claim key.
CREATE TABLE uploads (
    id             INTEGER PRIMARY KEY,
    claim_key      TEXT NOT NULL UNIQUE,
    stored_name    TEXT NOT NULL UNIQUE,
    original_name  TEXT NOT NULL,
    content_type   TEXT NOT NULL,
    size           INTEGER NOT NULL,
    sha256         TEXT NOT NULL,
    application_id INTEGER REFERENCES applications(id) ON DELETE SET NULL,
    created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
);

CREATE TABLE applications (
    id                INTEGER PRIMARY KEY,
    edition_id        INTEGER NOT NULL REFERENCES editions(id),
    reference         TEXT NOT NULL UNIQUE,
    status            TEXT NOT NULL CHECK (status IN ('submitted','accepted','confirmed','waitlisted',
                          'rejected','declined','expired','withdrawn','attended','no_show')),
    lang              TEXT NOT NULL DEFAULT 'en',
    email             TEXT NOT NULL COLLATE NOCASE,
    given_name        TEXT NOT NULL,
    family_name       TEXT NOT NULL,
    date_of_birth     TEXT NOT NULL DEFAULT '',
    nationality       TEXT NOT NULL DEFAULT '',
    residence         TEXT NOT NULL DEFAULT '',
    gender            TEXT NOT NULL DEFAULT '',
    sector            TEXT NOT NULL DEFAULT '',
    institution       TEXT NOT NULL DEFAULT '',
    field_of_study    TEXT NOT NULL DEFAULT '',
    highest_degree    TEXT NOT NULL DEFAULT '',
    english_level     TEXT NOT NULL DEFAULT '',
    motivation        TEXT NOT NULL DEFAULT '',
    referee_name      TEXT NOT NULL DEFAULT '',
    referee_email     TEXT NOT NULL DEFAULT '',
    attendance_mode   TEXT NOT NULL DEFAULT 'in_person',
    fee_waiver        INTEGER NOT NULL DEFAULT 0,
    fee_waiver_reason TEXT NOT NULL DEFAULT '',
    visa_letter       INTEGER NOT NULL DEFAULT 0,
    passport_name     TEXT NOT NULL DEFAULT '',
    dietary           TEXT NOT NULL DEFAULT '',
    accessibility     TEXT NOT NULL DEFAULT '',
    heard_from        TEXT NOT NULL DEFAULT '',
    cv_upload_id      INTEGER REFERENCES uploads(id),
    waitlist_rank     INTEGER NOT NULL DEFAULT 0,
    submitted_at      TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    erasure_asked_at  TEXT,
    UNIQUE (edition_id, email)
);
CREATE INDEX applications_by_edition_status ON applications(edition_id, status);
CREATE INDEX applications_by_email ON applications(email);

-- The secret links that open an application's status page: each email about the application
-- carries a fresh one. Only a SHA-256 of each secret is stored.
CREATE TABLE status_links (
    token_hash     TEXT PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    created_at     TEXT NOT NULL
);
CREATE INDEX status_links_by_application ON status_links(application_id);

CREATE TABLE answers (
    application_id INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    question_id    INTEGER NOT NULL REFERENCES questions(id),
    value          TEXT NOT NULL DEFAULT '',
    upload_id      INTEGER REFERENCES uploads(id),
    PRIMARY KEY (application_id, question_id)
);

CREATE TABLE consents (
    application_id INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    kind           TEXT NOT NULL,
    granted        INTEGER NOT NULL,
    version        TEXT NOT NULL,
    at             TEXT NOT NULL,
    PRIMARY KEY (application_id, kind)
);

-- The last reference number given out per year: references are unique across the editions of
-- a year (SMS-2027-0042).
CREATE TABLE reference_counters (
    year INTEGER PRIMARY KEY,
    last INTEGER NOT NULL
);

-- Who did what to which record, when, from what to what.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,          -- 'applicant', 'system' or 'user:<id>'
    action      TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   INTEGER NOT NULL,
    from_state  TEXT NOT NULL DEFAULT '',
    to_state    TEXT NOT NULL DEFAULT '',
    detail      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_by_entity ON audit_log(entity, entity_id, id);

-- Every email is a row first; the outbox worker sends it with retries.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    created_at      TEXT NOT NULL,
    to_addr         TEXT NOT NULL,
    lang            TEXT NOT NULL,
    subject         TEXT NOT NULL,
    text_body       TEXT NOT NULL,
    html_body       TEXT NOT NULL,
    template        TEXT NOT NULL,
    application_id  INTEGER REFERENCES applications(id) ON DELETE SET NULL,
    status          TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued','sent','failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error      TEXT NOT NULL DEFAULT '',
    message_id      TEXT NOT NULL UNIQUE,
    sent_at         TEXT
);
CREATE INDEX outbox_due ON outbox(status, next_attempt_at);

-- +goose Down
DROP TABLE outbox;
DROP TABLE audit_log;
DROP TABLE reference_counters;
DROP TABLE consents;
DROP TABLE answers;
DROP TABLE status_links;
DROP TABLE applications;
DROP TABLE uploads;
DROP TABLE questions;
ALTER TABLE editions DROP COLUMN optional_fields;
