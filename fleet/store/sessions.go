package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Session is a signed-in browser. The store keeps the hash of its id,
// never the id the cookie carries.
type Session struct {
	IDHash string
	UserID int64
	// CSRF is the token every form of this session carries.
	CSRF      string
	CreatedAt time.Time
	LastSeen  time.Time
	ExpiresAt time.Time
}

// CreateSession stores a new session.
func (s *Store) CreateSession(ctx context.Context, se Session) error {
	_, err := s.db.ExecContext(ctx, s.q("INSERT INTO console_sessions (id_hash, user_id, csrf, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)"),
		se.IDHash, se.UserID, se.CSRF, se.CreatedAt.UnixMilli(), se.LastSeen.UnixMilli(), se.ExpiresAt.UnixMilli())
	if err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	return nil
}

// SessionUser returns a session and its user; an unknown session is
// ErrNotFound (expiry is the caller's to judge).
func (s *Store) SessionUser(ctx context.Context, idHash string) (Session, User, error) {
	var se Session
	var created, seen, expires sql.NullInt64
	u, err := scanUser(&multiScan{row: s.db.QueryRowContext(ctx, s.q(`SELECT u.id, u.name, u.role, u.password_hash, u.disabled, u.created_at, u.updated_at,
	se.id_hash, se.user_id, se.csrf, se.created_at, se.last_seen_at, se.expires_at
FROM console_sessions se JOIN console_users u ON u.id = se.user_id WHERE se.id_hash = ?`), idHash),
		extra: []any{&se.IDHash, &se.UserID, &se.CSRF, &created, &seen, &expires}})
	if errors.Is(err, sql.ErrNoRows) {
		return se, u, fmt.Errorf("session: %w", ErrNotFound)
	}
	se.CreatedAt, se.LastSeen, se.ExpiresAt = fromMS(created), fromMS(seen), fromMS(expires)
	return se, u, err
}

// multiScan appends more destinations to a row scan.
type multiScan struct {
	row   *sql.Row
	extra []any
}

func (m *multiScan) Scan(dest ...any) error { return m.row.Scan(append(dest, m.extra...)...) }

// TouchSession moves a session's last use and expiry.
func (s *Store) TouchSession(ctx context.Context, idHash string, seen, expires time.Time) error {
	_, err := s.db.ExecContext(ctx, s.q("UPDATE console_sessions SET last_seen_at = ?, expires_at = ? WHERE id_hash = ?"), seen.UnixMilli(), expires.UnixMilli(), idHash)
	return err
}

// DeleteSession ends a session.
func (s *Store) DeleteSession(ctx context.Context, idHash string) error {
	_, err := s.db.ExecContext(ctx, s.q("DELETE FROM console_sessions WHERE id_hash = ?"), idHash)
	return err
}

// DeleteExpiredSessions removes sessions expired before now.
func (s *Store) DeleteExpiredSessions(ctx context.Context, now time.Time) error {
	_, err := s.db.ExecContext(ctx, s.q("DELETE FROM console_sessions WHERE expires_at < ?"), now.UnixMilli())
	return err
}

// Token is an API token of a user. The store keeps its hash; the token
// itself is shown once, when it is created.
type Token struct {
	ID        int64     `json:"id"`
	UserID    int64     `json:"user_id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
	LastUsed  time.Time `json:"last_used_at,omitzero"`
	Revoked   time.Time `json:"revoked_at,omitzero"`
}

const tokenColumns = "t.id, t.user_id, t.name, t.created_at, t.last_used_at, t.revoked_at"

func scanToken(row interface{ Scan(...any) error }, extra ...any) (Token, error) {
	var t Token
	var created, used, revoked sql.NullInt64
	err := row.Scan(append([]any{&t.ID, &t.UserID, &t.Name, &created, &used, &revoked}, extra...)...)
	t.CreatedAt, t.LastUsed, t.Revoked = fromMS(created), fromMS(used), fromMS(revoked)
	return t, err
}

// AddToken stores a new token's hash for a user.
func (s *Store) AddToken(ctx context.Context, userID int64, name, hash string) (Token, error) {
	var id int64
	err := s.db.QueryRowContext(ctx, s.q("INSERT INTO console_tokens (user_id, name, hash, created_at) VALUES (?, ?, ?, ?) RETURNING id"),
		userID, name, hash, s.nowMS()).Scan(&id)
	if err != nil {
		return Token{}, fmt.Errorf("add token: %w", err)
	}
	return scanToken(s.db.QueryRowContext(ctx, s.q("SELECT "+tokenColumns+" FROM console_tokens t WHERE t.id = ?"), id))
}

// TokenUser returns an unrevoked token by its hash, and its user.
func (s *Store) TokenUser(ctx context.Context, hash string) (Token, User, error) {
	var u User
	var created, updated sql.NullInt64
	t, err := scanToken(s.db.QueryRowContext(ctx, s.q("SELECT "+tokenColumns+`, u.id, u.name, u.role, u.password_hash, u.disabled, u.created_at, u.updated_at
FROM console_tokens t JOIN console_users u ON u.id = t.user_id WHERE t.hash = ? AND t.revoked_at IS NULL`), hash),
		&u.ID, &u.Name, &u.Role, &u.PasswordHash, &u.Disabled, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return t, u, fmt.Errorf("token: %w", ErrNotFound)
	}
	u.CreatedAt, u.UpdatedAt = fromMS(created), fromMS(updated)
	return t, u, err
}

// TouchToken records a token's use.
func (s *Store) TouchToken(ctx context.Context, id int64) error {
	_, err := s.db.ExecContext(ctx, s.q("UPDATE console_tokens SET last_used_at = ? WHERE id = ?"), s.nowMS(), id)
	return err
}

// Tokens lists a user's tokens (0: every user's), newest first.
func (s *Store) Tokens(ctx context.Context, userID int64) ([]Token, error) {
	query, args := "SELECT "+tokenColumns+" FROM console_tokens t", []any{}
	if userID != 0 {
		query += " WHERE t.user_id = ?"
		args = append(args, userID)
	}
	rows, err := s.db.QueryContext(ctx, s.q(query+" ORDER BY t.id DESC"), args...)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	defer rows.Close()
	var out []Token
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeToken stops a token of a user (0: of any user) from working.
func (s *Store) RevokeToken(ctx context.Context, id, userID int64) error {
	query, args := "UPDATE console_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", []any{s.nowMS(), id}
	if userID != 0 {
		query += " AND user_id = ?"
		args = append(args, userID)
	}
	res, err := s.db.ExecContext(ctx, s.q(query), args...)
	if err != nil {
		return fmt.Errorf("revoke token %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("token %d: %w", id, ErrNotFound)
	}
	return nil
}
