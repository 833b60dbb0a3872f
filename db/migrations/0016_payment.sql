-- +goose Up
-- Where participants pay an edition's fee (editions.payment_*; payment_due_on a date as
-- YYYY-MM-DD, '' for none), and a fee waiver granted by organisers to one application
-- (applications.fee_waiver_granted), as against the waiver the applicant asked for (fee_waiver).
ALTER TABLE editions ADD COLUMN payment_holder TEXT NOT NULL DEFAULT '';
ALTER TABLE editions ADD COLUMN payment_iban TEXT NOT NULL DEFAULT '';
ALTER TABLE editions ADD COLUMN payment_bic TEXT NOT NULL DEFAULT '';
ALTER TABLE editions ADD COLUMN payment_due_on TEXT NOT NULL DEFAULT '';
ALTER TABLE applications ADD COLUMN fee_waiver_granted INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE applications DROP COLUMN fee_waiver_granted;
ALTER TABLE editions DROP COLUMN payment_due_on;
ALTER TABLE editions DROP COLUMN payment_bic;
ALTER TABLE editions DROP COLUMN payment_iban;
ALTER TABLE editions DROP COLUMN payment_holder;
