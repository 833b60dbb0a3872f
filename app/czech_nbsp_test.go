package app

import (
	"regexp"
	"testing"
)

// oneLetterThenSpace is a one-letter preposition or conjunction followed by a breaking space:
// Czech typography keeps it on the line of the word after it (a non-breaking space).
var oneLetterThenSpace = regexp.MustCompile(`(^|[\s„(])[ksvzouaiKSVZOUAI] `)

// The Czech strings of the editable referee and follow-up emails, the passport's checks and
// /verify keep their one-letter words with the word after them, as the rest of the wording does.
func TestCzechOneLetterWordsStayWithTheNextWord(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	L := ts.i18n.Translator("cs")
	for _, key := range []string{"placeholder_referee_link", "email_link_required", "email_body_help_referee",
		"email_link_in_subject", "follow_up_error_passport_expiry_departure", "follow_up_error_passport_expiry_staff",
		"follow_up_error_passport_expiry_departure_staff", "follow_up_passport_help_staff",
		"verify_passport_number_withheld"} {
		if s := L.T(key); oneLetterThenSpace.MatchString(s) {
			t.Errorf("%s: a one-letter word ends a line: %q", key, s)
		}
	}
}
