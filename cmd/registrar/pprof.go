//go:build pprof

package main

import (
	"net/http"
	_ "net/http/pprof" // registers /debug/pprof/ on http.DefaultServeMux
	"os"
)

// A build with -tags pprof serves Go's profiles on REGISTRAR_PPROF_ADDR (loopback only), for
// profiling the server under the load scripts; a normal build has none of it.
func init() {
	addr := os.Getenv("REGISTRAR_PPROF_ADDR")
	if addr == "" {
		return
	}
	go func() { _ = http.ListenAndServe(addr, nil) }()
}
