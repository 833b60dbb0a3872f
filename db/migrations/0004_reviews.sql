-- +goose Up
-- An edition's rubric: what reviewers score, 1 to 5, and how much each counts.
CREATE TABLE criteria (
    id         INTEGER PRIMARY KEY,
    edition_id INTEGER NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL DEFAULT 0,
    label_en   TEXT NOT NULL,
    label_cs   TEXT NOT NULL DEFAULT '',
    weight     REAL NOT NULL CHECK (weight > 0)
);
CREATE INDEX criteria_by_edition ON criteria(edition_id, position);

CREATE TABLE reviews (
    id             INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    reviewer_id    INTEGER NOT NULL REFERENCES users(id),
    conflict       INTEGER NOT NULL DEFAULT 0, -- declared a conflict of interest: no scores
    weighted_score REAL,                       -- the weighted mean of the scores, 1 to 5
    comment        TEXT NOT NULL DEFAULT '',
    submitted_at   TEXT NOT NULL,
    UNIQUE (application_id, reviewer_id)
);
CREATE INDEX reviews_by_reviewer ON reviews(reviewer_id);

CREATE TABLE review_scores (
    review_id    INTEGER NOT NULL REFERENCES reviews(id) ON DELETE CASCADE,
    criterion_id INTEGER NOT NULL REFERENCES criteria(id),
    score        INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
    PRIMARY KEY (review_id, criterion_id)
);

-- +goose Down
DROP TABLE review_scores;
DROP TABLE reviews;
DROP TABLE criteria;
