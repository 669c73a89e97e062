package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrExists: a row with that name is already stored.
var ErrExists = errors.New("already exists")

// Roles of the console's users, each allowed what the one before it is.
const (
	RoleViewer = "viewer" // reads everything but secrets (never shown)
	RoleMember = "member" // triages: acknowledge, resolve, ignore, re-verify, scan
	RoleAdmin  = "admin"  // rotates credentials, manages users and the fleet
)

// Roles lists the roles, least allowed first.
func Roles() []string { return []string{RoleViewer, RoleMember, RoleAdmin} }

// RoleRank orders roles (0 for an unknown one).
func RoleRank(role string) int {
	for i, r := range Roles() {
		if r == role {
			return i + 1
		}
	}
	return 0
}

// User is a person who signs in to the console.
type User struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	Role string `json:"role"`
	// PasswordHash is the argon2id hash (PHC string) of the password.
	PasswordHash string    `json:"-"`
	Disabled     bool      `json:"disabled"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

const userColumns = "id, name, role, password_hash, disabled, created_at, updated_at"

func scanUser(row interface{ Scan(...any) error }) (User, error) {
	var u User
	var created, updated sql.NullInt64
	err := row.Scan(&u.ID, &u.Name, &u.Role, &u.PasswordHash, &u.Disabled, &created, &updated)
	u.CreatedAt, u.UpdatedAt = fromMS(created), fromMS(updated)
	return u, err
}

// AddUser stores a new user; a name already taken is ErrExists.
func (s *Store) AddUser(ctx context.Context, name, role, passwordHash string) (User, error) {
	if RoleRank(role) == 0 {
		return User{}, fmt.Errorf("role %q: want viewer, member or admin", role)
	}
	var id int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, s.q("SELECT COUNT(*) FROM console_users WHERE name = ?"), name).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("user %q: %w", name, ErrExists)
		}
		now := s.nowMS()
		return tx.QueryRowContext(ctx, s.q("INSERT INTO console_users (name, role, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?) RETURNING id"),
			name, role, passwordHash, now, now).Scan(&id)
	})
	if err != nil {
		if isUniqueViolation(err) {
			return User{}, fmt.Errorf("user %q: %w", name, ErrExists)
		}
		return User{}, fmt.Errorf("add user %s: %w", name, err)
	}
	return s.User(ctx, id)
}

// isUniqueViolation recognises a unique constraint's error in either
// database (a race the check before the insert did not see).
func isUniqueViolation(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "UNIQUE constraint failed") || strings.Contains(msg, "duplicate key value")
}

// User returns a user by id.
func (s *Store) User(ctx context.Context, id int64) (User, error) {
	u, err := scanUser(s.db.QueryRowContext(ctx, s.q("SELECT "+userColumns+" FROM console_users WHERE id = ?"), id))
	if errors.Is(err, sql.ErrNoRows) {
		return u, fmt.Errorf("user %d: %w", id, ErrNotFound)
	}
	return u, err
}

// UserByName returns a user by name.
func (s *Store) UserByName(ctx context.Context, name string) (User, error) {
	u, err := scanUser(s.db.QueryRowContext(ctx, s.q("SELECT "+userColumns+" FROM console_users WHERE name = ?"), name))
	if errors.Is(err, sql.ErrNoRows) {
		return u, fmt.Errorf("user %q: %w", name, ErrNotFound)
	}
	return u, err
}

// Users lists every user by name.
func (s *Store) Users(ctx context.Context) ([]User, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT "+userColumns+" FROM console_users ORDER BY name")
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// UpdateUser changes a user's role and whether it may sign in; a user
// disabled is signed out everywhere and its API tokens stop working. The
// last enabled admin cannot be demoted or disabled.
func (s *Store) UpdateUser(ctx context.Context, id int64, role string, disabled bool) error {
	if RoleRank(role) == 0 {
		return fmt.Errorf("role %q: want viewer, member or admin", role)
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		var admins int
		if err := tx.QueryRowContext(ctx, s.q("SELECT COUNT(*) FROM console_users WHERE role = ? AND NOT disabled AND id <> ?"), RoleAdmin, id).Scan(&admins); err != nil {
			return err
		}
		if admins == 0 && (role != RoleAdmin || disabled) {
			return errors.New("this is the last admin: make another user admin first")
		}
		res, err := tx.ExecContext(ctx, s.q("UPDATE console_users SET role = ?, disabled = ?, updated_at = ? WHERE id = ?"), role, disabled, s.nowMS(), id)
		if err != nil {
			return fmt.Errorf("update user %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("user %d: %w", id, ErrNotFound)
		}
		if disabled {
			_, err = tx.ExecContext(ctx, s.q("DELETE FROM console_sessions WHERE user_id = ?"), id)
		}
		return err
	})
}

// SetPassword replaces a user's password hash and ends its sessions.
func (s *Store) SetPassword(ctx context.Context, id int64, passwordHash string) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q("UPDATE console_users SET password_hash = ?, updated_at = ? WHERE id = ?"), passwordHash, s.nowMS(), id)
		if err != nil {
			return fmt.Errorf("set password of user %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("user %d: %w", id, ErrNotFound)
		}
		_, err = tx.ExecContext(ctx, s.q("DELETE FROM console_sessions WHERE user_id = ?"), id)
		return err
	})
}

// CountUsers counts the users.
func (s *Store) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM console_users").Scan(&n)
	return n, err
}
