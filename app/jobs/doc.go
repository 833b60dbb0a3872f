// Package jobs is what the clock does, apart from any request: offers about to lapse are
// reminded and lapsed ones expire (their seats going to the waiting list), the database is
// backed up nightly, and once a day the retention period erases the personal data of applicants
// who were not selected, with their .eml files and the files no form claimed.
//
// The web server does not start it: `registrar serve` runs a Runner beside the outbox, and
// `registrar purge` runs its Retention, the daily erasure, on demand. The emails the jobs queue
// are rendered by app/mail.
package jobs
