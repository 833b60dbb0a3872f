// Package files holds what Registrar does with files, apart from HTTP: the data folder's layout
// (Layout, layout.go, the one place that names its files and folders), uploads taken under a
// size limit with their content checked, to be stored in the database (receive.go), multipart
// forms spooled to a temporary file (spool.go), and the headers a stored or generated file is
// served with (serve.go).
package files

import (
	"mime"
	"path/filepath"
	"strings"
)

// PDF is the one type a file may be shown in the browser as.
const PDF = "application/pdf"

// Disposition is the Content-Disposition of a file named name (RFC 6266, with filename* for a
// name outside ASCII): inline only for a PDF asked inline, an attachment otherwise.
func Disposition(contentType, name string, inline bool) string {
	kind := "attachment"
	if inline && contentType == PDF {
		kind = "inline"
	}
	if v := mime.FormatMediaType(kind, map[string]string{"filename": withEnding(name, contentType)}); v != "" {
		return v
	}
	return kind
}

// Policy is the Content-Security-Policy of a file response: it loads and runs nothing, so a
// file that a browser took for a page despite its type and nosniff would still be inert. A
// file shown inline may be framed by the application's own pages (the CV on an application's
// page); no other file is framed at all.
func Policy(inline bool) string {
	ancestors := "'none'"
	if inline {
		ancestors = "'self'"
	}
	return "default-src 'none'; frame-ancestors " + ancestors + "; form-action 'none'; base-uri 'none'"
}

// withEnding is name with the ending of contentType, the type the file's content was checked
// for: saved to disk, a file opens by its ending, and a PDF named cv.html would open as a page.
func withEnding(name, contentType string) string {
	endings, err := mime.ExtensionsByType(contentType)
	if err != nil || len(endings) == 0 {
		return name
	}
	ext := filepath.Ext(name)
	for _, e := range endings {
		if strings.EqualFold(ext, e) {
			return name
		}
	}
	return strings.TrimSuffix(name, ext) + endings[0]
}
