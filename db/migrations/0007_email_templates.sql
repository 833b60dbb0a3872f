-- +goose Up
-- Organisers' own wording of an email for one edition and language (issue 4: every email kind
-- has an editable Czech and English template per edition). No row: the shipped default.
-- The body is plain text with {placeholders} from a fixed list; it is never run as a template.
CREATE TABLE email_templates (
    edition_id INTEGER NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    lang       TEXT NOT NULL CHECK (lang IN ('en', 'cs')),
    subject    TEXT NOT NULL,
    body       TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    PRIMARY KEY (edition_id, name, lang)
) WITHOUT ROWID;

-- Bulk emails sent to an edition's participants (practical information), so a second click
-- within a minute queues nothing and the send page says when the last one went out.
CREATE TABLE bulk_emails (
    id         INTEGER PRIMARY KEY,
    edition_id INTEGER NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
    template   TEXT NOT NULL,
    sent_at    TEXT NOT NULL,
    sent_by    TEXT NOT NULL,
    recipients INTEGER NOT NULL
);
CREATE INDEX bulk_emails_by_edition ON bulk_emails(edition_id, template, sent_at);

-- +goose Down
DROP INDEX bulk_emails_by_edition;
DROP TABLE bulk_emails;
DROP TABLE email_templates;
