package app

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"iter"
	"os"
	"path"
	"slices"
	"strings"
	"sync"
	"text/template/parse"

	"github.com/gofiber/fiber/v2"

	"registrar/app/i18n"
	"registrar/app/school"
	"registrar/public"
	"registrar/views"
)

// Templates are parsed once at start into one set per page: the layout and partials, plus the
// page. gofiber/template/html is not used because it takes an exclusive lock around every render
// with a layout, which serialises all page rendering.
type templates struct {
	dev    bool
	funcs  template.FuncMap
	mu     sync.Mutex // guards pages in dev mode only
	pages  map[string]*template.Template
	assets map[string]string // static file → URL with a content hash
}

func loadTemplates(dev bool) (*templates, error) {
	t := &templates{dev: dev}
	var err error
	if t.assets, err = hashAssets(); err != nil {
		return nil, err
	}
	t.funcs = template.FuncMap{
		"asset": func(name string) (string, error) {
			u, ok := t.assets[name]
			if !ok {
				return "", fmt.Errorf("render: no static file %q", name)
			}
			return u, nil
		},
		// zScore writes a normalised score with its sign, and a zero as 0.00, never -0.00.
		"zScore": func(z float64) string {
			if s := fmt.Sprintf("%+.2f", z); s != "-0.00" && s != "+0.00" {
				return s
			}
			return "0.00"
		},
		// card hands a partial the edition and the translator together.
		"card": func(l *i18n.Translator, e editionCard) cardData { return cardData{L: l, E: e} },
		// adminNav hands the back-office navigation the user and the logout form's token.
		"adminNav": func(l *i18n.Translator, u school.User, csrf string) adminNavData {
			return adminNavData{L: l, User: u, CSRF: csrf}
		},
		// editionMenu is the menu of an edition's pages (admin_menu.go).
		"editionMenu": editionMenu,
		// barWidth is a chart's bar, in percent of the widest: a bar of 0 still shows as a line.
		"barWidth": func(percent float64) float64 { return max(0.5, percent) },
		// scoreRange is the rubric's scale.
		"scoreRange": func() []int { return []int{1, 2, 3, 4, 5} },
		// last reports whether index i is the last of n items, for a list's move-down buttons.
		"last": func(i, n int) bool { return i == n-1 },
		// marked shows a search hit's text with the parts that matched in <mark>.
		"marked": markMatches,
		// fieldOf hands the form_field partial the field and the translator together.
		"fieldOf": func(l *i18n.Translator, f formField) fieldData { return fieldData{L: l, F: f} },
		// questionOf and criterionOf hand the form builder's partials a row and the translator.
		"questionOf": func(l *i18n.Translator, q questionRow, prefix string, kinds []string) questionData {
			return questionData{L: l, Q: q, Prefix: prefix, Kinds: kinds}
		},
		"criterionOf": func(l *i18n.Translator, c criterionRow, prefix string) criterionData {
			return criterionData{L: l, C: c, Prefix: prefix}
		},
	}
	if t.pages, err = t.parse(views.FS); err != nil {
		return nil, err
	}
	return t, nil
}

// parse builds the page sets from fsys: each holds the layouts, the page, and only the partials
// it calls, directly or through another partial. html/template copies every template it clones,
// so sets that each held every partial made the templates the largest part of the live heap
// (7.4 MB for 48 pages), growing with pages times partials; the collector lets the heap grow to
// three times what is live, which page memory under load showed.
func (t *templates) parse(fsys fs.FS) (map[string]*template.Template, error) {
	layouts, err := fs.Glob(fsys, "layouts/*.html")
	if err != nil {
		return nil, fmt.Errorf("render: layouts: %w", err)
	}
	partials, err := fs.Glob(fsys, "partials/*.html")
	if err != nil {
		return nil, fmt.Errorf("render: partials: %w", err)
	}
	definedIn := map[string]string{} // template name → the partial file that defines it
	for _, p := range partials {
		set, err := template.New("").Funcs(t.funcs).ParseFS(fsys, p)
		if err != nil {
			return nil, fmt.Errorf("render: %s: %w", p, err)
		}
		for _, d := range set.Templates() {
			if d.Tree != nil && d.Name() != path.Base(p) {
				definedIn[d.Name()] = p
			}
		}
	}
	pages := map[string]*template.Template{}
	err = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		dir := strings.Split(p, "/")[0]
		if d.IsDir() || path.Ext(p) != ".html" || dir == "layouts" || dir == "partials" || dir == "email" {
			return nil
		}
		set, err := template.New("").Funcs(t.funcs).ParseFS(fsys, append(slices.Clone(layouts), p)...)
		if err != nil {
			return fmt.Errorf("render: %s: %w", p, err)
		}
		for {
			var need []string
			for _, name := range missingTemplates(set) {
				if f, ok := definedIn[name]; ok && !slices.Contains(need, f) {
					need = append(need, f)
				}
			}
			if len(need) == 0 {
				break
			}
			if _, err := set.ParseFS(fsys, need...); err != nil {
				return fmt.Errorf("render: %s: %w", p, err)
			}
		}
		pages[strings.TrimSuffix(p, ".html")] = set
		return nil
	})
	return pages, err
}

