package app

import (
	"fmt"
	"net"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"
)

// Benchmarks of the public pages through the whole Fiber application — middleware, language,
// page cache, handlers, store and templates — without a network: each request goes straight into
// Fiber's fasthttp handler on a reused RequestCtx, as fasthttp's server would hand it over.
//
// "cached" repeats one address, so after the first request the page cache answers; "uncached"
// gives every request its own query string, so the page cache misses and the page is rendered
// from the database. make bench runs them; scripts/load.sh measures a real server under wrk.
//
//	go test -tags sqlite_fts5 -run '^$' -bench . -benchmem ./app/

// benchPage sends b.N GET requests, to the address target(i) for request i, and fails on any
// status but 200. Headers are name, value pairs.
func benchPage(b *testing.B, ts *testServer, target func(i int) string, headers ...string) {
	b.Helper()
	handler := ts.Handler().Handler()
	var ctx fasthttp.RequestCtx
	ctx.Init(&fasthttp.Request{}, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 40000}, nil)
	var bytes int
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ctx.Request.Reset()
		ctx.Response.Reset()
		ctx.Request.Header.SetMethod(fasthttp.MethodGet)
		ctx.Request.Header.SetHost("127.0.0.1")
		ctx.Request.SetRequestURI(target(i))
		for h := 0; h+1 < len(headers); h += 2 {
			ctx.Request.Header.Set(headers[h], headers[h+1])
		}
		handler(&ctx)
		if code := ctx.Response.StatusCode(); code != fasthttp.StatusOK {
			b.Fatalf("GET %s: %d\n%s", target(i), code, ctx.Response.Body())
		}
		bytes = len(ctx.Response.Body())
	}
	b.StopTimer()
	b.ReportMetric(float64(bytes), "resp-bytes")
}

// benchCachedAndNot runs the cached and the uncached variants of one page.
func benchCachedAndNot(b *testing.B, path string) {
	ts := newTestServer(b)
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	b.Run("cached", func(b *testing.B) {
		benchPage(b, ts, func(int) string { return path })
	})
	b.Run("cached-cs", func(b *testing.B) {
		benchPage(b, ts, func(int) string { return path }, "Accept-Language", "cs-CZ,cs;q=0.9")
	})
	b.Run("cached-gzip", func(b *testing.B) {
		benchPage(b, ts, func(int) string { return path }, "Accept-Encoding", "gzip")
	})
	b.Run("uncached", func(b *testing.B) {
		benchPage(b, ts, func(i int) string { return fmt.Sprintf("%s%sn=%d", path, sep, i) })
	})
}

func BenchmarkHomePage(b *testing.B) { benchCachedAndNot(b, "/") }

func BenchmarkEditionPage(b *testing.B) { benchCachedAndNot(b, "/editions/summer-school-2016") }

func BenchmarkArchivePage(b *testing.B) { benchCachedAndNot(b, "/archive") }

// searchTerms are what people type: whole words, prefixes, Czech with and without diacritics,
// and words that find nothing.
var searchTerms = []string{
	"integration", "integr", "migration", "refugee", "trafficking", "labour migration",
	"Drbohlav", "IOM", "summer school", "česky", "cesky", "uprchlíci", "prace", "diaspora",
	"climate", "nothing-like-this", "Prague", "conference", "winter", "myths",
}

func BenchmarkSearchPage(b *testing.B) {
	ts := newTestServer(b)
	b.Run("cached", func(b *testing.B) {
		benchPage(b, ts, func(int) string { return "/search?q=integration" })
	})
	b.Run("uncached", func(b *testing.B) {
		// Varied queries, each address unique so that the page cache never answers.
		benchPage(b, ts, func(i int) string {
			args := fasthttp.AcquireArgs()
			defer fasthttp.ReleaseArgs(args)
			args.Set("q", searchTerms[i%len(searchTerms)])
			args.SetUint("n", i)
			return "/search?" + args.String()
		})
	})
}
