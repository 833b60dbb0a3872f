package app

import (
	"context"
	"errors"
	"io"
	"net"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"golang.org/x/sync/semaphore"

	"registrar/app/files"
)

// Request bodies are streamed (fiber.Config StreamRequestBody): fasthttp hands a request to the
// handlers once its head and at most 8 KB of its body have arrived, and the rest is read only as
// far as a handler reads it. Every request may send at most defaultBodyLimit; the routes that take
// files more. A request that declares more than its route's limit is refused before its body is
// read.
const (
	defaultBodyLimit = 1 << 20
	// applyBodyLimit leaves room for the CV and several file answers of 5 MB each.
	applyBodyLimit = 40 << 20
	// documentBodyLimit is a 20 MB document with its form.
	documentBodyLimit = 21 << 20
	// spoolInMemory is how much of a body with files is held in memory, the rest going to a
	// temporary file: an application with a CV of a few hundred KB needs no file, and the 64
	// places for uploads hold at most 32 MB so.
	spoolInMemory = 512 << 10
	// uploadReadTime is how long a request that takes files has to send its body once its turn
	// has come, instead of the server's 30 s read timeout: 40 MB at 350 KB/s.
	uploadReadTime = 2 * time.Minute
	// bodyDrain is how much of a body left unread is read and dropped, so the connection can
	// carry the next request; past it the connection is closed instead.
	bodyDrain = 64 << 10
)

// What one address, and everyone together, may send at once, so that no stranger holds every
// place or the server's memory with bodies that never end: a few uploads and forms from one
// address (a school's computer room shares one), and forms without files of at most bodyBudget
// bytes, which the server holds in memory to read them. A body fasthttp has read whole before
// the handlers (heldBody) costs nothing more and is not counted.
const (
	uploadsPerAddress = 4
	formsPerAddress   = 4
	bodyBudget        = 32 << 20
	heldBody          = 8 << 10
)

const localsBodyLimit = "bodyLimit"

// takeFiles marks a route that takes files from whoever may send them, with its body limit;
// limitBody, which comes after it, does the rest. A request from anyone else may send what any
// form may, so that a stranger cannot make the server read and store files where only staff or
// an applicant's link may send them.
func takeFiles(limit int, may func(*fiber.Ctx) bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if may == nil || may(c) {
			c.Locals(localsBodyLimit, limit)
		}
		return c.Next()
	}
}

// signedInStaff says whether the request comes with a signed-in staff member's session; the
// handlers check the role.
func (s *Server) signedInStaff(c *fiber.Ctx) bool {
	sess, err := s.sessions.Get(c)
	if err != nil {
		return false
	}
	id, _ := sess.Get(sessionUserKey).(int64)
	return id != 0
}

// withApplicationLink says whether the request's path holds a status link that opens an
// application.
func (s *Server) withApplicationLink(c *fiber.Ctx) bool {
	_, _, _, err := s.applicantApplication(c)
	return err == nil
}

// Marks of the 503 of a request that waited too long for its turn to send files, or a form.
const (
	uploadsBusy = "uploads busy"
	formsBusy   = "forms busy"
)

// places are the places of one kind (uploads, or forms being read) that each address holds: at
// most max at once, one more waits its turn for a while.
type places struct {
	max    int
	mu     sync.Mutex
	byAddr map[string]*addressPlaces
}

type addressPlaces struct {
	taken   chan struct{}
	waiting int // requests holding or waiting for a place: the entry goes with the last
}

func newPlaces(max int) *places {
	return &places{max: max, byAddr: make(map[string]*addressPlaces)}
}

// take waits up to wait for one of addr's places; it says whether it got one, and then the
// caller gives it back with give.
func (p *places) take(addr string, wait time.Duration) bool {
	p.mu.Lock()
	a := p.byAddr[addr]
	if a == nil {
		a = &addressPlaces{taken: make(chan struct{}, p.max)}
		p.byAddr[addr] = a
	}
	a.waiting++
	p.mu.Unlock()
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case a.taken <- struct{}{}:
		return true
	case <-timer.C:
		p.leave(addr, a)
		return false
	}
}

