package mail

// The emails Registrar sends, by the name of their templates: views/email/LANG/NAME.txt holds
// the subject and the text body, NAME.html the HTML body inside email/layout.html (render.go).
// Every one in Kinds may be reworded by organisers per edition (wordings.go); FeeChanged,
// ErasureDone and DraftSaved (drafts.go) keep their defaults. The store queues each inside the
// change that causes it, calling the renderer Emails.Renderer (or Emails.RefereeRenderer) returns.
const (
	// ApplicationReceived is the receipt: the application's summary and its status link,
	// queued by db.Store.CreateApplication when the form is sent (app/apply.go).
	ApplicationReceived = "application_received"
	// StatusLink is a new status link, asked for on the lost-link page.
	StatusLink = "status_link"
	// AlreadyApplied is a new status link sent when the form comes again from an address
	// that applied: the page answering the form says the same either way.
	AlreadyApplied = "already_applied"
	// The decisions, on entering accepted (an offer), waitlisted or rejected; with the
	// others sent on entering a status, named by school.EmailOnEntering.
	DecisionAccepted   = "decision_accepted"
	DecisionWaitlisted = "decision_waitlisted"
	DecisionRejected   = "decision_rejected"
	// OfferReminder is sent once while an offer is open (school.OfferReminder, app/jobs).
	OfferReminder = "offer_reminder"
	// OfferExpired is sent when an offer lapsed unconfirmed (app/jobs).
	OfferExpired = "offer_expired"
	// PlaceConfirmed and PlaceDeclined answer the applicant's answer to an offer.
	PlaceConfirmed = "place_confirmed"
	PlaceDeclined  = "place_declined"
	// Withdrawn confirms that an applicant withdrew.
	Withdrawn = "withdrawn"
	// PracticalInformation is what organisers send every confirmed participant at once.
	PracticalInformation = "practical_information"
	// CertificateReady says a participant's certificate can be downloaded.
	CertificateReady = "certificate_ready"
	// FollowUpReminder reminds, once, who holds a place and owes follow-up answers that their
	// deadline is near (app/jobs); it may give the deadline ({follow_up_deadline}).
	FollowUpReminder = "follow_up_reminder"
	// VisaLetterCorrected says organisers corrected the passport details and a corrected visa
	// letter, with a new verification code, is on the status page.
	VisaLetterCorrected = "visa_letter_corrected"
	// FeeChanged tells a participant who confirmed their place that organisers waived their fee,
	// or charge it again, with how to pay; it says only what the payment lines say, so it keeps
	// its default.
	FeeChanged = "fee_changed"
	// ErasureDone confirms an erasure to the address the application had; it holds nothing
	// an organiser should word, so it keeps its default.
	ErasureDone = "erasure_done"
)

// Kinds are the emails organisers may reword per edition, each with a default in Czech and
// English (views/email): those to applicants, then those to referees (referees.go), whose
// wordings take placeholders of their own (PlaceholdersOf).
var Kinds = []string{ApplicationReceived, StatusLink, AlreadyApplied, DecisionAccepted, DecisionWaitlisted,
	DecisionRejected, OfferReminder, OfferExpired, PlaceConfirmed, PlaceDeclined, Withdrawn,
	PracticalInformation, CertificateReady, FollowUpReminder, VisaLetterCorrected, RefereeRequest, RefereeReminder}
