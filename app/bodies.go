package app

import (
	"errors"
	"io"
	"os"
	"time"

	"github.com/gofiber/fiber/v2"

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
	// uploadReadTime is how long a request that takes files has to send its body once its turn
	// has come, instead of the server's 30 s read timeout: 40 MB at 350 KB/s.
	uploadReadTime = 2 * time.Minute
	// bodyDrain is how much of a body left unread is read and dropped, so the connection can
	// carry the next request; past it the connection is closed instead.
	bodyDrain = 64 << 10
)

const localsBodyLimit = "bodyLimit"

// takeFiles marks a route that takes files, with its body limit; limitBody, which comes after
// it, does the rest.
func takeFiles(limit int) fiber.Handler {
	return func(c *fiber.Ctx) error {
		c.Locals(localsBodyLimit, limit)
		return c.Next()
	}
}

// uploadsBusy marks the 503 of a request that waited too long for its turn to send files.
const uploadsBusy = "uploads busy"

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
	}
	err := c.Next()
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
	wait := time.NewTimer(s.cfg.UploadWait)
	defer wait.Stop()
	select {
	case s.uploading <- struct{}{}:
	case <-wait.C:
		c.Context().SetConnectionClose()
		return fiber.NewError(fiber.StatusServiceUnavailable, uploadsBusy)
	}
	defer func() { <-s.uploading }()
	if err := c.Context().Conn().SetReadDeadline(time.Now().Add(uploadReadTime)); err != nil {
		return err
	}
	boundary := string(c.Request().Header.MultipartFormBoundary())
	f, n, err := files.Spool(c.Context().RequestBodyStream(), boundary, defaultBodyLimit)
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
	// fasthttp neither closes nor removes a body stream it was given.
	defer func() {
		f.Close()
		os.Remove(f.Name())
	}()
	c.Request().SetBodyStream(f, int(n))
	return c.Next()
}
