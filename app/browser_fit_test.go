package app

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"registrar/app/school"
	"registrar/app/testkit"
)

// The widths a page must fit: the narrowest phone still sold, and a common one. axe-core runs
// at the first and at a desktop's width.
const (
	narrowPhone = 320
	commonPhone = 390
	desktop     = 1280
)

// The viewports are as tall as the screenshots: three screens of a phone, one of a desktop.
// A screenshot beyond the viewport would lay the page out once more, at a cost.
const (
	phoneHeight   = 2400
	desktopHeight = 900
)

// minTarget is the smallest size of a primary action's target, in CSS pixels (WCAG 2.2 target
// size, enhanced); minGap the space between two buttons, so a thumb does not press both.
const (
	minTarget = 44
	minGap    = 8
)

// shapeVisits bounds the pages of one shape (their path with ids, slugs and tokens taken out,
// and their query's names): a second edition's list of applications shows nothing new. Start
// pages are visited whatever their shape, so they choose the pages with the most to show.
const shapeVisits = 1

// TestBrowserEveryPageFitsAPhone visits every page a visitor, an applicant and an organiser can
// reach by following links, in English and in Czech, and fails on a page wider than a 320 or
// 390 px phone (naming the elements that stick out), on a primary action smaller than 44 × 44 px
// or touching the next button, on a read-only field that looks editable, and on any axe-core
// violation on a phone or a desktop. It keeps a screenshot of every page at every width.
func TestBrowserEveryPageFitsAPhone(t *testing.T) {
	ts, inbox := newMailingServer(t, "School of Migration Studies <school@registrar.test>", func(c *Config) { c.ApplyLimit = 10000 })
	seed := seedLongData(t, ts)
	ts.runOutbox(t)
	submittedLink := waitForEmail(t, inbox, seed.longApplicant.Email, "")
	offerLink := waitForEmail(t, inbox, seed.offered.Email, "You are offered a place")

	base := ts.listen(t)
	browser := testkit.NewTabWithin(t, 10*time.Minute)
	c := &crawler{t: t, base: base, shots: screenshotFolder(t), shapes: map[string]int{}, done: map[string]bool{},
		spent: map[string]time.Duration{}}
	t.Logf("screenshots: %s", c.shots)

	visitor := c.person(browser)
	c.crawl(visitor, "visitor", "/", "/editions/"+summerSlug, "/admin/login", "/verify")

	applicant := c.person(browser)
	c.crawl(applicant, "applicant", applyPath(summerSlug), applyPath(summerSlug)+"/sent", "/status/lost",
		strings.TrimPrefix(openFromEmail(t, base, submittedLink), base),
		strings.TrimPrefix(openFromEmail(t, base, offerLink), base))

	organiser := c.person(browser)
	browse(t, organiser, "the organiser signs in", chromedp.Navigate(base+"/admin/login?lang=en"),
		chromedp.WaitVisible(chromedp.CSS(`#password`)),
		chromedp.SendKeys(chromedp.CSS(`#email`), seed.organiser.Email),
		chromedp.SendKeys(chromedp.CSS(`#password`), staffPassword),
		chromedp.Click(chromedp.CSS(`#main form[action="/admin/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#main table`)))
	// The long applicant's pages and the summer school's first (the demo's programme, lecturers,
	// documents): the crawl visits one page of a shape, the first it finds.
	summer := "/admin/editions/" + strconv.FormatInt(seed.longApplicant.EditionID, 10)
	c.crawl(organiser, "organiser", "/admin/applications/"+strconv.FormatInt(seed.longApplicant.ID, 10),
		summer, summer+"/applications", "/admin")

	t.Logf("%d pages visited, each in 2 languages at %d, %d and %d px; time spent: %v", c.visited, narrowPhone, commonPhone, desktop, c.spent)
}

// longData is what the back office's tables show: applicants with long names, addresses and
// unbroken words, a review, a note, and an offer waiting for its answer.
type longData struct {
	organiser     school.User
	longApplicant school.Application
	offered       school.Application
}

