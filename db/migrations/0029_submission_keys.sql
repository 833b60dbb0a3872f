-- +goose Up
-- The one-time key of the application form that was sent (made when the form was shown): the
-- same form sent again (a retry after a dropped connection, a double click, a copy kept offline
-- and sent once the connection came back) finds its application by it and is not stored or
-- acknowledged twice. The key is random and says nothing of the applicant; it goes with the
-- application's row.
CREATE TABLE submission_keys (
    key            TEXT PRIMARY KEY,
    edition_id     INTEGER NOT NULL REFERENCES editions (id) ON DELETE CASCADE,
    application_id INTEGER NOT NULL REFERENCES applications (id) ON DELETE CASCADE
);
CREATE INDEX submission_keys_application ON submission_keys (application_id);

-- +goose Down
DROP TABLE submission_keys;
