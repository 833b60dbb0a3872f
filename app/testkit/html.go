package testkit

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// The form reader: what a browser would send for a form on a page, read from the page's HTML
// (hidden fields such as _csrf and opened_at included), and the text a reader sees.

// Form is a form on a page as a browser would send it untouched.
type Form struct {
	Page   string // the address of the page it is on, without its query
	Action string
	Values url.Values
}

// With returns the form's values with changes: a field in change is replaced by its values, or
// left out when it has none (an empty field, an unchecked box).
func (f Form) With(change url.Values) url.Values {
	out := url.Values{}
	for k, v := range f.Values {
		out[k] = append([]string(nil), v...)
	}
	for k, v := range change {
		if len(v) == 0 {
			delete(out, k)
		} else {
			out[k] = append([]string(nil), v...)
		}
	}
	return out
}

// FormOn reads the form whose action starts with actionPrefix (the first form when empty) from
// the HTML of the page at page, and fails the test when there is none.
func FormOn(t testing.TB, page, body, actionPrefix string) Form {
	t.Helper()
	f, err := ReadForm(page, body, actionPrefix)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// ReadForm is FormOn returning an error, for a goroutine, which must not fail the test itself.
func ReadForm(page, body, actionPrefix string) (Form, error) {
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		return Form{}, fmt.Errorf("%s is not HTML: %w", page, err)
	}
	f, ok := FindForm(doc, actionPrefix)
	if !ok {
		return Form{}, fmt.Errorf("%s has no form posting to %q", page, actionPrefix)
	}
	f.Page = strings.SplitN(page, "?", 2)[0]
	if f.Action == "" {
		f.Action = f.Page
	}
	return f, nil
}

// ParseHTML parses a page, failing the test when it cannot.
func ParseHTML(t testing.TB, body string) *html.Node {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatalf("the page is not HTML: %v", err)
	}
	return doc
}

// Attr is the value of a node's attribute, and whether it has it.
func Attr(n *html.Node, name string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val, true
		}
	}
	return "", false
}

// Walk visits n and its descendants in document order; visit returns false to skip a node's
// children.
func Walk(n *html.Node, visit func(*html.Node) bool) {
	if !visit(n) {
		return
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		Walk(c, visit)
	}
}

// FindForm reads the first form whose action starts with actionPrefix: the values of its
// enabled, named fields as a browser would send them (checked boxes, the selected or first
// option, no file or button fields). Page is left empty.
func FindForm(doc *html.Node, actionPrefix string) (Form, bool) {
	var found *html.Node
	Walk(doc, func(n *html.Node) bool {
		if found != nil {
			return false
		}
		if n.Type == html.ElementNode && n.Data == "form" {
			action, _ := Attr(n, "action")
			if strings.HasPrefix(action, actionPrefix) {
				found = n
				return false
			}
		}
		return true
	})
	if found == nil {
		return Form{}, false
	}
	action, _ := Attr(found, "action")
	f := Form{Action: action, Values: url.Values{}}
	Walk(found, func(n *html.Node) bool {
		if n.Type != html.ElementNode {
			return true
		}
		name, named := Attr(n, "name")
		_, disabled := Attr(n, "disabled")
		if !named || disabled {
			return n.Data != "select" && n.Data != "textarea"
		}
		switch n.Data {
		case "input":
			typ, _ := Attr(n, "type")
			value, hasValue := Attr(n, "value")
			switch typ {
			case "checkbox", "radio":
				if _, checked := Attr(n, "checked"); checked {
					if !hasValue {
						value = "on"
					}
					f.Values.Add(name, value)
				}
			case "file", "submit", "button", "reset", "image":
			default:
				f.Values.Add(name, value)
			}
		case "textarea":
			f.Values.Add(name, Text(n))
			return false
		case "select":
			var first, chosen *html.Node
			Walk(n, func(o *html.Node) bool {
				if o.Type == html.ElementNode && o.Data == "option" {
					if first == nil {
						first = o
					}
					if _, sel := Attr(o, "selected"); sel && chosen == nil {
						chosen = o
					}
				}
				return true
			})
			if chosen == nil {
				chosen = first
			}
			if chosen != nil {
				value, ok := Attr(chosen, "value")
				if !ok {
					value = Text(chosen)
				}
				f.Values.Add(name, value)
			}
			return false
		}
		return true
	})
	return f, true
}

// Text is the text inside a node, as a reader sees it (no scripts or styles).
func Text(n *html.Node) string {
	var b strings.Builder
	Walk(n, func(c *html.Node) bool {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
		return c.Type != html.ElementNode || (c.Data != "script" && c.Data != "style")
	})
	return b.String()
}

// ByID is the element with the given id, nil when there is none.
func ByID(doc *html.Node, id string) *html.Node {
	var found *html.Node
	Walk(doc, func(n *html.Node) bool {
		if found != nil {
			return false
		}
		if v, ok := Attr(n, "id"); ok && n.Type == html.ElementNode && v == id {
			found = n
			return false
		}
		return true
	})
	return found
}

var spaceRuns = regexp.MustCompile(`\s+`)

// MainText is the text of a page's main content (the element with id "main", else the whole
// page) with white space collapsed, as a reader sees it.
func MainText(t testing.TB, body string) string {
	t.Helper()
	doc := ParseHTML(t, body)
	n := ByID(doc, "main")
	if n == nil {
		n = doc
	}
	return strings.TrimSpace(spaceRuns.ReplaceAllString(Text(n), " "))
}
