-- +goose Up
-- The journal of erasures: which application was erased and when, by reference only, so that a
-- restored backup can be erased again of everyone erased since it was taken.
CREATE TABLE erasures (
    application_id INTEGER NOT NULL,
    reference      TEXT NOT NULL,
    erased_at      TEXT NOT NULL
);
CREATE INDEX erasures_by_application ON erasures (application_id);

-- Erasures made before the journal existed.
INSERT INTO erasures (application_id, reference, erased_at)
SELECT id, reference, erased_at FROM applications WHERE erased_at IS NOT NULL;

-- +goose Down
DROP TABLE erasures;
