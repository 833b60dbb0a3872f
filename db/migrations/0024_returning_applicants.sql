-- +goose Up
-- Returning applicants are found by email (applications_by_email) or by name and date of birth:
-- this index, of the applications still holding them (an erased one matches nothing).
CREATE INDEX applications_by_person ON applications(date_of_birth, family_name COLLATE NOCASE,
    given_name COLLATE NOCASE) WHERE erased_at IS NULL AND date_of_birth <> '';

-- +goose Down
DROP INDEX applications_by_person;
