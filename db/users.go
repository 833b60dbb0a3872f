package db

import (
	"context"
	"database/sql"
	"errors"
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

// UserByEmail is the user with that email and their password hash.
func (s *Store) UserByEmail(ctx context.Context, email string) (school.User, string, error) {
	var u school.User
	var hash string
	err := s.reader.QueryRowContext(ctx, `SELECT id, email, name, role, password_hash, `+hasSecondFactor+`, session_generation
		FROM users WHERE email = ?`, strings.TrimSpace(email)).Scan(&u.ID, &u.Email, &u.Name, &u.Role, &hash, &u.SecondFactor,
		&u.SessionGeneration)
	if errors.Is(err, sql.ErrNoRows) {
		return u, "", ErrNotFound
	}
	if err != nil {
		return u, "", fmt.Errorf("db: user %s: %w", email, err)
	}
	return u, hash, nil
}

// hasSecondFactor is a column of users: whether the user's second factor is set up.
const hasSecondFactor = `EXISTS (SELECT 1 FROM second_factors f WHERE f.user_id = users.id
	AND f.confirmed_at IS NOT NULL)`

// User is the user with the given id.
func (s *Store) User(ctx context.Context, id int64) (school.User, error) {
	var u school.User
	err := s.reader.QueryRowContext(ctx, `SELECT id, email, name, role, `+hasSecondFactor+`, session_generation
		FROM users WHERE id = ?`, id).Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.SecondFactor, &u.SessionGeneration)
	if errors.Is(err, sql.ErrNoRows) {
		return u, ErrNotFound
	}
	if err != nil {
		return u, fmt.Errorf("db: user %d: %w", id, err)
	}
	return u, nil
}

// Users lists every back-office user by email.
func (s *Store) Users(ctx context.Context) ([]school.User, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT id, email, name, role, `+hasSecondFactor+`
		FROM users ORDER BY email`)
	if err != nil {
		return nil, fmt.Errorf("db: users: %w", err)
	}
	defer rows.Close()
	var users []school.User
	for rows.Next() {
		var u school.User
		if err := rows.Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.SecondFactor); err != nil {
			return nil, fmt.Errorf("db: users: %w", err)
		}
		users = append(users, u)
	}
	return users, rows.Err()
}

// AssignStaff gives a reviewer or an organiser an edition: reviewers see only the editions they
// are assigned to; an organiser assigned to any runs only those.
func (s *Store) AssignStaff(ctx context.Context, userID, editionID int64) error {
	_, err := s.writer.ExecContext(ctx, `INSERT OR IGNORE INTO edition_staff (user_id, edition_id)
		VALUES (?, ?)`, userID, editionID)
	if err != nil {
		return fmt.Errorf("db: assign staff: %w", err)
	}
	return nil
}

// StaffEditions lists the ids of the editions a user is assigned to.
func (s *Store) StaffEditions(ctx context.Context, userID int64) ([]int64, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT edition_id FROM edition_staff WHERE user_id = ?`, userID)
	if err != nil {
		return nil, fmt.Errorf("db: staff editions: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("db: staff editions: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
