package app

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/valyala/fasthttp"

	"registrar/app/auth"
	"registrar/app/school"
	"registrar/db"
)

// Benchmarks of the back office with a popular call: 100,000 generated applications in the demo
// summer school, an organiser signed in, each request through the whole Fiber application as in
// bench_test.go. Besides ns/op they report the median and the 99th percentile of the requests,
// which is what issue 4 sets targets for: list page p99 ≤ 50 ms, edition dashboard p99 ≤ 100
// ms, releasing 500 decisions ≤ 2 s.
//
//	go test -tags sqlite_fts5 -run '^$' -bench 'Admin|Dashboard|Release' -benchtime 50x ./app/

// benchApplications is how many applications the benchmarks generate.
const benchApplications = 100_000

const benchPassword = "benchmark organiser password"

// benchAdmin is a demo server with generated applications and a signed-in organiser.
type benchAdmin struct {
	ts        *testServer
	edition   school.Edition
	organiser school.User
	v         *visitor
}

// newBenchAdmin builds the server, generates the applications and signs the organiser in.
func newBenchAdmin(b *testing.B) *benchAdmin {
	b.Helper()
	ts := newFormServer(b)
	ctx := context.Background()
	e, err := ts.store.PublicEdition(ctx, summerSlug)
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	if err := ts.store.GenerateApplications(ctx, e.ID, benchApplications, 2027); err != nil {
		b.Fatal(err)
	}
	b.Logf("generated %d applications in %v", benchApplications, time.Since(start).Round(time.Millisecond))
	if e, err = ts.store.EditionByID(ctx, e.ID); err != nil {
		b.Fatal(err)
	}
	hash, err := auth.HashPassword(benchPassword)
	if err != nil {
		b.Fatal(err)
	}
	u := school.User{Email: "bench-organiser@school.test", Name: "Bench Organiser", Role: school.RoleOrganiser}
	if u.ID, err = ts.store.CreateUser(ctx, u, hash); err != nil {
		b.Fatal(err)
	}
	v := ts.visitor()
	f := v.openForm(b, "/admin/login", "/admin/login")
	resp, body := v.submit(b, f, url.Values{"email": {u.Email}, "password": {benchPassword}})
	wantStatus(b, resp, body, http.StatusSeeOther)
	return &benchAdmin{ts: ts, edition: e, organiser: u, v: v}
}

// cookieHeader is the signed-in visitor's cookies as one Cookie header.
func (ba *benchAdmin) cookieHeader() string {
	ba.v.mu.Lock()
	defer ba.v.mu.Unlock()
	var parts []string
	for name, value := range ba.v.cookies {
		parts = append(parts, name+"="+value)
	}
	slices.Sort(parts)
	return strings.Join(parts, "; ")
}

// reportPercentiles reports the median and the 99th percentile of the durations in ms.
func reportPercentiles(b *testing.B, durations []time.Duration) {
	b.Helper()
	if len(durations) == 0 {
		return
	}
	slices.Sort(durations)
	at := func(p float64) float64 {
		i := min(len(durations)-1, int(float64(len(durations))*p))
		return float64(durations[i]) / float64(time.Millisecond)
	}
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
}

// benchAdminPage sends b.N signed-in GET requests to target straight into Fiber's handler, fails
// on any status but 200, and reports the percentiles of their durations.
func benchAdminPage(b *testing.B, ba *benchAdmin, target string) {
	b.Helper()
	handler := ba.ts.Handler().Handler()
	cookie := ba.cookieHeader()
	var ctx fasthttp.RequestCtx
	ctx.Init(&fasthttp.Request{}, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 40000}, nil)
	durations := make([]time.Duration, 0, b.N)
	var bytes int
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ctx.Request.Reset()
		ctx.Response.Reset()
		ctx.Request.Header.SetMethod(fasthttp.MethodGet)
		ctx.Request.Header.SetHost("127.0.0.1")
		ctx.Request.SetRequestURI(target)
		ctx.Request.Header.Set("Cookie", cookie)
		start := time.Now()
		handler(&ctx)
		durations = append(durations, time.Since(start))
		if code := ctx.Response.StatusCode(); code != fasthttp.StatusOK {
			b.Fatalf("GET %s: %d\n%.2000s", target, code, ctx.Response.Body())
		}
		bytes = len(ctx.Response.Body())
	}
	b.StopTimer()
	b.ReportMetric(float64(bytes), "resp-bytes")
	reportPercentiles(b, durations)
}

