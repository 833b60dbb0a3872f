-- +goose Up
-- A staff user's authenticator app: the TOTP secret, sealed with a key derived from the
-- server's secret.key (not in the database, so not in its backups). confirmed_at is NULL while
-- it is being set up; last_step is the last 30-second step whose code was accepted, so each
-- code works once.
CREATE TABLE second_factors (
    user_id      INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    secret       BLOB NOT NULL,
    confirmed_at TEXT,
    last_step    INTEGER NOT NULL DEFAULT 0
);

-- Single-use codes for when the phone is lost, stored as SHA-256 hashes.
CREATE TABLE recovery_codes (
    user_id   INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    used_at   TEXT,
    PRIMARY KEY (user_id, code_hash)
);

-- Settings of the whole site an admin changes in the back office.
CREATE TABLE site_settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- +goose Down
DROP TABLE site_settings;
DROP TABLE recovery_codes;
DROP TABLE second_factors;
