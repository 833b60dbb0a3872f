// Package mail is everything about email: the rendering of every email Registrar sends, from
// views/email or an edition's own wording (render.go, wordings.go; emails.go lists them, the
// receipt first), and the outbox that sends them.
//
// Emails.Renderer is the one way to render: the store calls what it returns inside the
// transaction of the change that causes an email, so the email is a row in the outbox exactly
// when the change is saved. A worker (outbox.go) sends due rows over SMTP, or writes them as
// .eml files when no SMTP server is configured (senders.go), retrying with exponential backoff.
// A row is marked sent right after the server accepts it, so a message is sent once in normal
// operation and never lost to a crash.
package mail