func BenchmarkAdminListPage(b *testing.B) {
	ba := newBenchAdmin(b)
	list := "/admin/editions/" + strconv.FormatInt(ba.edition.ID, 10) + "/applications"
	cases := []struct{ name, query string }{
		{"submitted-by-score", "status=submitted&sort=score"},
		{"newest-UA-search", "sort=newest&nationality=UA&q=ko"},
	}
	for _, c := range cases {
		for _, page := range []int{1, 1000} {
			target := fmt.Sprintf("%s?%s&page=%d", list, c.query, page)
			b.Run(fmt.Sprintf("%s/page-%d", c.name, page), func(b *testing.B) {
				benchAdminPage(b, ba, target)
			})
		}
	}
}

func BenchmarkEditionDashboard(b *testing.B) {
	ba := newBenchAdmin(b)
	target := "/admin/editions/" + strconv.FormatInt(ba.edition.ID, 10)
	b.Run("100k", func(b *testing.B) { benchAdminPage(b, ba, target) })
	b.Run("overview", func(b *testing.B) { benchAdminPage(b, ba, "/admin") })
}

// BenchmarkReleaseDecisions times releasing 500 staged decisions — 100 accepts (the summer
// school's seats), 200 places on the waiting list and 200 rejections — through the decisions
// page's form. Staging, and freeing the seats the last release took, are not timed.
func BenchmarkReleaseDecisions(b *testing.B) {
	ba := newBenchAdmin(b)
	ctx := context.Background()
	e := ba.edition
	if e.Seats() < 100 {
		b.Fatalf("the summer school has %d seats", e.Seats())
	}
	// Freeing seats behind the store's back: declining through the one transition would promote
	// the waiting list into them.
	raw, err := sql.Open("sqlite3", "file:"+ba.ts.cfg.Layout().Database()+"?_busy_timeout=5000")
	if err != nil {
		b.Fatal(err)
	}
	defer raw.Close()
	page := "/admin/editions/" + strconv.FormatInt(e.ID, 10) + "/decisions"
	b.Run("500", func(b *testing.B) {
		durations := make([]time.Duration, 0, b.N)
		b.StopTimer()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if _, err := raw.Exec(`UPDATE applications SET status = 'declined', offer_expires_at = NULL
				WHERE edition_id = ? AND status = 'accepted'`, e.ID); err != nil {
				b.Fatal(err)
			}
			apps, _, err := ba.ts.store.ApplicationList(ctx, db.ApplicationFilter{EditionID: e.ID,
				Status: school.StatusSubmitted, Sort: "oldest", PerPage: 500})
			if err != nil {
				b.Fatal(err)
			}
			if len(apps) < 500 {
				b.Fatalf("only %d submitted applications left", len(apps))
			}
			for j, a := range apps {
				decision, rank := school.StatusRejected, 0
				switch {
				case j < 100:
					decision = school.StatusAccepted
				case j < 300:
					decision, rank = school.StatusWaitlisted, j-99
				}
				if err := ba.ts.store.StageDecision(ctx, a.ID, decision, rank, ba.organiser.ID, demoNow); err != nil {
					b.Fatalf("stage %s for %d: %v", decision, a.ID, err)
				}
			}
			f := ba.v.openForm(b, page, page)
			b.StartTimer()
			start := time.Now()
			resp, body := ba.v.submit(b, f, url.Values{"confirm": {"yes"}})
			durations = append(durations, time.Since(start))
			b.StopTimer()
			wantStatus(b, resp, body, http.StatusSeeOther)
			if loc := resp.Header.Get("Location"); !strings.HasSuffix(loc, "released=500") {
				b.Fatalf("the release led to %q", loc)
			}
		}
		reportPercentiles(b, durations)
	})
}
