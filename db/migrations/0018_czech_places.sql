-- +goose Up
-- Where an edition and its sessions take place, in Czech; empty means the English one is shown.
ALTER TABLE editions ADD COLUMN venue_cs TEXT NOT NULL DEFAULT '';
ALTER TABLE editions ADD COLUMN city_cs TEXT NOT NULL DEFAULT '';
ALTER TABLE programme_sessions ADD COLUMN room_cs TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE programme_sessions DROP COLUMN room_cs;
ALTER TABLE editions DROP COLUMN city_cs;
ALTER TABLE editions DROP COLUMN venue_cs;
