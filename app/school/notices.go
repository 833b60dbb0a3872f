package school

import (
	"net/mail"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// DefaultNoticeVersion names the default privacy notice (views/notices): change it when that
// text changes, so that consents given under each wording stay told apart.
const DefaultNoticeVersion = "2026-12"

// PrivacyNotice is an edition's privacy notice as organisers set it: its own text per language
// (empty: the default) and its own contact address (empty: the school's).
type PrivacyNotice struct {
	EditionID int64
	TextEN    string // Markdown with placeholders such as {retention}; empty: the default
	TextCS    string
	Contact   string
	// Revision counts the saves; 0: never edited, the default notice.
	Revision  int
	ChangedAt time.Time
}

// Text is the notice's own text in lang, or "" for the default.
func (n PrivacyNotice) Text(lang string) string {
	if lang == "cs" {
		return n.TextCS
	}
	return n.TextEN
}

// Version names the wording an applicant saw: the default's version, or the day in Prague of
// the last save and the count of saves, such as 2026-11-27.3.
func (n PrivacyNotice) Version() string {
	if n.Revision == 0 {
		return DefaultNoticeVersion
	}
	return n.ChangedAt.In(Prague).Format("2006-01-02") + "." + strconv.Itoa(n.Revision)
}

// ConsentVersion is what a consent given under the notice records: the consent's own wording
// and the notice's version.
func (n PrivacyNotice) ConsentVersion() string {
	return ConsentWordingVersion + "+privacy-" + n.Version()
}

// ContactOr is the notice's contact address, or school's when the edition has none.
func (n PrivacyNotice) ContactOr(school string) string {
	if c := strings.TrimSpace(n.Contact); c != "" {
		return c
	}
	return school
}

// FillNotice puts the values into a notice's placeholders, written in single braces
// ({contact}); unknown placeholders stay as written.
func FillNotice(text string, values map[string]string) string {
	pairs := make([]string, 0, 2*len(values))
	for name, v := range values {
		pairs = append(pairs, "{"+name+"}", v)
	}
	return strings.NewReplacer(pairs...).Replace(text)
}

// NoticePlaceholders are the placeholders a privacy notice may hold.
var NoticePlaceholders = []string{"event", "school_address", "contact", "retention", "reviewers"}

// contactDomain is a host name: labels of letters, digits and hyphens, with at least one dot.
var contactDomain = regexp.MustCompile(`^[\p{L}\p{N}-]+(\.[\p{L}\p{N}-]+)+$`)

// ValidContact checks a contact address as typed: a bare address at a host name, without what a
// mailto: link reads as its own parts ("?bcc=", "#", "%" escapes, "&"), so that the link in
// every footer, email and notice writes to that address alone.
func ValidContact(address string) bool {
	a, err := mail.ParseAddress(address)
	if err != nil || a.Address != address || strings.ContainsAny(address, "?#%&") {
		return false
	}
	return contactDomain.MatchString(address[strings.LastIndexByte(address, '@')+1:])
}
