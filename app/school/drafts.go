package school

import "time"

// A draft is a form saved with "Save and continue later": not an application, resumed by the
// link emailed to the address it gives.

// DraftKeptUntil is when the drafts of e's form expire and are deleted: when its call closes,
// after the grace a form opened before the deadline has, since a draft is such a form.
func (e Edition) DraftKeptUntil() time.Time { return e.Deadline().Add(EditGrace) }

// DraftExpired says whether a draft of e's form can no longer be resumed or sent at now.
func (e Edition) DraftExpired(now time.Time) bool {
	return e.WindowAt(now) == WindowNone || !now.Before(e.DraftKeptUntil())
}

// DraftEmailQuiet is how long after a resume link went to an address no other goes to it: a
// stranger who saves drafts with someone's address cannot fill their inbox. The draft is saved
// all the same.
const DraftEmailQuiet = 10 * time.Minute
