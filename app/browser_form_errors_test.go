package app

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"registrar/app/testkit"
)

// TestBrowserTheEditFormsEmailLooksReadOnly: the address that cannot be changed on the edit form
// reads as text, not as a box to type in, and is announced as read-only.
func TestBrowserTheEditFormsEmailLooksReadOnly(t *testing.T) {
	ts := newFormServer(t)
	mine := applyFor(t, ts, "fixed@example.org")
	base := ts.listen(t)
	ctx := testkit.NewTab(t)
	for _, lang := range []string{"en", "cs"} {
		browse(t, ctx, "open the edit form in "+lang, chromedp.Navigate(base+mine.status()+"/edit?lang="+lang),
			chromedp.WaitVisible(chromedp.CSS(`#email`)))
		if !evaluate[bool](t, ctx, `document.getElementById('email').readOnly`) {
			t.Errorf("%s: the email field is not read-only", lang)
		}
		if label := evaluate[string](t, ctx, `document.querySelector('label[for=email]').innerText`); strings.Contains(label, "*") {
			t.Errorf("%s: the fixed email is marked as a field to fill in: %q", lang, label)
		}
		// An editable field has a visible border and background; the fixed one neither.
		look := evaluate[[]string](t, ctx, `(() => {
			const fixed = getComputedStyle(document.getElementById('email'));
			const editable = getComputedStyle(document.getElementById('given_name'));
			return [fixed.borderTopColor, fixed.backgroundColor, editable.borderTopColor, editable.backgroundColor];
		})()`)
		transparent := func(c string) bool { return c == "rgba(0, 0, 0, 0)" || c == "transparent" }
		if !transparent(look[0]) || !transparent(look[1]) || transparent(look[2]) {
			t.Errorf("%s: the fixed email's border and background are %s and %s, an editable field's border %s",
				lang, look[0], look[1], look[2])
		}
		testkit.CheckAccessibility(t, ctx, "edit form in "+lang)
	}
}
