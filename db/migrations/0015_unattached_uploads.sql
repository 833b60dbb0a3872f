-- +goose Up
-- A file sent with a form that was sent back belongs to no application (application_id IS NULL)
-- until a form claims it. sent_from is a hash of the browser's CSRF token, which ties the files one
-- browser sent to the application it then sends; sent_for is that application, once known (at
-- once for a file sent with an application's edit form), so an erasure takes its unattached
-- files too. The daily job removes unattached files whose form has expired.
ALTER TABLE uploads ADD COLUMN sent_from TEXT;
ALTER TABLE uploads ADD COLUMN sent_for INTEGER REFERENCES applications(id) ON DELETE SET NULL;
CREATE INDEX uploads_unattached ON uploads(created_at) WHERE application_id IS NULL;
CREATE INDEX uploads_sent_from ON uploads(sent_from) WHERE application_id IS NULL;
CREATE INDEX uploads_sent_for ON uploads(sent_for) WHERE application_id IS NULL;

-- +goose Down
DROP INDEX uploads_sent_for;
DROP INDEX uploads_sent_from;
DROP INDEX uploads_unattached;
ALTER TABLE uploads DROP COLUMN sent_for;
ALTER TABLE uploads DROP COLUMN sent_from;
