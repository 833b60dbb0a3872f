package app

import (
	"io"
	"time"

	"github.com/gofiber/fiber/v2"
)

// Request bodies are streamed (fiber.Config StreamRequestBody): fasthttp hands a request to the
// handlers once its head has arrived, and the body is read only as far as a handler reads it.
// Every request may send at most defaultBodyLimit; the routes that take files more. A request
// that declares more than its route's limit is refused before any of its body is read.
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

// takeFiles raises the body limit of a route that takes files and bounds how many such requests
// are read at once: one over the bound waits its turn for a while, then is asked to send again.
// It comes before limitBody, which enforces the limit.
func (s *Server) takeFiles(limit int) fiber.Handler {
	return func(c *fiber.Ctx) error {
		c.Locals(localsBodyLimit, limit)
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
		return c.Next()
	}
}

// uploadsBusy marks the 503 of takeFiles, which the error page explains.
const uploadsBusy = "uploads busy"

// limitBody refuses a body larger than the route's limit, of unknown length (chunked), or
// compressed, before reading it: no browser sends a form chunked or compressed, and a compressed
// body could unpack to any size. After the handlers, what they left unread is dropped, or the
// connection closed when that is much.
func (s *Server) limitBody(c *fiber.Ctx) error {
	limit, ok := c.Locals(localsBodyLimit).(int)
	if !ok {
		limit = defaultBodyLimit
	}
	h := &c.Request().Header
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
	}
	err := c.Next()
	if body := c.Context().RequestBodyStream(); body != nil {
		if n, _ := io.CopyN(io.Discard, body, bodyDrain); n == bodyDrain {
			c.Context().SetConnectionClose()
		}
	}
	return err
}
