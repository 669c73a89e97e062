package store

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
)

// TestMigrationVersions: two branches that numbered their migrations
// alike are told when merged, rather than one being left out; a dialect's
// own file replaces the shared one; a gap is refused.
func TestMigrationVersions(t *testing.T) {
	file := func(sql string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(sql)} }
	for _, tc := range []struct {
		name  string
		files fstest.MapFS
		want  string // the error, or the SQL of version 2
	}{
		{"same version twice", fstest.MapFS{"migrations/0001_a.sql": file("a"), "migrations/0002_b.sql": file("b"), "migrations/0002_c.sql": file("c")},
			"migrations 0002_b.sql and 0002_c.sql have the same version"},
		{"same version, one per dialect", fstest.MapFS{"migrations/0001_a.sql": file("a"), "migrations/0002_b.sql": file("b"), "migrations/0002_c.sqlite.sql": file("c")},
			"migrations 0002_b.sql and 0002_c.sqlite.sql have the same version"},
		{"dialect file wins", fstest.MapFS{"migrations/0001_a.sql": file("a"), "migrations/0002_b.sql": file("b"), "migrations/0002_b.sqlite.sql": file("b-sqlite")},
			"b-sqlite"},
		{"gap", fstest.MapFS{"migrations/0001_a.sql": file("a"), "migrations/0003_c.sql": file("c")}, "migration 2 is missing"},
	} {
		ms, err := migrationsIn(tc.files, SQLite)
		got := ""
		if err != nil {
			got = err.Error()
		} else if len(ms) > 1 {
			got = ms[1].SQL
		}
		if !strings.Contains(got, tc.want) {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
	if _, err := Migrations(Postgres); err != nil {
		t.Errorf("the built-in migrations: %v", err)
	}
}

// TestMigrateConcurrently: processes that open one new database at once
// ('vigil fleet run' and a 'vigil fleet status' beside it, or workers
// starting together) all migrate it, one after the other, rather than one
// failing (SQLite: SQLITE_BUSY; Postgres: a duplicate pg_type row).
func TestMigrateConcurrently(t *testing.T) {
	run := func(t *testing.T, url string) {
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for range 8 {
			wg.Go(func() {
				c, err := Open(context.Background(), url)
				if err != nil {
					errs <- err
					return
				}
				defer c.Close()
				if _, err := c.Migrate(context.Background()); err != nil {
					errs <- err
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
	}
	t.Run("sqlite", func(t *testing.T) { run(t, "sqlite:"+filepath.Join(t.TempDir(), "fleet.db")) })
	t.Run("postgres", func(t *testing.T) {
		for range 3 {
			run(t, postgres.Get(t).NewDatabase(t))
		}
	})
}
