-- +goose Up
-- The search index keeps where each hit belongs (an edition's year and city, a session's edition,
-- a lecturer's affiliation), shown beside the hit and not searched. Store.Migrate rebuilds it.
DROP TABLE catalogue_search;
CREATE VIRTUAL TABLE catalogue_search USING fts5(
    kind UNINDEXED,     -- edition, session, lecturer
    ref UNINDEXED,      -- the address of the page the hit links to
    lang UNINDEXED,     -- en or cs: every record is indexed once per language, in its text or English
    context UNINDEXED,  -- where the hit belongs, in that language
    title,
    body,               -- plain text: Markdown is indexed as the text a reader sees
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3 4'
);

-- +goose Down
DROP TABLE catalogue_search;
CREATE VIRTUAL TABLE catalogue_search USING fts5(
    kind UNINDEXED,
    ref UNINDEXED,
    lang UNINDEXED,
    title,
    body,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3 4'
);