func seedLongData(t testing.TB, ts *testServer) longData {
	t.Helper()
	d := longData{organiser: createUser(t, ts, "organiser@school.test", school.RoleOrganiser)}
	d.longApplicant = applyToSummerWith(t, ts, url.Values{
		"given_name":  {"Maximiliána Bohumila"},
		"family_name": {"Wolfeschlegelsteinhausenbergerdorff-Nováková"},
		"email":       {"maximiliana.wolfeschlegelsteinhausenbergerdorff@department-of-demography.example.org"},
		"institution": {"Interdisciplinary Centre for Comparative Research on Migration, Integration and Citizenship"},
		"motivation": {"Donaudampfschifffahrtsgesellschaftskapitänswitwenrentenversicherung: my thesis " +
			"https://repository.example.org/handle/20.500.11956/very-long-identifier-of-a-thesis-on-migration-2026"},
	}, cvFile("wolfeschlegelsteinhausenbergerdorff-curriculum-vitae-2026.pdf"))
	for _, name := range []string{"Haddad", "Nguyen"} {
		applyToSummerWith(t, ts, url.Values{"family_name": {name}, "email": {strings.ToLower(name) + "@example.org"}},
			cvFile("cv.pdf"))
	}
	organiser := signIn(t, ts, d.organiser.Email)
	sendReview(t, ts, organiser, d.longApplicant, 4, "Strong, but see https://example.org/a/very/long/address/that/does/not/break/anywhere")
	resp, body := organiser.postAdmin(t, "/admin/applications/"+strconv.FormatInt(d.longApplicant.ID, 10)+"/notes",
		url.Values{"note": {"Called the referee: Wolfeschlegelsteinhausenbergerdorff@department-of-demography.example.org"}})
	wantStatus(t, resp, body, 303)

	e := createSelectionEdition(t, ts, "small-summer-school-with-a-rather-long-address-2027", 1)
	d.offered = createApplicant(t, ts, e, "Offered", "en")
	stageOK(t, organiser, d.offered.ID, school.StatusAccepted, 0)
	resp, body = release(t, organiser, e.ID)
	wantStatus(t, resp, body, 303)
	return d
}

