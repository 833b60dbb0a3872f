-- +goose Up
-- The back office with a popular call (issue 4: 100,000 applications to one edition).

-- An application's score, the mean weighted score of its reviews without a conflict (NULL while
-- it has none), and how many such reviews it has: kept by SubmitReview in the review's
-- transaction, so the list sorts by score and the dashboard counts reviewed applications from
-- an index instead of a subquery per application.
ALTER TABLE applications ADD COLUMN score REAL;
ALTER TABLE applications ADD COLUMN review_count INTEGER NOT NULL DEFAULT 0;
UPDATE applications SET
    score = (SELECT AVG(r.weighted_score) FROM reviews r
             WHERE r.application_id = applications.id AND r.conflict = 0),
    review_count = (SELECT COUNT(*) FROM reviews r
                    WHERE r.application_id = applications.id AND r.conflict = 0)
WHERE id IN (SELECT application_id FROM reviews);

-- A review's edition (its application's, copied), so a reviewer's scores in an edition, which
-- normalising needs, come from one index.
ALTER TABLE reviews ADD COLUMN edition_id INTEGER;
UPDATE reviews SET edition_id = (SELECT a.edition_id FROM applications a WHERE a.id = reviews.application_id);
CREATE INDEX reviews_by_edition ON reviews(edition_id, conflict, reviewer_id, weighted_score);

-- The list sorted by score, with and without a status filter (SQLite puts NULLs last in
-- descending order: unreviewed applications come after the scored ones).
CREATE INDEX applications_by_edition_status_score ON applications(edition_id, status, score DESC, submitted_at);
CREATE INDEX applications_by_edition_score ON applications(edition_id, score DESC, submitted_at);
-- Newest or oldest first, with or without a nationality filter; the search looks at the name,
-- email and reference inside the index, not in 100,000 rows. The new index does all the old
-- one on (edition_id, submitted_at) did.
DROP INDEX applications_by_edition_submitted;
CREATE INDEX applications_by_edition_submitted_search ON applications(edition_id, submitted_at, id,
    email, given_name, family_name, reference);
CREATE INDEX applications_by_edition_nationality ON applications(edition_id, nationality, submitted_at, id,
    email, given_name, family_name, reference);
-- The dashboard's charts.
CREATE INDEX applications_by_edition_sector ON applications(edition_id, sector);
CREATE INDEX applications_by_edition_gender ON applications(edition_id, gender);
CREATE INDEX applications_by_edition_day ON applications(edition_id, substr(submitted_at, 1, 10));
CREATE INDEX applications_by_edition_reviews ON applications(edition_id, review_count);

-- +goose Down
DROP INDEX applications_by_edition_reviews;
DROP INDEX applications_by_edition_day;
DROP INDEX applications_by_edition_gender;
DROP INDEX applications_by_edition_sector;
DROP INDEX applications_by_edition_nationality;
DROP INDEX applications_by_edition_submitted_search;
CREATE INDEX applications_by_edition_submitted ON applications(edition_id, submitted_at);
DROP INDEX applications_by_edition_score;
DROP INDEX applications_by_edition_status_score;
DROP INDEX reviews_by_edition;
ALTER TABLE reviews DROP COLUMN edition_id;
ALTER TABLE applications DROP COLUMN review_count;
ALTER TABLE applications DROP COLUMN score;
