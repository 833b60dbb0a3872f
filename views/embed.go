// Package views holds the HTML templates (layouts, partials, one folder per area, errors, email)
// and the message catalogues, embedded in the binary.
package views

import "embed"

// FS holds the templates and catalogues.
//
//go:embed layouts partials catalogue apply status admin errors email locales verify notices referee
var FS embed.FS
