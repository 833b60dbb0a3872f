-- +goose Up
-- Open admission decides each registration's status from the seats taken and the last waitlist
-- rank of its edition, inside the submission's write transaction: with this index the last rank
-- is one index lookup instead of a scan of every application to the edition.
CREATE INDEX applications_by_edition_rank ON applications(edition_id, waitlist_rank);

-- +goose Down
DROP INDEX applications_by_edition_rank;
