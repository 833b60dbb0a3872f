-- +goose Up
-- A visa letter is re-issued when organisers correct the passport's name or number it prints:
-- the old letter stays, so that its code still answers on /verify, marked replaced (and revoked
-- from that moment), and the new one takes a fresh code. An application so has one current
-- letter of each kind, and any number of replaced ones; SQLite keeps a table's UNIQUE for good,
-- so the table is made anew with the uniqueness as a partial index.
CREATE TABLE issued_documents_new (
    id             INTEGER PRIMARY KEY,
    code           TEXT NOT NULL UNIQUE,
    kind           TEXT NOT NULL CHECK (kind IN ('visa_letter', 'certificate')),
    application_id INTEGER REFERENCES applications(id) ON DELETE SET NULL,
    edition_id     INTEGER NOT NULL REFERENCES editions(id),
    holder_name    TEXT NOT NULL,
    issued_at      TEXT NOT NULL,
    revoked_at     TEXT,
    replaced_at    TEXT
);
INSERT INTO issued_documents_new (id, code, kind, application_id, edition_id, holder_name, issued_at, revoked_at)
SELECT id, code, kind, application_id, edition_id, holder_name, issued_at, revoked_at FROM issued_documents;
DROP TABLE issued_documents;
ALTER TABLE issued_documents_new RENAME TO issued_documents;
CREATE UNIQUE INDEX issued_documents_current ON issued_documents (application_id, kind)
    WHERE replaced_at IS NULL;

-- The journal of erasures also keeps the passport details erased from an application after its
-- edition (what 'passport'), so that a restored backup loses them again; 'application' is the
-- whole application, as before.
ALTER TABLE erasures ADD COLUMN what TEXT NOT NULL DEFAULT 'application'
    CHECK (what IN ('application', 'passport'));

-- +goose Down
-- Before 0034 every entry of the journal is a whole application erased: a passport erasure
-- kept would erase the whole application on a restore.
DELETE FROM erasures WHERE what = 'passport';
ALTER TABLE erasures DROP COLUMN what;
DELETE FROM issued_documents WHERE replaced_at IS NOT NULL;
CREATE TABLE issued_documents_old (
    id             INTEGER PRIMARY KEY,
    code           TEXT NOT NULL UNIQUE,
    kind           TEXT NOT NULL CHECK (kind IN ('visa_letter', 'certificate')),
    application_id INTEGER REFERENCES applications(id) ON DELETE SET NULL,
    edition_id     INTEGER NOT NULL REFERENCES editions(id),
    holder_name    TEXT NOT NULL,
    issued_at      TEXT NOT NULL,
    revoked_at     TEXT,
    UNIQUE (application_id, kind)
);
INSERT INTO issued_documents_old SELECT id, code, kind, application_id, edition_id, holder_name, issued_at, revoked_at
FROM issued_documents;
DROP TABLE issued_documents;
ALTER TABLE issued_documents_old RENAME TO issued_documents;
