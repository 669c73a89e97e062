package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
)

// migrationFiles are the schema's versions: NNNN_name.sql for both
// databases ({{id}} becomes each one's auto-numbered primary key), or
// NNNN_name.sqlite.sql and NNNN_name.postgres.sql when they must differ.
// A later feature adds its tables with the next number; a version, once
// released, never changes.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migration is one version of the schema.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// Migrations returns the schema's versions for a dialect, oldest first.
func Migrations(d Dialect) ([]Migration, error) { return migrationsIn(migrationFiles, d) }

func migrationsIn(files fs.FS, d Dialect) ([]Migration, error) {
	names, err := fs.Glob(files, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	byVersion := map[int]Migration{}
	shared := map[int]string{}
	named := map[int]string{} // a version's name and the file that gave it
	for _, n := range names {
		base := path.Base(n)
		num, rest, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: want NNNN_name.sql", base)
		}
		rest = strings.TrimSuffix(rest, ".sql")
		name, only, specific := strings.Cut(rest, ".")
		if other, ok := named[v]; ok && !strings.HasPrefix(other, num+"_"+name+".") {
			// Two features numbered their tables alike, one of them
			// per dialect: the dialect's file must not silently
			// replace the other feature's.
			return nil, fmt.Errorf("migrations %s and %s have the same version: renumber one", other, base)
		}
		named[v] = base
		if specific && only != string(d) {
			continue
		}
		if !specific {
			if other, dup := shared[v]; dup {
				// Two features numbered their tables alike (branches
				// merged): one would be silently left out.
				return nil, fmt.Errorf("migrations %s and %s have the same version: renumber one", other, base)
			}
			shared[v] = base
		}
		if _, dup := byVersion[v]; dup && !specific {
			continue // a dialect's own file wins over the shared one
		}
		data, err := fs.ReadFile(files, n)
		if err != nil {
			return nil, err
		}
		byVersion[v] = Migration{Version: v, Name: name, SQL: expand(string(data), d)}
	}
	var out []Migration
	for _, m := range byVersion {
		out = append(out, m)
	}
	slices.SortFunc(out, func(a, b Migration) int { return a.Version - b.Version })
	for i, m := range out {
		if m.Version != i+1 {
			return nil, fmt.Errorf("migration %d is missing", i+1)
		}
	}
	return out, nil
}

func expand(sqlText string, d Dialect) string {
	id := "INTEGER PRIMARY KEY"
	if d == Postgres {
		id = "BIGSERIAL PRIMARY KEY"
	}
	return strings.ReplaceAll(sqlText, "{{id}}", id)
}

// migrationLock is the Postgres advisory lock that serialises migrations
// of workers starting at once ("vigil" in ASCII).
const migrationLock = 0x76696769

// Migrate brings the schema to the latest version, each version in its
// own transaction, and returns the version it ends at. Processes starting
// at the same time on one database take turns (see migrationTx).
func (s *Store) Migrate(ctx context.Context) (int, error) {
	ms, err := Migrations(s.dialect)
	if err != nil {
		return 0, err
	}
	// Under the lock too: two Postgres sessions creating the same table
	// at once fail on pg_type's unique index, IF NOT EXISTS or not.
	err = s.migrationTx(ctx, func(tx querier) error {
		_, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS vigil_schema_migrations (
	version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("migrate: %w", err)
	}
	current := 0
	for _, m := range ms {
		err := s.migrationTx(ctx, func(tx querier) error {
			var n int
			if err := tx.QueryRowContext(ctx, s.q("SELECT COUNT(*) FROM vigil_schema_migrations WHERE version = ?"), m.Version).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, s.q("INSERT INTO vigil_schema_migrations (version, name, applied_at) VALUES (?, ?, ?)"), m.Version, m.Name, s.nowMS())
			return err
		})
		if err != nil {
			return current, fmt.Errorf("migrate to version %d (%s): %w", m.Version, m.Name, err)
		}
		current = m.Version
	}
	var newest int
	if err := s.db.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM vigil_schema_migrations").Scan(&newest); err != nil {
		return current, fmt.Errorf("migrate: %w", err)
	}
	if newest > current {
		return newest, fmt.Errorf("the database's schema is version %d, newer than this vigil knows (%d): upgrade vigil", newest, current)
	}
	return current, nil
}

// migrationTx runs one version's migration in a transaction that holds
// the database's write lock from its start: on Postgres an advisory
// lock, on SQLite BEGIN IMMEDIATE (a deferred transaction that read
// first would fail at once with SQLITE_BUSY when another process — a
// 'vigil fleet status' started beside 'vigil fleet run' — migrated
// meanwhile; an immediate one waits for the busy timeout).
func (s *Store) migrationTx(ctx context.Context, fn func(querier) error) error {
	if s.dialect == Postgres {
		return s.tx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", migrationLock); err != nil {
				return err
			}
			return fn(tx)
		})
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(conn); err != nil {
		_, _ = conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
		return err
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		_, _ = conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}
