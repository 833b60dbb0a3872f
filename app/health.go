package app

import "github.com/gofiber/fiber/v2"

// showHealth answers 200 when the database answers, for load balancers and monitoring.
func (s *Server) showHealth(c *fiber.Ctx) error {
	if err := s.store.Ping(c.UserContext()); err != nil {
		s.log.Error("health check failed", "error", err)
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "unavailable"})
	}
	return c.JSON(fiber.Map{"status": "ok"})
}
