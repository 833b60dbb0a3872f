package school

import (
	"crypto/rand"
	"encoding/hex"
)

// A submission key is made when the application form is shown and sent with it; an application
// is stored once per key, whatever number of times its form arrives.
const submissionKeyBytes = 16

// NewSubmissionKey makes a form's one-time submission key.
func NewSubmissionKey() string {
	b := make([]byte, submissionKeyBytes)
	_, _ = rand.Read(b) // crypto/rand does not fail on the platforms Go supports
	return hex.EncodeToString(b)
}

// ValidSubmissionKey reports whether key has the form of a submission key; anything else a form
// brings is ignored.
func ValidSubmissionKey(key string) bool {
	if len(key) != 2*submissionKeyBytes {
		return false
	}
	_, err := hex.DecodeString(key)
	return err == nil
}
