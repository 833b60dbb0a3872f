package school

import (
	"html"
	"strings"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

// PlainText is the text a reader sees of an organiser's Markdown, on one line: goldmark's parse
// without its marks, raw HTML left out as the pages' sanitiser leaves it out. Search snippets and
// page descriptions show it.
func PlainText(source string) string {
	src := []byte(source)
	doc := goldmark.DefaultParser().Parse(text.NewReader(src))
	var b strings.Builder
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			// A heading or a list item ends as a sentence would, so that it does not run into
			// the next line on one line.
			switch n.Kind() {
			case ast.KindHeading:
				endWith(&b, ".")
			case ast.KindListItem:
				if n.NextSibling() != nil {
					endWith(&b, ";")
				} else {
					endWith(&b, ".")
				}
			}
			if n.Type() == ast.TypeBlock {
				b.WriteByte(' ')
			}
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.RawHTML, *ast.HTMLBlock:
			return ast.WalkSkipChildren, nil
		case *ast.Text:
			b.Write(n.Segment.Value(src))
			if n.SoftLineBreak() || n.HardLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(n.Value)
		case *ast.AutoLink:
			b.Write(n.Label(src))
		case *ast.FencedCodeBlock, *ast.CodeBlock:
			lines := n.Lines()
			for i := 0; i < lines.Len(); i++ {
				line := lines.At(i)
				b.Write(line.Value(src))
			}
		}
		return ast.WalkContinue, nil
	})
	return strings.Join(strings.Fields(html.UnescapeString(b.String())), " ")
}

// endWith ends the text so far with mark, unless it ends with a mark of its own already.
func endWith(b *strings.Builder, mark string) {
	text := strings.TrimRight(b.String(), " ")
	if last, _ := utf8.DecodeLastRuneInString(text); text == "" || strings.ContainsRune(".!?:;…", last) {
		return
	}
	b.Reset()
	b.WriteString(text + mark)
}

// EscapeMarkdown is text to put into Markdown as it is written: every ASCII punctuation mark
// backslash-escaped (CommonMark), so that "<", "*" or "_" in a title neither vanish nor mark.
func EscapeMarkdown(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < utf8.RuneSelf && strings.ContainsRune("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
