-- +goose Up
-- An edition's own privacy notice, per language, and its own contact address. Without a row,
-- or with an empty text, the edition shows the default notice (views/notices) and the school's
-- contact. revision counts the organisers' saves: the notice's version, which every consent given
-- under it records, is the day of the last save and that count.
CREATE TABLE privacy_notices (
    edition_id    INTEGER PRIMARY KEY REFERENCES editions(id) ON DELETE CASCADE,
    text_en       TEXT NOT NULL DEFAULT '',
    text_cs       TEXT NOT NULL DEFAULT '',
    contact_email TEXT NOT NULL DEFAULT '',
    revision      INTEGER NOT NULL DEFAULT 0,
    changed_at    TEXT NOT NULL
);

-- +goose Down
DROP TABLE privacy_notices;