func (p *places) give(addr string) {
	p.mu.Lock()
	a := p.byAddr[addr]
	p.mu.Unlock()
	<-a.taken
	p.leave(addr, a)
}

func (p *places) leave(addr string, a *addressPlaces) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if a.waiting--; a.waiting == 0 {
		delete(p.byAddr, addr)
	}
}

// clientAddress is who a limit counts: the client's address, an IPv6 one by its /64 network,
// which one household or phone is given whole.
func clientAddress(c *fiber.Ctx) string {
	ip := net.ParseIP(c.IP())
	if ip == nil || ip.To4() != nil {
		return c.IP()
	}
	return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
}

// bodyPlaces bound what is being sent at once: uploads and forms per address, and the bytes of
// forms being read over everyone.
type bodyPlaces struct {
	uploads, forms *places
	budget         *semaphore.Weighted
	// storing bounds the bytes of files received and not yet stored: a file is read into
	// memory to be stored in the database, and held there until its application's commit.
	storing *semaphore.Weighted
	// serving bounds the bytes of stored files read into memory to be sent, until sent.
	serving *semaphore.Weighted
}

// storingBudget is how many bytes of files wait in memory for the database at once: eight CVs
// of 5 MB, or one body of the largest size a route takes.
const storingBudget = 40 << 20

func newBodyPlaces() bodyPlaces {
	return bodyPlaces{uploads: newPlaces(uploadsPerAddress), forms: newPlaces(formsPerAddress),
		budget: semaphore.NewWeighted(bodyBudget), storing: semaphore.NewWeighted(storingBudget),
		serving: semaphore.NewWeighted(storingBudget)}
}

// limitBody refuses a body larger than the route's limit, of unknown length (chunked), or
// compressed, before reading it: no browser sends a form chunked or compressed, and a compressed
// body could unpack to any size. A request with files waits for its turn, then its body goes to
// a temporary file as it arrives. After the handlers, what they left unread is dropped, or the
// connection closed when that is much.
func (s *Server) limitBody(c *fiber.Ctx) error {
	h := &c.Request().Header
	limit, takesFiles := c.Locals(localsBodyLimit).(int)
	if !takesFiles || len(h.MultipartFormBoundary()) == 0 { // only a multipart form carries files
		limit, takesFiles = defaultBodyLimit, false
	}
	switch n := h.ContentLength(); {
	case n == -1:
		c.Context().SetConnectionClose()
		return fiber.ErrLengthRequired
	case n > limit:
		c.Context().SetConnectionClose()
		return fiber.ErrRequestEntityTooLarge
	case n > 0 && len(h.Peek(fiber.HeaderContentEncoding)) > 0:
		c.Context().SetConnectionClose()
		return fiber.ErrUnsupportedMediaType
	case n > 0 && takesFiles:
		return s.receiveFiles(c)
	case n > heldBody:
		return s.receiveForm(c, int64(n))
	}
	return s.dropUnread(c, c.Next())
}

// receiveForm lets a form without files be read once its address has a place for it and the
// server has room for its body; one over waits its turn for a while, then is asked to send again.
func (s *Server) receiveForm(c *fiber.Ctx, n int64) error {
	addr := clientAddress(c)
	if !s.bodies.forms.take(addr, s.cfg.UploadWait) {
		c.Context().SetConnectionClose()
		return fiber.NewError(fiber.StatusServiceUnavailable, formsBusy)
	}
	defer s.bodies.forms.give(addr)
	ctx, cancel := context.WithTimeout(c.UserContext(), s.cfg.UploadWait)
	defer cancel()
	if err := s.bodies.budget.Acquire(ctx, n); err != nil {
		c.Context().SetConnectionClose()
		return fiber.NewError(fiber.StatusServiceUnavailable, formsBusy)
	}
	defer s.bodies.budget.Release(n)
	err := s.dropUnread(c, c.Next())
	// fasthttp keeps a request's buffers with its connection until the next request: without
	// this, connections left open after their answer would hold the bodies the places let by.
	c.Request().ReleaseBody(heldBody)
	c.Context().SetConnectionClose()
	return err
}