// screenshotFolder is where the screenshots go: $ARTEFACTS_DIR, or .artefacts/screens at the
// repository's root, whose screenshots of an earlier run are removed (pages may have gone).
func screenshotFolder(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("ARTEFACTS_DIR")
	if dir == "" {
		root, err := filepath.Abs("..") // tests run in app/
		if err != nil {
			t.Fatal(err)
		}
		dir = filepath.Join(root, ".artefacts", "screens")
		old, _ := filepath.Glob(filepath.Join(dir, "*.png"))
		for _, f := range old {
			os.Remove(f)
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// crawler visits pages by following links, each page once whoever reaches it first.
type crawler struct {
	t       *testing.T
	base    string
	shots   string
	done    map[string]bool // pages visited
	shapes  map[string]int  // pages visited of each shape
	visited int
	spent   map[string]time.Duration // by kind of step, to see where the run's time goes
}

// timed runs a step and adds its time to its kind's.
func (c *crawler) timed(kind string, step func()) {
	start := time.Now()
	step()
	c.spent[kind] += time.Since(start)
}

// person is a tab of its own browser context: its own cookies, as a different person's browser.
func (c *crawler) person(browser context.Context) context.Context {
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	c.t.Cleanup(cancel)
	return ctx
}

// crawl visits the start pages, then every page they link to, breadth first.
func (c *crawler) crawl(ctx context.Context, who string, start ...string) {
	queue := slices.Clone(start)
	queued := map[string]bool{}
	for _, p := range start {
		queued[p] = true
	}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		isStart := slices.Contains(start, p)
		if c.done[p] || !isStart && c.shapes[pageShape(p)] >= shapeVisits {
			continue
		}
		c.done[p] = true
		c.shapes[pageShape(p)]++
		for _, link := range c.visit(ctx, who, p, isStart) {
			if !queued[link] {
				queued[link] = true
				queue = append(queue, link)
			}
		}
	}
}

// visit checks one page in both languages at every width and returns the pages it links to.
func (c *crawler) visit(ctx context.Context, who, p string, isStart bool) []string {
	t := c.t
	t.Helper()
	var links []string
	for _, lang := range []string{"en", "cs"} {
		name := who + " " + lang + " " + p
		browse(t, ctx, name, chromedp.EmulateViewport(narrowPhone, phoneHeight, chromedp.EmulateMobile))
		var resp *network.Response
		var err error
		c.timed("load", func() { resp, err = chromedp.Run(ctx, chromedp.NavigateResponse(c.base+withLang(p, lang))) })
		if err != nil {
			t.Errorf("%s: %v", name, err)
			return nil
		}
		if !strings.HasPrefix(resp.MimeType, "text/html") {
			return nil // a download
		}
		if resp.Status != 200 && !isStart {
			t.Errorf("%s (linked from a page) answered %d", name, resp.Status)
		}
		if lang == "en" {
			t.Logf("%s: %s", who, p)
			c.visited++
			links = c.links(ctx)
		}
		for _, width := range []int64{narrowPhone, commonPhone, desktop} {
			if width == desktop {
				browse(t, ctx, name, chromedp.EmulateViewport(width, desktopHeight))
			} else {
				browse(t, ctx, name, chromedp.EmulateViewport(width, phoneHeight, chromedp.EmulateMobile))
			}
			at := fmt.Sprintf("%s at %d px", name, width)
			if width != desktop {
				c.timed("measure", func() {
					c.checkWidth(ctx, at, width)
					c.checkTargets(ctx, at, strings.HasPrefix(p, "/admin"))
					if width == narrowPhone {
						c.checkReadOnly(ctx, at)
					}
				})
			}
			// axe-core is the slowest step: once on a phone, in Czech (the longer words), and
			// once on a desktop, in English.
			if width == narrowPhone && lang == "cs" || width == desktop && lang == "en" {
				c.timed("axe", func() {
					for _, v := range testkit.AccessibilityViolations(t, ctx, at) {
						t.Error(v)
					}
				})
			}
			c.timed("screenshot", func() { c.screenshot(ctx, at, fmt.Sprintf("%s%s-%s-%d.png", who, fileName(p), lang, width)) })
		}
	}
	return links
}

// withLang is the page's address in a language.
func withLang(p, lang string) string {
	if strings.Contains(p, "?") {
		return p + "&lang=" + lang
	}
	return p + "?lang=" + lang
}

// links are the pages the open page links to that a crawl may follow: on this site, GET only,
// no downloads, no language switch (each page is visited in both languages anyway).
func (c *crawler) links(ctx context.Context) []string {
	hrefs := evaluate[[]string](c.t, ctx,
		`[...document.querySelectorAll('a[href]')].filter(a => !a.hasAttribute('download')).map(a => a.href)`)
	var out []string
	for _, h := range hrefs {
		u, err := url.Parse(h)
		if err != nil || u.Scheme+"://"+u.Host != c.base {
			continue
		}
		if isDownload(u.Path) || strings.Contains(u.Path, "logout") {
			continue
		}
		q := u.Query()
		q.Del("lang")
		u.RawQuery = q.Encode()
		p := u.Path
		if u.RawQuery != "" {
			p += "?" + u.RawQuery
		}
		out = append(out, p)
	}
	return out
}

// isDownload tells the addresses of files: calendars, letters, exports, uploads, documents.
func isDownload(p string) bool {
	switch path.Ext(p) {
	case ".ics", ".pdf", ".csv", ".xlsx", ".json", ".xml", ".txt", ".zip", ".png", ".jpg", ".svg":
		return true
	}
	for _, seg := range strings.Split(p, "/") {
		if seg == "files" || seg == "documents" && !strings.HasSuffix(p, "/documents") || seg == "static" {
			return true
		}
	}
	return false
}

// variablePart is a path segment that names one thing among many: an id, a slug, a token.
var variablePart = regexp.MustCompile(`[0-9_-]|^.{21,}$|^[a-z]{2}$`)

// pageShape is a page's path with its ids, slugs and tokens taken out, and its query's names.
func pageShape(p string) string {
	u, err := url.Parse(p)
	if err != nil {
		return p
	}
	segs := strings.Split(u.Path, "/")
	for i, s := range segs {
		if variablePart.MatchString(s) {
			segs[i] = "*"
		}
	}
	var names []string
	for k := range u.Query() {
		names = append(names, k)
	}
	slices.Sort(names)
	return strings.Join(segs, "/") + "?" + strings.Join(names, "&")
}

// fileName turns a page's address into part of a file's name; tokens are shortened.
func fileName(p string) string {
	var b strings.Builder
	for _, seg := range strings.FieldsFunc(p, func(r rune) bool { return r == '/' || r == '?' || r == '&' || r == '=' }) {
		if len(seg) > 20 {
			seg = seg[:8]
		}
		b.WriteString("_" + seg)
	}
	if b.Len() == 0 {
		return "_home"
	}
	return b.String()
}

// overflowScript measures the page and, when it is wider than the viewport, describes the
// innermost elements that stick out, outside any box that scrolls on its own.
const overflowScript = `(W => {
	const width = document.documentElement.scrollWidth;
	if (width <= W) return {width, culprits: []};
	const scrolls = el => {
		for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
			if (getComputedStyle(p).overflowX !== 'visible') return true;
		}
		return false;
	};
	const out = [...document.body.querySelectorAll('*')].filter(el => {
		const r = el.getBoundingClientRect();
		return r.width > 0 && r.right > W + 0.5 && !scrolls(el);
	});
	const inner = out.filter(el => !out.some(o => o !== el && el.contains(o)));
	const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
		[...el.classList].map(c => '.' + c).join('');
	const describe = el => {
		const chain = [];
		for (let p = el; p && p !== document.body && chain.length < 4; p = p.parentElement) chain.unshift(name(p));
		const r = el.getBoundingClientRect();
		return chain.join(' > ') + ' (' + Math.round(r.left) + '–' + Math.round(r.right) + ' px) "' +
			(el.innerText || el.value || '').trim().slice(0, 40) + '"';
	};
	inner.sort((a, b) => b.getBoundingClientRect().right - a.getBoundingClientRect().right);
	return {width, culprits: inner.slice(0, 4).map(describe)};
})`

type overflow struct {
	Width    int64    `json:"width"`
	Culprits []string `json:"culprits"`
}

// checkWidth fails when the page scrolls sideways.
func (c *crawler) checkWidth(ctx context.Context, at string, width int64) {
	o := evaluate[overflow](c.t, ctx, fmt.Sprintf("%s(%d)", overflowScript, width))
	if o.Width > width {
		c.t.Errorf("%s: the page is %d px wide; sticking out:\n\t%s", at, o.Width, strings.Join(o.Culprits, "\n\t"))
	}
}

// primaryActions are the targets a person must be able to tap: the site's navigation, and on
// the public pages every button (apply, confirm, decline, withdraw, search…); in the back
// office its navigation.
const (
	publicActions = `header.site nav a, #main button, #main [role=button], #main input[type=submit]`
	officeActions = `header.site nav a, .admin-nav a, .admin-nav button`
)

// targetScript lists the primary actions smaller than the minimum, and the buttons closer to
// each other than the minimum gap.
const targetScript = `((selector, min, gap) => {
	const shown = el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0 &&
		getComputedStyle(el).visibility !== 'hidden'; };
	const label = el => el.tagName.toLowerCase() + ' "' + (el.innerText || el.value || '').trim().slice(0, 30) + '"';
	const targets = [...document.querySelectorAll(selector)].filter(shown);
	const small = targets.filter(el => { const r = el.getBoundingClientRect(); return r.width < min - 0.5 || r.height < min - 0.5; })
		.map(el => { const r = el.getBoundingClientRect(); return label(el) + ' is ' + Math.round(r.width) + ' × ' + Math.round(r.height) + ' px'; });
	const buttons = [...document.querySelectorAll('#main button, #main [role=button], #main input[type=submit]')].filter(shown);
	const close = [];
	for (let i = 0; i < buttons.length; i++) for (let j = i + 1; j < buttons.length; j++) {
		const a = buttons[i].getBoundingClientRect(), b = buttons[j].getBoundingClientRect();
		const apart = Math.max(b.left - a.right, a.left - b.right, b.top - a.bottom, a.top - b.bottom);
		if (apart < gap - 0.5) close.push(label(buttons[i]) + ' and ' + label(buttons[j]) + ' are ' + Math.round(apart) + ' px apart');
	}
	return small.concat(close);
})`

// checkTargets fails on primary actions too small to tap and on buttons too close together.
func (c *crawler) checkTargets(ctx context.Context, at string, office bool) {
	selector := publicActions
	if office {
		selector = officeActions
	}
	js := fmt.Sprintf("%s(%q, %d, %d)", targetScript, selector, minTarget, minGap)
	if problems := evaluate[[]string](c.t, ctx, js); len(problems) > 0 {
		c.t.Errorf("%s: targets too small or too close:\n\t%s", at, strings.Join(problems, "\n\t"))
	}
}

// readOnlyScript lists the read-only fields that look like a field one can type in: it sets an
// editable field of the same kind beside each and compares their colours and borders.
const readOnlyScript = `(() => {
	const look = el => { const s = getComputedStyle(el);
		return [s.backgroundColor, s.borderTopStyle, s.borderTopColor, s.color].join(' '); };
	return [...document.querySelectorAll('input[readonly], textarea[readonly]')].filter(el => {
		const twin = document.createElement(el.tagName);
		if (el.type) twin.type = el.type;
		el.after(twin);
		const same = look(el) === look(twin);
		twin.remove();
		return same;
	}).map(el => el.tagName.toLowerCase() + '#' + el.id);
})()`

// checkReadOnly fails on a read-only field that looks editable.
func (c *crawler) checkReadOnly(ctx context.Context, at string) {
	if fields := evaluate[[]string](c.t, ctx, readOnlyScript); len(fields) > 0 {
		c.t.Errorf("%s: read-only fields look editable: %s", at, strings.Join(fields, ", "))
	}
}

// screenshot keeps what the viewport shows as a PNG: on a phone its first three screens, on a
// desktop its first.
func (c *crawler) screenshot(ctx context.Context, at, file string) {
	size := evaluate[[]float64](c.t, ctx, `[window.innerWidth, Math.min(window.innerHeight, document.documentElement.scrollHeight)]`)
	clip := &cdppage.Viewport{Width: size[0], Height: size[1], Scale: 1}
	shot, err := chromedp.Call(ctx, cdppage.CaptureScreenshot, cdppage.CaptureScreenshotParams{
		Format: cdppage.CaptureScreenshotFormatPng, Clip: clip, FromSurface: new(true)})
	if err != nil {
		c.t.Errorf("%s: screenshot: %v", at, err)
		return
	}
	if err := os.WriteFile(filepath.Join(c.shots, file), shot.Data, 0o644); err != nil {
		c.t.Fatal(err)
	}
}
