package app

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	"registrar/app/testkit"
)

// searchFormBoxes are where the search form's parts are on the screen.
type searchFormBoxes struct {
	Label, Box, Help, Button struct{ Left, Right, Top, Bottom float64 }
}

const searchFormBoxesJS = `(() => {
	const box = s => { const r = document.querySelector(s).getBoundingClientRect();
		return {Left: r.left, Right: r.right, Top: r.top, Bottom: r.bottom}; };
	return {Label: box('label'), Box: box('#q'), Help: box('#q-help'),
		Button: box('button')};
})()`

// TestBrowserSearchFormFitsAPhone: on a phone the search form is one column (label, box, help,
// button) with a box as wide as the page; on a desktop the button sits beside the box and the
// help under both.
func TestBrowserSearchFormFitsAPhone(t *testing.T) {
	ts := newTestServer(t)
	base := ts.listen(t)
	ctx := testkit.NewTab(t)
	for _, lang := range []string{"en", "cs"} {
		for _, width := range []int64{320, 390, 1280} {
			where := fmt.Sprintf("%s at %d px", lang, width)
			browse(t, ctx, where, chromedp.EmulateViewport(width, 900),
				chromedp.Navigate(base+"/search?q=integration&lang="+lang), chromedp.WaitVisible(chromedp.CSS(`#q`)))
			b := evaluate[searchFormBoxes](t, ctx, searchFormBoxesJS)
			content := b.Label.Right - b.Label.Left // the form's column
			if b.Label.Bottom > b.Box.Top+1 || b.Help.Top < b.Box.Bottom-1 {
				t.Errorf("%s: label %+v, box %+v, help %+v: want the label above the box and the help below it", where, b.Label, b.Box, b.Help)
			}
			if width < 576 {
				if b.Box.Right-b.Box.Left < content-1 || b.Button.Top < b.Help.Bottom-1 {
					t.Errorf("%s: box %+v, help %+v, button %+v in %.0f px: want one column, the box as wide as the page", where, b.Box, b.Help, b.Button, content)
				}
			} else if b.Button.Left < b.Box.Right || b.Button.Top > b.Box.Top+1 || b.Box.Right-b.Box.Left < content/2 {
				t.Errorf("%s: box %+v, button %+v: want the button beside a wide box", where, b.Box, b.Button)
			}
			testkit.CheckAccessibility(t, ctx, where)
		}
	}
}