// dropUnread reads and drops what the handlers left of a body, or closes the connection when
// that is much, and returns err.
func (s *Server) dropUnread(c *fiber.Ctx, err error) error {
	if body := c.Context().RequestBodyStream(); body != nil {
		if n, _ := io.CopyN(io.Discard, body, bodyDrain); n == bodyDrain {
			c.Context().SetConnectionClose()
		}
	}
	return err
}

// receiveFiles waits for one of the places for multipart requests to routes that take files: one over the bound
// waits its turn for a while, then is asked to send again. Its multipart body is then copied to a
// temporary file, its fields (all but the files) held to defaultBodyLimit, and the handlers read
// the form from that file.
func (s *Server) receiveFiles(c *fiber.Ctx) error {
	addr := clientAddress(c)
	wait := time.NewTimer(s.cfg.UploadWait)
	defer wait.Stop()
	if !s.bodies.uploads.take(addr, s.cfg.UploadWait) {
		c.Context().SetConnectionClose()
		return fiber.NewError(fiber.StatusServiceUnavailable, uploadsBusy)
	}
	defer s.bodies.uploads.give(addr)
	// A free place wins over a wait that ran out while the address's own place was awaited.
	select {
	case s.uploading <- struct{}{}:
	default:
		select {
		case s.uploading <- struct{}{}:
		case <-wait.C:
			c.Context().SetConnectionClose()
			return fiber.NewError(fiber.StatusServiceUnavailable, uploadsBusy)
		}
	}
	defer func() { <-s.uploading }()
	body := &silenceReader{r: c.Context().RequestBodyStream(), conn: c.Context().Conn(),
		silence: s.cfg.UploadSilence, end: time.Now().Add(uploadReadTime)}
	boundary := string(c.Request().Header.MultipartFormBoundary())
	spooled, err := files.Spool(body, boundary, int64(c.Request().Header.ContentLength()), defaultBodyLimit, spoolInMemory)
	switch {
	case errors.Is(err, files.ErrFields):
		c.Context().SetConnectionClose()
		return fiber.ErrRequestEntityTooLarge
	case errors.Is(err, files.ErrUnreadable):
		c.Context().SetConnectionClose()
		return badRequest(s.i18n.Translator(langOf(c)).T("error_form_unreadable"))
	case err != nil:
		return err
	}
	// Received whole, the body waits on disk (or, small, in memory) for the files it carries
	// to have room in memory until they are stored.
	storing := min(spooled.Size, storingBudget)
	ctx, cancel := context.WithTimeout(c.UserContext(), s.cfg.UploadWait)
	defer cancel()
	if err := s.bodies.storing.Acquire(ctx, storing); err != nil {
		spooled.Remove()
		c.Context().SetConnectionClose()
		return fiber.NewError(fiber.StatusServiceUnavailable, uploadsBusy)
	}
	defer s.bodies.storing.Release(storing)
	// fasthttp neither closes nor removes a body stream it was given. It reads a form from a
	// stream with files over 8 KB in temporary files; a body held in memory is read from memory.
	defer spooled.Remove()
	if body, ok := spooled.InMemory(); ok {
		c.Request().SetBodyRaw(body)
	} else {
		c.Request().SetBodyStream(spooled, int(spooled.Size))
	}
	return c.Next()
}

// silenceReader reads a body from a connection that may stay silent for at most silence at a
// time, and must have sent everything by end: an upload that stops gives its place back soon,
// one that trickles on slowly gets no longer than a whole upload may take.
type silenceReader struct {
	r       io.Reader
	conn    net.Conn
	silence time.Duration
	end     time.Time
}

func (s *silenceReader) Read(p []byte) (int, error) {
	deadline := time.Now().Add(s.silence)
	if deadline.After(s.end) {
		deadline = s.end
	}
	if err := s.conn.SetReadDeadline(deadline); err != nil {
		return 0, err
	}
	return s.r.Read(p)
}
