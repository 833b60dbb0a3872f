package app

import (
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

// Benchmarks of submissions, the target of issue 3 (≥ 3,000 registrations/s, p99 ≤ 50 ms on two
// cores): registrations to the demo's open-admission conference, its short form without a file,
// posted urlencoded with a CSRF cookie and token as scripts/load_apply.sh posts them, straight
// into Fiber's handler and on into the real SQLite file. "serial" sends one at a time, so every
// registration commits alone; "parallel" sends from many goroutines at once, so the group commit
// writes them in batches as under load. ns/op is the time per registration, which other work on
// the machine inflates; cpu-ns/op is the process's CPU time (user and system) per registration,
// which it does much less. Run with -cpuprofile to see where it goes.
//
//	go test -tags sqlite_fts5 -run '^$' -bench Submission -benchmem ./app/

var conferenceLink = regexp.MustCompile(`href="/editions/(conference-[0-9]+-cities-of-welcome[^"/?]*)"`)

// benchRegistration is what one conference registration sends, less its email.
type benchRegistration struct {
	path, cookie, body string
}

func newBenchRegistration(b *testing.B, ts *testServer) benchRegistration {
	b.Helper()
	v := ts.visitor()
	_, home := v.get(b, "/")
	m := conferenceLink.FindStringSubmatch(home)
	if m == nil {
		b.Fatal("the home page links to no demo conference")
	}
	path := applyPath(m[1])
	f := v.openForm(b, path, path)
	values := f.With(url.Values{"given_name": {"Load"}, "family_name": {"Tester"}, "nationality": {"CZ"},
		"residence": {"CZ"}, "dietary": {"Vegetarian"}, "consent_processing": {"yes"}, "email": nil})
	csrf := v.cookies["csrf_"]
	if csrf == "" {
		b.Fatal("the form set no CSRF cookie")
	}
	return benchRegistration{path: path, cookie: "csrf_=" + csrf, body: values.Encode() + "&email="}
}

// post sends registration n through handler on ctx; an answer but 303 is an error.
func (r benchRegistration) post(handler fasthttp.RequestHandler, ctx *fasthttp.RequestCtx, run string, n int64) error {
	ctx.Request.Reset()
	ctx.Response.Reset()
	ctx.Request.Header.SetMethod(fasthttp.MethodPost)
	ctx.Request.Header.SetHost("127.0.0.1")
	ctx.Request.SetRequestURI(r.path)
	ctx.Request.Header.SetContentType("application/x-www-form-urlencoded")
	ctx.Request.Header.Set("Cookie", r.cookie)
	ctx.Request.SetBodyString(r.body + run + "-" + strconv.FormatInt(n, 10) + "%40load.example")
	handler(ctx)
	if code := ctx.Response.StatusCode(); code != fasthttp.StatusSeeOther {
		return fmt.Errorf("POST %s: %d\n%.2000s", r.path, code, ctx.Response.Body())
	}
	return nil
}

// cpuTime is the CPU time the process has used so far, in user and system mode.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func BenchmarkSubmission(b *testing.B) {
	// Every registration comes from one address: no rate limit, as in scripts/load_apply.sh.
	ts := newTestServerWith(b, func() time.Time { return demoNow }, func(c *Config) { c.ApplyLimit = 1 << 30 })
	r := newBenchRegistration(b, ts)
	handler := ts.Handler().Handler()
	var counter atomic.Int64
	b.Run("serial", func(b *testing.B) {
		var ctx fasthttp.RequestCtx
		ctx.Init(&fasthttp.Request{}, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 40000}, nil)
		b.ReportAllocs()
		cpu := cpuTime(b)
		b.ResetTimer()
		for b.Loop() {
			if err := r.post(handler, &ctx, "serial", counter.Add(1)); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(cpuTime(b)-cpu)/float64(b.N), "cpu-ns/op")
	})
	b.Run("parallel", func(b *testing.B) {
		b.SetParallelism(16) // 16 × GOMAXPROCS clients, as wrk's 32 connections on two cores
		b.ReportAllocs()
		start, cpu := time.Now(), cpuTime(b)
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			var ctx fasthttp.RequestCtx
			ctx.Init(&fasthttp.Request{}, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 40000}, nil)
			for pb.Next() {
				if err := r.post(handler, &ctx, "parallel", counter.Add(1)); err != nil {
					b.Error(err) // Fatal must not be called from RunParallel's goroutines
					return
				}
			}
		})
		b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "submissions/s")
		b.ReportMetric(float64(cpuTime(b)-cpu)/float64(b.N), "cpu-ns/op")
	})
}
