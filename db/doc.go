// Package db is Registrar's store: every SQL statement lives here, in plain statements beside the
// code that scans their rows. It imports no HTTP package. One writer connection serialises writes
// (SQLite allows one writer at a time); a pool of read-only connections serves pages.
//
// One file per entity, named by the entity, not by the screen that uses it:
//
//	db.go                           Open, Migrate, the Store, transactions and the shared write helpers
//	editions.go                     editions and series: read, save, publish, copy by whole weeks, settings
//	edition_summaries.go            editions with their applications counted, for the back office
//	criteria.go, questions.go       an edition's review rubric; its extra questions
//	programme.go, lecturers.go      the programme's sessions; the lecturers
//	documents.go                    an edition's documents, public and for participants
//	applications.go                 applications and the one status transition (TransitionApplication),
//	                                which keeps waiting-list ranks unique and gap-free
//	submissions.go                  submissions written in groups (group commit) with their receipts
//	                                and the referees the forms name
//	submission_keys.go              each form's one-time key, so a form sent twice is stored once
//	application_list.go             the back office's filtered, sorted application list
//	drafts.go                       forms saved for later: their files, the link's hash, the
//	                                resume email spaced out per address, the purge at the call's close
//	returning.go                    returning applicants: an application's earlier ones by the same
//	                                email, or name and date of birth; the list's filter by them
//	decisions.go                    staged decisions (one, or a batch in one transaction), release, offers;
//	                                decisions_refused.go: the staged decision a release was refused by
//	reviews.go, notes.go            reviews, scores and which score ranks (raw or normalised); staff notes
//	audit.go                        the audit log: one writer, writeAudit, stamped with the caller's time; read back with the staff member behind each entry
//	outbox.go                       queued emails and their delivery state
//	referees.go                     what an edition asks of referees; referees, their secret links (by
//	                                hash), letters and answers, reminders
//	webstate.go                     the second file, state.db: sessions, CSRF tokens and rate limits,
//	                                whose constant small writes must not queue behind applications
//	email_templates.go              edited email wordings, bulk emails
//	issued_documents.go             certificates and visa letters issued, with their verification codes;
//	                                a letter replaced by a corrected one keeps its code, marked replaced
//	follow_ups.go                   follow-up questions and answers, organisers' corrections, reminders,
//	                                participants' passport details erased (and journalled) after the edition
//	retention.go, erasures.go       purges after the retention period, erasures and their journal
//	uploads.go                      uploaded files' records
//	blobs.go                        every stored file's bytes (file_blobs), written with its record;
//	                                files of an old data folder moved in at start
//	users.go, second_factors.go     staff accounts; their second factors
//	sign_ins.go                     sign-ins with the school's accounts, in the staff history
//	alumni.go, stats.go, search.go  the alumni directory; statistics; the catalogue search
//	sitemap.go                      the public pages a sitemap lists, with when each last changed
//	notices.go                      editions' privacy notices: their texts, contact and versions
//	backup.go, checkpoint.go        online backups and restore; WAL checkpoints
//	restore_files.go                the files a backup from before file_blobs lacks: taken from the
//	                                database a restore replaces, or counted as missing
//	demo*.go                        the demo catalogue, its alumni, made-up applications for benches,
//	                                the demo's applicants to its open summer school
//
// Every write to the catalogue or the application form bumps the catalogue version, since the
// public pages and the form are cached by it. Audit entries carry the caller's time (the
// injected clock), so that tests and replays see the times they set.
package db
