package app

import (
	"errors"
	"log/slog"

	"github.com/gofiber/fiber/v2"

	"registrar/db"
)

// errorPage is what the error template shows.
type errorPage struct {
	Status  int
	Heading string
	Message string
	// LostLink offers a new status link, on the page of a status link that opens nothing.
	LostLink bool
}

// badRequest is a 400 whose message the person is shown, already translated.
func badRequest(message string) error {
	return fiber.NewError(fiber.StatusBadRequest, message)
}

// handleError is the one place errors become responses: not found → 404, a client error → its
// status with its message, anything else → 500 with the request id, which is also logged.
func (s *Server) handleError(c *fiber.Ctx, err error) error {
	status := fiber.StatusInternalServerError
	var fe *fiber.Error
	switch {
	case errors.Is(err, db.ErrNotFound):
		status = fiber.StatusNotFound
	case errors.As(err, &fe):
		status = fe.Code
	}
	p := s.newPage(c, "", "", nil)
	p.Public = nil // an error is no page to find
	e := errorPage{Status: status}
	switch {
	case errors.Is(err, errUnknownLink):
		e.Heading, e.Message, e.LostLink = p.L.T("error_link_heading"), p.L.T("error_link_message"), true
	case status == fiber.StatusNotFound:
		e.Heading, e.Message = p.L.T("error_404_heading"), p.L.T("error_404_message")
	case status == fiber.StatusTooManyRequests:
		e.Heading, e.Message = p.L.T("error_429_heading"), p.L.T("error_429_message")
	case status == fiber.StatusRequestEntityTooLarge:
		e.Heading, e.Message = p.L.T("error_400_heading"), p.L.T("error_413_message")
	case status == fiber.StatusLengthRequired:
		e.Heading, e.Message = p.L.T("error_400_heading"), p.L.T("error_411_message")
	case status == fiber.StatusUnsupportedMediaType:
		e.Heading, e.Message = p.L.T("error_400_heading"), p.L.T("error_415_message")
	case status == fiber.StatusServiceUnavailable && fe != nil && fe.Message == uploadsBusy:
		e.Heading, e.Message = p.L.T("error_503_heading"), p.L.T("error_503_uploads")
	case status == fiber.StatusServiceUnavailable && fe != nil && fe.Message == formsBusy:
		e.Heading, e.Message = p.L.T("error_503_heading"), p.L.T("error_503_forms")
	case status == fiber.StatusServiceUnavailable && fe != nil && fe.Message == diskLow:
		e.Heading, e.Message = p.L.T("error_503_disk_heading"), p.L.T("error_503_disk")
	case status == fiber.StatusConflict:
		e.Heading, e.Message = p.L.T("error_409_heading"), fe.Message
	case status == fiber.StatusForbidden && fe != nil && fe.Message == csrfFailed:
		e.Heading, e.Message = p.L.T("error_403_heading"), p.L.T("error_403_message")
	case status == fiber.StatusForbidden:
		e.Heading, e.Message = p.L.T("error_403_heading"), p.L.T("error_403_role")
	case status >= 500:
		s.log.Error("request failed", slog.String("request_id", requestID(c)),
			slog.String("path", loggedPath(c.Path())), slog.Any("error", err))
		e.Heading, e.Message = p.L.T("error_500_heading"), p.L.T("error_500_message")
	default:
		e.Heading, e.Message = p.L.T("error_400_heading"), fe.Message
	}
	p.Title, p.Data = e.Heading, e
	if rerr := s.renderStatus(c, status, "errors/error", p); rerr != nil {
		s.log.Error("error page failed", slog.String("request_id", requestID(c)), slog.Any("error", rerr))
		return c.Status(status).SendString(e.Heading + " (" + requestID(c) + ")")
	}
	return nil
}
