// Package school is the domain of the School of Migration Studies: series, editions, programmes,
// applications and the rules that govern them. It knows nothing of SQL or HTTP, reads no clock
// (callers pass now) and is table-tested.
//
//	status.go       an application's statuses, the one state machine (CheckTransition), seats
//	                (TakesSeat, FreesSeat, AdmitOpen, SeatsHeld, CheckSeats) and the email sent on
//	                entering a status
//	offer.go        when an offer expires (23:59 Prague time), when it has lapsed, and when its
//	                reminder goes (OfferReminder)
//	fill_seats.go   fill seats: the best-ranked set within balance targets, and why each is in or out
//	review.go       the rubric's weighted score, reviewers' normalisation, which score ranks
//	blind.go        blind review: the identifying details an edition hides, Visibility for one viewer
//	retention.go    which applications the retention period erases, and when
//	application.go  the Application, the form's choices, references, the submission grace
//	submission_key.go  the form's one-time submission key
//	drafts.go       forms saved for later: until when they are kept, how often their link is emailed
//	questions.go    an edition's extra questions and the answers to them
//	referees.go     references an edition asks (0–3), their deadline and reminder, referees (a
//	                correction of one is not a new request), who sees letters in blind review
//	consents.go     the consents asked, and the wording's version
//	notices.go      privacy notices: their versions, placeholders, contact addresses
//	payment.go      paying the fee: the account's checks, the variable symbol, QR Platba and EPC payloads
//	text.go         the plain text of organisers' Markdown, for search and descriptions
//	edition.go      series, editions, the application window, whether a freed seat is still offered
//	editor.go       an edition's problems before saving or publishing, slugs
//	copy.go         the copy for a later year: its proposed first day, whole weeks, the year in titles
//	programme.go    sessions, lecturers and documents of an edition
//	documents.go    visa letters and certificates: who may have one, verification codes
//	user.go         staff roles
//	access.go       which editions a staff member may see: an explicit Scope (all, or these ids)
package school