// missingTemplates are the names set's templates call that it does not define.
func missingTemplates(set *template.Template) []string {
	var missing []string
	for _, tmpl := range set.Templates() {
		if tmpl.Tree == nil {
			continue
		}
		for name := range calledTemplates(tmpl.Tree.Root) {
			if set.Lookup(name) == nil && !slices.Contains(missing, name) {
				missing = append(missing, name)
			}
		}
	}
	return missing
}

// calledTemplates yields the names of the templates a parse tree calls ({{template}} and
// {{block}}).
func calledTemplates(n parse.Node) iter.Seq[string] {
	return func(yield func(string) bool) {
		var walk func(parse.Node) bool
		walk = func(n parse.Node) bool {
			switch n := n.(type) {
			case *parse.ListNode:
				if n == nil {
					return true
				}
				for _, c := range n.Nodes {
					if !walk(c) {
						return false
					}
				}
			case *parse.IfNode:
				return walk(n.List) && walk(n.ElseList)
			case *parse.RangeNode:
				return walk(n.List) && walk(n.ElseList)
			case *parse.WithNode:
				return walk(n.List) && walk(n.ElseList)
			case *parse.TemplateNode:
				return yield(n.Name)
			}
			return true
		}
		walk(n)
	}
}

// render executes a page into a buffer, so that a failing template never sends half a page.
func (t *templates) render(name string, data any) ([]byte, error) {
	pages := t.pages
	if t.dev {
		t.mu.Lock()
		fresh, err := t.parse(os.DirFS("views"))
		if err == nil {
			t.pages = fresh
		}
		pages = t.pages
		t.mu.Unlock()
		if err != nil {
			return nil, err
		}
	}
	set, ok := pages[name]
	if !ok {
		return nil, fmt.Errorf("render: no page %q", name)
	}
	var buf bytes.Buffer
	if err := set.ExecuteTemplate(&buf, "base", data); err != nil {
		return nil, fmt.Errorf("render %s: %w", name, err)
	}
	return buf.Bytes(), nil
}

// hashAssets gives every static file a URL that changes with its content, so it can be cached
// for a year.
func hashAssets() (map[string]string, error) {
	assets := map[string]string{}
	err := fs.WalkDir(public.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(p) == ".go" {
			return err
		}
		data, err := fs.ReadFile(public.FS, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		assets[p] = "/static/" + p + "?v=" + hex.EncodeToString(sum[:6])
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("render: static files: %w", err)
	}
	return assets, nil
}

// cardData is what the edition_card partial receives.
type cardData struct {
	L *i18n.Translator
	E editionCard
}

// fieldData is what the form_field partial receives.
type fieldData struct {
	L *i18n.Translator
	F formField
}

// adminNavData is what the admin_nav partial receives.
type adminNavData struct {
	L    *i18n.Translator
	User school.User
	CSRF string
}

// page is what every template receives: the interface language and what the layout needs, with
// the page's own data in Data.
type page struct {
	L          *i18n.Translator
	Title      string
	Nav        string // which main navigation item is current
	SwitchLang string // the current address in the other language
	RequestID  string
	CSRF       string // the form token, on pages behind CSRF protection
	Contact    string // the address for questions in the footer: the school's, or the edition's
	Data       any
	// Description is what search engines and link previews say of a public page; the layout
	// falls back to the site's.
	Description string
	// Public is a public page's address, for search engines and link previews; nil on the
	// pages of applicants and staff, which the layout marks noindex.
	Public *publicAddress
	// NoIndex keeps a public page out of search engines (a search's results).
	NoIndex bool
	// DiskLow shows staff the banner of a disk nearly full (disk_guard.go).
	DiskLow bool
}

// publicAddress is where a public page lives, absolute, in each language.
type publicAddress struct {
	URL     string // in the page's language: canonical and og:url
	EN, CS  string
	Default string // without a language: the reader's browser chooses
	// Locale and OtherLocale are the Open Graph locales of the page's language and the other.
	Locale, OtherLocale string
}

// newPage fills what every page needs.
func (s *Server) newPage(c *fiber.Ctx, title, nav string, data any) page {
	lang := langOf(c)
	other := "cs"
	if lang == "cs" {
		other = "en"
	}
	q := c.Request().URI().QueryArgs()
	args := fiber.AcquireArgs()
	defer fiber.ReleaseArgs(args)
	q.CopyTo(args)
	args.Set("lang", other)
	return page{
		L:          s.i18n.Translator(lang),
		Title:      title,
		Nav:        nav,
		SwitchLang: c.Path() + "?" + args.String(),
		RequestID:  requestID(c),
		CSRF:       csrfToken(c),
		Contact:    s.cfg.Contact,
		Data:       data,
		Public:     s.publicAddress(c.Path(), lang),
		DiskLow:    s.staffSeesDiskLow(c),
	}
}

// renderPage renders a page with status 200.
func (s *Server) renderPage(c *fiber.Ctx, name string, p page) error {
	return s.renderStatus(c, fiber.StatusOK, name, p)
}

func (s *Server) renderStatus(c *fiber.Ctx, status int, name string, p page) error {
	body, err := s.templates.render(name, p)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Status(status).Send(body)
}
