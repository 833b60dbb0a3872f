package db

import (
	"context"
	"fmt"
	"strings"

	"registrar/app/school"
)

// CreateUser stores a back-office user with an already hashed password and returns its id.
func (s *Store) CreateUser(ctx context.Context, u school.User, passwordHash string) (int64, error) {
	res, err := s.writer.ExecContext(ctx, `INSERT INTO users (email, name, role, password_hash)
		VALUES (?, ?, ?, ?)`, strings.TrimSpace(u.Email), u.Name, u.Role, passwordHash)
	if err != nil {
		return 0, fmt.Errorf("db: create user %s: %w", u.Email, err)
	}
	return res.LastInsertId()
}
