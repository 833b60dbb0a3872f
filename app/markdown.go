package app

import (
	"bytes"
	"html/template"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// markdown renders organisers' Markdown to HTML and sanitises the result, so a description can
// carry lists and links but never script.
type markdown struct {
	md     goldmark.Markdown
	policy *bluemonday.Policy
}

func newMarkdown() *markdown {
	policy := bluemonday.UGCPolicy()
	policy.RequireNoFollowOnLinks(true)
	policy.AddTargetBlankToFullyQualifiedLinks(false)
	md := goldmark.New(goldmark.WithParserOptions(parser.WithASTTransformers(
		util.Prioritized(underThePagesHeading{}, 100))))
	return &markdown{md: md, policy: policy}
}

// underThePagesHeading makes an organiser's top-level heading a second-level one: their text
// always sits under the page's own h1, and a page has one.
type underThePagesHeading struct{}

func (underThePagesHeading) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if h, ok := n.(*ast.Heading); ok && entering && h.Level == 1 {
			h.Level = 2
		}
		return ast.WalkContinue, nil
	})
}

func (m *markdown) render(source string) template.HTML {
	var buf bytes.Buffer
	if err := m.md.Convert([]byte(source), &buf); err != nil {
		return template.HTML(template.HTMLEscapeString(source))
	}
	return template.HTML(m.policy.SanitizeBytes(buf.Bytes())) // #nosec G203 -- sanitised by bluemonday
}
