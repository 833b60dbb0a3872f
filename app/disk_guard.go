package app

import (
	"context"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"

	"registrar/app/ops"
	"registrar/app/school"
)

// diskLow marks the 503 of a request refused because the data folder's disk is nearly full, or
// because the web state (CSRF tokens) could not be written: what the applicant sent was not kept.
const diskLow = "disk low"

// diskCheckEvery is how old the last look at the disk may be: a look is one statfs call.
const diskCheckEvery = 5 * time.Second

// refuseWhenDiskLow refuses new applications and uploads while the disk is below its threshold,
// before their bodies are read; every page that only reads keeps working.
func (s *Server) refuseWhenDiskLow(c *fiber.Ctx) error {
	if s.disk.State().Low {
		c.Context().SetConnectionClose() // the body is not read
		return fiber.NewError(fiber.StatusServiceUnavailable, diskLow)
	}
	return c.Next()
}

// Disk watches the data folder's disk; the caller runs it.
func (s *Server) Disk() *ops.DiskWatch { return s.disk }

// tellAdminsDiskLow emails every admin once when the disk turns low. The outbox is a table on
// that same disk, but the threshold keeps room for it; when even that fails, the email is sent
// at once, past the outbox, and the log says so either way.
func (s *Server) tellAdminsDiskLow(st ops.DiskState) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s.log.Error("the data folder's disk is nearly full: new applications and uploads are refused",
		slog.String("folder", s.cfg.DataDir), slog.Uint64("free_bytes", st.Free),
		slog.Uint64("min_free_bytes", st.Min), slog.Any("error", st.Err))
	users, err := s.store.Users(ctx)
	if err != nil {
		s.log.Error("disk low: cannot list the admins to tell", slog.Any("error", err))
		return
	}
	for _, u := range users {
		if u.Role != school.RoleAdmin {
			continue
		}
		m := s.emails.DiskLow(u.Email, st, s.cfg.DataDir, s.cfg.Ops.MinFreeDisk.String())
		err := s.store.QueueEmail(ctx, m, 0, s.now())
		if err == nil {
			s.outbox.Wake()
			continue
		}
		s.log.Error("disk low: the outbox could not take the admins' email; sending it at once",
			slog.String("to", u.Email), slog.Any("error", err))
		if err := s.outbox.SendNow(ctx, m); err != nil {
			s.log.Error("disk low: the admins' email could not be sent", slog.String("to", u.Email), slog.Any("error", err))
		}
	}
}

// staffSeesDiskLow tells whether the page goes to a signed-in staff member while the disk is low.
func (s *Server) staffSeesDiskLow(c *fiber.Ctx) bool {
	if _, ok := c.Locals(localsUser).(school.User); !ok {
		return false
	}
	return s.disk.State().Low
}
