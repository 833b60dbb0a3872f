-- +goose Up
ALTER TABLE editions ADD COLUMN required_reviews INTEGER NOT NULL DEFAULT 2;
ALTER TABLE editions ADD COLUMN blind_review INTEGER NOT NULL DEFAULT 0;
ALTER TABLE editions ADD COLUMN auto_promote INTEGER NOT NULL DEFAULT 1;
ALTER TABLE applications ADD COLUMN offer_expires_at TEXT;
ALTER TABLE applications ADD COLUMN offer_reminded_at TEXT;

-- Reviewers see only the editions they are assigned to.
CREATE TABLE edition_reviewers (
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    edition_id INTEGER NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, edition_id)
);

-- Decisions staged by organisers, released together in one batch when the emails go out.
CREATE TABLE staged_decisions (
    application_id INTEGER PRIMARY KEY REFERENCES applications(id) ON DELETE CASCADE,
    edition_id     INTEGER NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
    decision       TEXT NOT NULL CHECK (decision IN ('accepted', 'waitlisted', 'rejected')),
    waitlist_rank  INTEGER NOT NULL DEFAULT 0,
    staged_by      INTEGER NOT NULL REFERENCES users(id),
    staged_at      TEXT NOT NULL
);
CREATE INDEX staged_by_edition ON staged_decisions(edition_id);
CREATE INDEX applications_offers ON applications(status, offer_expires_at);

CREATE INDEX applications_by_edition_submitted ON applications(edition_id, submitted_at);
CREATE INDEX applications_by_edition_name ON applications(edition_id, family_name, given_name);

-- +goose Down
DROP INDEX applications_by_edition_name;
DROP INDEX applications_by_edition_submitted;
DROP INDEX applications_offers;
DROP TABLE staged_decisions;
DROP TABLE edition_reviewers;
ALTER TABLE applications DROP COLUMN offer_reminded_at;
ALTER TABLE applications DROP COLUMN offer_expires_at;
ALTER TABLE editions DROP COLUMN auto_promote;
ALTER TABLE editions DROP COLUMN blind_review;
ALTER TABLE editions DROP COLUMN required_reviews;
