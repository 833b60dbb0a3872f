// Package public holds the static files served under /static: our stylesheet and the vendored,
// version-pinned front-end libraries.
package public

import "embed"

// FS holds the static files.
//
//go:embed css js vendor img
var FS embed.FS
