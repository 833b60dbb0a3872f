-- +goose Up
-- Waiting-list ranks are unique within an edition and run 1, 2, 3 … with no gap. Ranks given
-- twice before are told apart by who applied first; a rank left on an application no longer
-- waiting is cleared.
UPDATE applications SET waitlist_rank = 0 WHERE status <> 'waitlisted' AND waitlist_rank <> 0;
UPDATE applications SET waitlist_rank = ranked.n
FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY edition_id ORDER BY waitlist_rank, submitted_at, id) AS n
      FROM applications WHERE status = 'waitlisted') AS ranked
WHERE applications.id = ranked.id;
CREATE UNIQUE INDEX applications_one_per_rank ON applications(edition_id, waitlist_rank)
    WHERE status = 'waitlisted';

-- Staged waiting-list decisions are unique by rank too, in the order they had.
UPDATE staged_decisions SET waitlist_rank = ranked.n
FROM (SELECT application_id, ROW_NUMBER() OVER (PARTITION BY edition_id ORDER BY waitlist_rank, application_id) AS n
      FROM staged_decisions WHERE decision = 'waitlisted') AS ranked
WHERE staged_decisions.application_id = ranked.application_id;
UPDATE staged_decisions SET waitlist_rank = 0 WHERE decision <> 'waitlisted';
CREATE UNIQUE INDEX staged_one_per_rank ON staged_decisions(edition_id, waitlist_rank)
    WHERE decision = 'waitlisted';

-- When an open offer's reminder is due: set with the offer (school.OfferReminder); NULL sends
-- none. Offers open today keep the rule they were made under, two days before they lapse.
ALTER TABLE applications ADD COLUMN offer_remind_at TEXT;
UPDATE applications SET offer_remind_at = strftime('%Y-%m-%dT%H:%M:%SZ', offer_expires_at, '-48 hours')
WHERE status = 'accepted' AND offer_expires_at IS NOT NULL;

-- +goose Down
ALTER TABLE applications DROP COLUMN offer_remind_at;
DROP INDEX staged_one_per_rank;
DROP INDEX applications_one_per_rank;
