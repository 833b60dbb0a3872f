-- +goose Up
-- What running an edition end to end needs beyond the catalogue: how long personal data of
-- applicants who were not selected is kept, who signs letters and certificates, and the contact
-- hours a certificate states.
ALTER TABLE editions ADD COLUMN retention_months INTEGER NOT NULL DEFAULT 6;
ALTER TABLE editions ADD COLUMN signatory_name TEXT NOT NULL DEFAULT '';
ALTER TABLE editions ADD COLUMN signatory_title TEXT NOT NULL DEFAULT '';
ALTER TABLE editions ADD COLUMN hours INTEGER NOT NULL DEFAULT 0;

-- When an application's personal data was erased, by the retention job or on request. The row
-- stays, stripped, so the statistics keep their counts.
ALTER TABLE applications ADD COLUMN erased_at TEXT;

-- Visa invitation letters and certificates of attendance. The code is printed on the PDF;
-- /verify/CODE shows the name, edition and date issued, nothing more. The holder's name is
-- copied here as it was when the document was issued; erasing the application deletes the row.
CREATE TABLE issued_documents (
    id             INTEGER PRIMARY KEY,
    code           TEXT NOT NULL UNIQUE,
    kind           TEXT NOT NULL CHECK (kind IN ('visa_letter', 'certificate')),
    application_id INTEGER REFERENCES applications(id) ON DELETE SET NULL,
    edition_id     INTEGER NOT NULL REFERENCES editions(id),
    holder_name    TEXT NOT NULL,
    issued_at      TEXT NOT NULL,
    UNIQUE (application_id, kind)
);

-- +goose Down
DROP TABLE issued_documents;
ALTER TABLE applications DROP COLUMN erased_at;
ALTER TABLE editions DROP COLUMN hours;
ALTER TABLE editions DROP COLUMN signatory_title;
ALTER TABLE editions DROP COLUMN signatory_name;
ALTER TABLE editions DROP COLUMN retention_months;
