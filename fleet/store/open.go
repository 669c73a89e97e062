package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite" // the "sqlite" database/sql driver, pure Go
)

// DefaultPath is the SQLite file used when no database is named: fleet.db
// under the user's data directory ($XDG_DATA_HOME/vigil, else
// ~/.local/share/vigil).
func DefaultPath(getenv func(string) string) (string, error) {
	if d := getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "vigil", "fleet.db"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("no data directory for the fleet database (%w): name one with --db sqlite:PATH", err)
	}
	return filepath.Join(home, ".local", "share", "vigil", "fleet.db"), nil
}

// Conn is an open fleet database: the Store, and for Postgres the pgx
// pool River runs on.
type Conn struct {
	*Store
	// Pool is the Postgres pool (nil for SQLite).
	Pool *pgxpool.Pool
	// Where names the database without credentials.
	Where string
}

// Close closes the database.
func (c *Conn) Close() error {
	err := c.db.Close()
	if c.Pool != nil {
		c.Pool.Close()
	}
	return err
}

// Open opens a database named by URL: "sqlite:PATH" (created with its
// directory when missing) or "postgres://…" / "postgresql://…". It checks
// that the database answers, but does not migrate.
func Open(ctx context.Context, url string) (*Conn, error) {
	switch {
	case strings.HasPrefix(url, "postgres://"), strings.HasPrefix(url, "postgresql://"):
		return openPostgres(ctx, url)
	case strings.HasPrefix(url, "sqlite:"):
		return openSQLite(ctx, strings.TrimPrefix(strings.TrimPrefix(url, "sqlite:"), "//"))
	}
	return nil, fmt.Errorf("database %q: want sqlite:PATH or postgres://USER@HOST/DB", redactDSN(url))
}

func openSQLite(ctx context.Context, path string) (*Conn, error) {
	if path == "" {
		return nil, errors.New("database sqlite: needs a path (sqlite:/var/lib/vigil/fleet.db)")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("database %s: %w", path, err)
	}
	// One connection: SQLite has one writer at a time, and River's SQLite
	// driver asks for it. WAL lets 'vigil fleet status' read while a
	// run writes; the busy timeout makes the other process wait.
	dsn := "file:" + path + "?_pragma=busy_timeout(30000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("database %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("database %s: %w", path, err)
	}
	return &Conn{Store: New(db, SQLite), Where: "sqlite:" + path}, nil
}

func openPostgres(ctx context.Context, url string) (*Conn, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("database %s: %w", redactDSN(url), err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("database %s: %w", redactDSN(url), err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("database %s: %w", redactDSN(url), err)
	}
	db := stdlib.OpenDBFromPool(pool)
	return &Conn{Store: New(db, Postgres), Pool: pool, Where: redactDSN(url)}, nil
}

// redactDSN hides the password of a database URL.
func redactDSN(url string) string {
	scheme, rest, ok := strings.Cut(url, "://")
	if !ok {
		return url
	}
	at := strings.LastIndex(rest, "@")
	if at < 0 {
		return url
	}
	user, _, _ := strings.Cut(rest[:at], ":")
	return scheme + "://" + user + ":xxxxx" + rest[at:]
}
