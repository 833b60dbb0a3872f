package school

import "time"

// ConsentKind names what an applicant agreed to.
type ConsentKind string

const (
	ConsentProcessing ConsentKind = "processing" // required to apply
	ConsentAlumni     ConsentKind = "alumni_directory"
	ConsentPhotos     ConsentKind = "photos"
	ConsentMailings   ConsentKind = "mailings"
)

// ConsentKinds lists the consents in the order the form asks them.
var ConsentKinds = []ConsentKind{ConsentProcessing, ConsentAlumni, ConsentPhotos, ConsentMailings}

// ConsentWordingVersion identifies the wording the applicant saw; bump it when the text changes.
const ConsentWordingVersion = "2026-11"

// Consent records one consent as given or refused, when, and under which wording.
type Consent struct {
	Kind    ConsentKind
	Granted bool
	Version string
	At      time.Time
}
