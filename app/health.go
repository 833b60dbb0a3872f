package app

import "github.com/gofiber/fiber/v2"

// showHealth answers 200 when the database answers, for load balancers and monitoring. A disk
// nearly full still answers 200, as every reading page still works, but says "degraded" and why.
func (s *Server) showHealth(c *fiber.Ctx) error {
	if err := s.store.Ping(c.UserContext()); err != nil {
		s.log.Error("health check failed", "error", err)
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "unavailable"})
	}
	disk := s.disk.State()
	answer := fiber.Map{"status": "ok", "disk": "ok", "disk_free_bytes": disk.Free, "disk_min_free_bytes": disk.Min}
	if disk.Low {
		answer["status"], answer["disk"] = "degraded", "low: new applications and uploads are refused"
	}
	replicationHealth(s.watch.Replication.State(c.UserContext()), answer)
	return c.JSON(answer)
}
