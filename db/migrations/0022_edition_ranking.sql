-- +goose Up
-- Which score ranks an edition's applications in the list and in fill seats: 'auto' is the
-- normalised score once every reviewer has scored a few applications, the raw score before.
ALTER TABLE editions ADD COLUMN ranking TEXT NOT NULL DEFAULT 'auto'
	CHECK (ranking IN ('auto', 'raw', 'normalised'));

-- +goose Down
ALTER TABLE editions DROP COLUMN ranking;
