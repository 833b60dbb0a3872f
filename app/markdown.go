package app

import (
	"bytes"
	"html/template"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
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
	return &markdown{md: goldmark.New(), policy: policy}
}

func (m *markdown) render(source string) template.HTML {
	var buf bytes.Buffer
	if err := m.md.Convert([]byte(source), &buf); err != nil {
		return template.HTML(template.HTMLEscapeString(source))
	}
	return template.HTML(m.policy.SanitizeBytes(buf.Bytes())) // #nosec G203 -- sanitised by bluemonday
}
