// Package store is the fleet's database: the repositories it watches and
// their scan state, one incident per distinct secret across the fleet with
// its occurrences, the verification history, a status with a reason and an
// audit trail of every change, and the notifications sent.
//
// The same schema runs on SQLite (one process, the default) and Postgres
// (many workers); schema changes are versioned migrations (see Migrate).
// The store never holds a secret in clear: an incident keeps the
// credential's fingerprint and a redacted preview, and each occurrence
// says where the secret lives (blob and byte span) so that a worker can
// read it again from its mirror.
//
// Incidents are updated with optimistic concurrency: every change bumps
// Incident.Version, and a Transition made against an older version fails
// with ErrConflict, so the later of two editors is told.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Dialect is the database kind.
type Dialect string

// The databases the store runs on.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Errors callers tell apart.
var (
	// ErrNotFound: no row with that id.
	ErrNotFound = errors.New("not found")
	// ErrConflict: the incident changed since the version the caller
	// read; read it again and decide.
	ErrConflict = errors.New("the incident was changed by someone else meanwhile")
	// ErrTransition: the status change is not allowed, or lacks a
	// reason it needs.
	ErrTransition = errors.New("status change not allowed")
	// ErrTipsMoved: another scan recorded results for the repository
	// since this one read its scan state.
	ErrTipsMoved = errors.New("the repository's scan state changed during the scan")
)

// Store is the fleet database. It is safe for concurrent use.
type Store struct {
	db      *sql.DB
	dialect Dialect
	now     func() time.Time
}

// New wraps an open database of the given dialect. Call Migrate before
// anything else.
func New(db *sql.DB, d Dialect) *Store {
	return &Store{db: db, dialect: d, now: time.Now}
}

// DB is the underlying database (River shares it).
func (s *Store) DB() *sql.DB { return s.db }

// Dialect says which database this is.
func (s *Store) Dialect() Dialect { return s.dialect }

// SetClock replaces the clock (tests).
func (s *Store) SetClock(now func() time.Time) { s.now = now }

func (s *Store) nowMS() int64 { return s.now().UnixMilli() }

// q rewrites a query written with ? placeholders for the dialect.
func (s *Store) q(query string) string {
	if s.dialect != Postgres {
		return query
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteByte(query[i])
	}
	return b.String()
}

// querier is a *sql.DB or a *sql.Tx.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// tx runs fn in a transaction, committing when it returns nil.
func (s *Store) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// ms converts a time to the stored form (nil for the zero time).
func ms(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMilli()
}

// fromMS reads a stored time.
func fromMS(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return time.UnixMilli(v.Int64).UTC()
}

// placeholders returns "?, ?, …" for n values.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}
