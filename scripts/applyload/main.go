// Command applyload is scripts/load_apply.sh's load generator: it POSTs one application form
// over and over on a number of keep-alive connections for a while, each with an email address
// of its own, and prints what wrk prints (rate, latency percentiles, errors), so that the script
// reads either.
//
// It exists because wrk, on the same two cores as the server, spent 1–3 ms of CPU on each
// application with a 200 KB CV (its Lua builds every request as a new string, which LuaJIT maps
// and unmaps as fresh memory): as much as the server itself. Here each connection builds its
// request once, with the address's counter at a fixed place and width, and only writes the
// counter's digits into it before sending it again: no allocation per request.
//
//	go run ./scripts/applyload -url http://127.0.0.1:18081/editions/x/apply -c 32 -d 10s
//
// The form comes from the environment, as load_apply.sh sets it: APPLY_CSRF, APPLY_OPENED_AT,
// APPLY_COOKIE, APPLY_FIELDS (name=value lines), APPLY_CV_BYTES (none: urlencoded without a
// file; a number: multipart with a PDF of that size) and APPLY_RUN (the addresses' prefix).
package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

const (
	boundary = "registrarload0c0ffee7e57b0undary"
	digits   = 9 // of the counter in each address: a billion requests
)

func main() {
	target := flag.String("url", "", "the form's address (http only)")
	conns := flag.Int("c", 32, "connections")
	duration := flag.Duration("d", 10*time.Second, "how long to send")
	flag.Parse()
	u, err := url.Parse(*target)
	if err != nil || u.Scheme != "http" || u.Host == "" {
		fmt.Fprintln(os.Stderr, "applyload: -url must be an http:// address")
		os.Exit(2)
	}
	request, at := build(u)

	var (
		counter  atomic.Int64
		mu       sync.Mutex
		all      []time.Duration
		bad      int
		failed   int
		firstBad string
		sockErrs int
		read     int64
		wg       sync.WaitGroup
	)
	start := time.Now()
	end := start.Add(*duration)
	for range *conns {
		wg.Go(func() {
			r := connection{req: slices.Clone(request), at: at, addr: u.Host}
			for time.Now().Before(end) {
				n := counter.Add(1)
				took, status, body, err := r.send(n)
				if err != nil {
					mu.Lock()
					sockErrs++
					mu.Unlock()
					r.close()
					time.Sleep(10 * time.Millisecond)
					continue
				}
				r.latencies = append(r.latencies, took)
				if status >= 400 {
					r.failed++
				}
				if status != 303 {
					r.bad++
					if r.firstBad == "" {
						r.firstBad = strconv.Itoa(status) + " " + strings.Join(strings.Fields(string(body)), " ")
						r.firstBad = r.firstBad[:min(len(r.firstBad), 200)]
					}
				}
			}
			r.close()
			mu.Lock()
			defer mu.Unlock()
			all = append(all, r.latencies...)
			bad += r.bad
			failed += r.failed
			read += r.read
			if firstBad == "" {
				firstBad = r.firstBad
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	report(os.Stdout, all, elapsed, bad, failed, firstBad, sockErrs, read)
}

// build is the whole request, line, headers and body, with the counter's digits at at.
func build(u *url.URL) ([]byte, int) {
	run := env("APPLY_RUN", "load")
	var body bytes.Buffer
	var contentType string
	prefix := run + "-"
	if cv := env("APPLY_CV_BYTES", "none"); cv == "none" {
		contentType = "application/x-www-form-urlencoded"
		body.WriteString("email=" + prefix)
		body.WriteString(strings.Repeat("0", digits))
		body.WriteString("%40load.example&_csrf=" + url.QueryEscape(os.Getenv("APPLY_CSRF")) +
			"&opened_at=" + url.QueryEscape(os.Getenv("APPLY_OPENED_AT")))
		for k, v := range fields() {
			body.WriteString("&" + url.QueryEscape(k) + "=" + url.QueryEscape(v))
		}
	} else {
		size, err := strconv.Atoi(cv)
		if err != nil {
			fmt.Fprintln(os.Stderr, "applyload: APPLY_CV_BYTES must be none or a number")
			os.Exit(2)
		}
		contentType = "multipart/form-data; boundary=" + boundary
		part := func(name, value string) {
			body.WriteString("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" +
				value + "\r\n")
		}
		part("email", prefix+strings.Repeat("0", digits)+"@load.example")
		part("_csrf", os.Getenv("APPLY_CSRF"))
		part("opened_at", os.Getenv("APPLY_OPENED_AT"))
		for k, v := range fields() {
			part(k, v)
		}
		body.WriteString("--" + boundary + "\r\nContent-Disposition: form-data; name=\"cv\"; filename=\"cv.pdf\"\r\n" +
			"Content-Type: application/pdf\r\n\r\n")
		body.WriteString("%PDF-1.4\n%")
		body.WriteString(strings.Repeat("0123456789abcde\n", max(size-16, 0)/16))
		body.WriteString("\n%%EOF\n\r\n--" + boundary + "--\r\n")
	}
	head := "POST " + u.RequestURI() + " HTTP/1.1\r\nHost: " + u.Host + "\r\nContent-Type: " + contentType +
		"\r\nCookie: csrf_=" + os.Getenv("APPLY_COOKIE") + "\r\nContent-Length: " + strconv.Itoa(body.Len()) + "\r\n\r\n"
	req := append([]byte(head), body.Bytes()...)
	return req, bytes.Index(req, []byte(prefix+strings.Repeat("0", digits))) + len(prefix)
}

// fields are APPLY_FIELDS's name=value lines, in their order.
func fields() func(func(string, string) bool) {
	return func(yield func(string, string) bool) {
		for _, line := range strings.Split(os.Getenv("APPLY_FIELDS"), "\n") {
			k, v, ok := strings.Cut(line, "=")
			if ok && !yield(k, v) {
				return
			}
		}
	}
}

func env(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}

// connection is one keep-alive connection with its own copy of the request.
type connection struct {
	addr      string
	req       []byte
	at        int
	conn      net.Conn
	r         *bufio.Reader
	latencies []time.Duration
	bad       int // answers other than 303
	failed    int // answers 4xx and 5xx
	firstBad  string
	read      int64
}

// send writes the request with address number n and reads the answer: its status and, when it
// is not a redirect, its body.
func (c *connection) send(n int64) (time.Duration, int, []byte, error) {
	if c.conn == nil {
		conn, err := net.Dial("tcp", c.addr)
		if err != nil {
			return 0, 0, nil, err
		}
		c.conn, c.r = conn, bufio.NewReaderSize(conn, 16<<10)
	}
	for i := c.at + digits - 1; i >= c.at; i-- {
		c.req[i] = byte('0' + n%10)
		n /= 10
	}
	start := time.Now()
	if _, err := c.conn.Write(c.req); err != nil {
		return 0, 0, nil, err
	}
	status, length, closing, err := c.head()
	if err != nil {
		return 0, 0, nil, err
	}
	var body []byte
	if status == 303 {
		_, err = c.r.Discard(length)
	} else {
		body = make([]byte, length)
		_, err = io.ReadFull(c.r, body)
	}
	took := time.Since(start)
	c.read += int64(length)
	if err != nil {
		return 0, 0, nil, err
	}
	if closing {
		c.close()
	}
	return took, status, body, nil
}

// head reads the answer's status line and headers.
func (c *connection) head() (status, length int, closing bool, err error) {
	line, err := c.r.ReadSlice('\n')
	if err != nil {
		return 0, 0, false, err
	}
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.1 ")) {
		return 0, 0, false, errors.New("not an HTTP/1.1 answer")
	}
	if status, err = strconv.Atoi(string(line[9:12])); err != nil {
		return 0, 0, false, err
	}
	c.read += int64(len(line))
	for {
		line, err := c.r.ReadSlice('\n')
		if err != nil {
			return 0, 0, false, err
		}
		c.read += int64(len(line))
		h := bytes.TrimRight(line, "\r\n")
		if len(h) == 0 {
			return status, length, closing, nil
		}
		name, value, _ := bytes.Cut(h, []byte(":"))
		value = bytes.TrimSpace(value)
		switch {
		case bytes.EqualFold(name, []byte("Content-Length")):
			if length, err = strconv.Atoi(string(value)); err != nil {
				return 0, 0, false, err
			}
		case bytes.EqualFold(name, []byte("Connection")) && bytes.EqualFold(value, []byte("close")):
			closing = true
		}
	}
}

func (c *connection) close() {
	if c.conn != nil {
		c.conn.Close()
		c.conn, c.r = nil, nil
	}
}

// report prints what wrk's --latency prints, in its words, and the answers other than 303.
func report(w io.Writer, all []time.Duration, elapsed time.Duration, bad, failed int, firstBad string, sockErrs int, read int64) {
	slices.Sort(all)
	at := func(p float64) time.Duration {
		if len(all) == 0 {
			return 0
		}
		return all[min(len(all)-1, int(p*float64(len(all))))]
	}
	fmt.Fprintln(w, "  Latency Distribution")
	for _, p := range []float64{0.50, 0.75, 0.90, 0.99} {
		fmt.Fprintf(w, "     %2.0f%% %8.2fms\n", p*100, float64(at(p).Microseconds())/1000)
	}
	fmt.Fprintf(w, "  %d requests in %.2fs, %.2fMB read\n", len(all), elapsed.Seconds(), float64(read)/1e6)
	if sockErrs > 0 {
		fmt.Fprintf(w, "  Socket errors: connect 0, read %d, write 0, timeout 0\n", sockErrs)
	}
	if failed > 0 {
		fmt.Fprintf(w, "  Non-2xx or 3xx responses: %d\n", failed)
	}
	fmt.Fprintf(w, "Requests/sec: %9.2f\n", float64(len(all))/elapsed.Seconds())
	fmt.Fprintf(w, "Answers other than 303: %d\n", bad)
	if firstBad != "" {
		fmt.Fprintln(w, "First such answer: "+firstBad)
	}
}
