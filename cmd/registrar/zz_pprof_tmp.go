//go:build pprofdebug

package main

import (
	"net/http"
	_ "net/http/pprof"
	"runtime"
)

func init() {
	runtime.SetBlockProfileRate(10000)
	runtime.SetMutexProfileFraction(10)
	go http.ListenAndServe("127.0.0.1:6061", nil)
}
