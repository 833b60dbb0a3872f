-- +goose Up
-- The secret of the status link an email carries, apart from its body: once sent, the body is
-- kept with the secret cut out, so that organisers can open the email as it went. NULL on emails
-- queued before, whose secret cannot be told apart from the text: those keep no body once sent.
ALTER TABLE outbox ADD COLUMN status_token TEXT;

-- +goose Down
ALTER TABLE outbox DROP COLUMN status_token;
