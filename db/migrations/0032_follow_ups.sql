-- +goose Up
-- Follow-up questions are asked after the decision, of accepted and confirmed applicants only,
-- on their status page. They share the questions table (and the form builder's kinds) with the
-- application form's questions, told apart by stage. A purpose marks the answers the school
-- uses itself: the visa letter's passport lines, the logistics list.
ALTER TABLE questions ADD COLUMN stage TEXT NOT NULL DEFAULT 'application'
    CHECK (stage IN ('application','follow_up'));
ALTER TABLE questions ADD COLUMN purpose TEXT NOT NULL DEFAULT '';
-- Asked only of applicants who asked for a visa letter (the passport's details).
ALTER TABLE questions ADD COLUMN only_with_visa INTEGER NOT NULL DEFAULT 0;

-- An edition's follow-up deadline (UTC, the last minute answers are taken) and how many days
-- after the edition ends its participants' passport details are erased.
CREATE TABLE follow_up_settings (
    edition_id          INTEGER PRIMARY KEY REFERENCES editions(id) ON DELETE CASCADE,
    deadline            TEXT,
    passport_kept_days  INTEGER NOT NULL DEFAULT 30 -- school.DefaultPassportKeptDays
);

-- Kept apart from the application's answers: reviewers see those, never these.
CREATE TABLE follow_up_answers (
    application_id INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    question_id    INTEGER NOT NULL REFERENCES questions(id),
    value          TEXT NOT NULL,
    answered_at    TEXT NOT NULL,
    PRIMARY KEY (application_id, question_id)
);
CREATE INDEX follow_up_answers_by_question ON follow_up_answers(question_id);

-- When the applicant was reminded of the follow-up questions, once.
CREATE TABLE follow_up_reminders (
    application_id INTEGER PRIMARY KEY REFERENCES applications(id) ON DELETE CASCADE,
    reminded_at    TEXT NOT NULL
);

-- +goose Down
DROP TABLE follow_up_reminders;
DROP TABLE follow_up_answers;
DROP TABLE follow_up_settings;
ALTER TABLE questions DROP COLUMN only_with_visa;
ALTER TABLE questions DROP COLUMN purpose;
ALTER TABLE questions DROP COLUMN stage;
