// Package pgtest gives tests a real Postgres: the server named by
// VIGIL_TEST_POSTGRES, or else a throwaway cluster of its own (initdb in a
// temporary directory, listening on a unix socket only), removed when the
// test ends. Without Postgres installed the test skips, or fails under
// VIGIL_TEST_STRICT=1.
//
// Postgres refuses to run as root. When the test runs as root (as CI
// does), the cluster is created and run as the "postgres" user that
// Debian's package adds; the test process still connects over the socket.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/vigilsec/vigil/internal/testenv"
)

// EnvURL names the variable holding a Postgres URL to use instead of a
// throwaway cluster. Each test gets its own database in it.
const EnvURL = "VIGIL_TEST_POSTGRES"

// Cluster is a running Postgres.
type Cluster struct {
	// admin is a URL with rights to create databases.
	admin string
	n     atomic.Int64
	dir   string
	bin   string
	cred  *syscall.Credential
	data  string
}

// binDir finds Postgres's programs: on PATH, or under
// /usr/lib/postgresql/VERSION/bin where Debian puts them.
func binDir() string {
	if p, err := exec.LookPath("initdb"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			return filepath.Dir(real)
		}
		return filepath.Dir(p)
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(matches) == 0 {
		return ""
	}
	return filepath.Dir(matches[len(matches)-1])
}

// Start returns a Postgres for one test, stopped when it ends (see
// Launch for one shared by a package's tests).
func Start(t testing.TB) *Cluster {
	t.Helper()
	c, err := Launch()
	if err != nil {
		need(t, err)
	}
	t.Cleanup(c.Stop)
	return c
}

// errMissing says Postgres is not installed.
var errMissing = errors.New("Postgres is not installed (apt-get install postgresql, or run .ci/run), and " + EnvURL + " is not set")

// need skips the test, or fails it under VIGIL_TEST_STRICT=1, when err
// says Postgres is missing; other errors fail it.
func need(t testing.TB, err error) {
	t.Helper()
	if errors.Is(err, errMissing) && !testenv.Strict() {
		t.Skip("skipping: " + err.Error())
	}
	t.Fatal(err)
}

// Launch starts a Postgres (or returns the one VIGIL_TEST_POSTGRES names);
// Stop ends it. A package's TestMain can share one among its tests.
func Launch() (*Cluster, error) {
	if u := os.Getenv(EnvURL); u != "" {
		return &Cluster{admin: u}, nil
	}
	bin := binDir()
	if bin == "" {
		return nil, errMissing
	}
	c := &Cluster{bin: bin}
	base, err := os.MkdirTemp("", "vigil-pg-")
	if err != nil {
		return nil, err
	}
	c.dir = base
	c.data = filepath.Join(base, "data")
	if err := c.init(); err != nil {
		os.RemoveAll(base)
		return nil, err
	}
	c.admin = "postgres:///postgres?host=" + base + "&user=postgres&sslmode=disable"
	return c, nil
}

func (c *Cluster) init() error {
	if err := os.Mkdir(c.data, 0o700); err != nil {
		return err
	}
	if os.Geteuid() == 0 {
		cred, err := postgresUser()
		if err != nil {
			return err
		}
		c.cred = cred
		if err := os.Chmod(c.dir, 0o755); err != nil {
			return err
		}
		for _, d := range []string{c.dir, c.data} {
			if err := os.Chown(d, int(cred.Uid), int(cred.Gid)); err != nil {
				return err
			}
		}
	}
	if out, err := c.run("initdb", "-D", c.data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"); err != nil {
		return fmt.Errorf("initdb: %v\n%s", err, out)
	}
	opts := fmt.Sprintf("-c listen_addresses='' -c unix_socket_directories=%s -c fsync=off -c full_page_writes=off -c max_connections=200 -c synchronous_commit=off", c.dir)
	if _, err := c.run("pg_ctl", "-D", c.data, "-o", opts, "-l", filepath.Join(c.dir, "log"), "-w", "-t", "60", "start"); err != nil {
		log, _ := os.ReadFile(filepath.Join(c.dir, "log"))
		return fmt.Errorf("pg_ctl start: %v\n%s", err, log)
	}
	return nil
}

// Stop stops a cluster Launch started and removes it.
func (c *Cluster) Stop() {
	if c.dir == "" {
		return
	}
	_, _ = c.run("pg_ctl", "-D", c.data, "-m", "immediate", "-w", "stop")
	os.RemoveAll(c.dir)
}

// postgresUser is the unprivileged user to run Postgres as under root.
func postgresUser() (*syscall.Credential, error) {
	u, err := user.Lookup("postgres")
	if err != nil {
		u, err = user.Lookup("nobody")
	}
	if err != nil {
		return nil, fmt.Errorf("running as root, and no postgres or nobody user to run Postgres as: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

func (c *Cluster) run(prog string, args ...string) ([]byte, error) {
	cmd := exec.Command(filepath.Join(c.bin, prog), args...)
	cmd.Dir = c.dir
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	if c.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
	}
	if prog == "pg_ctl" {
		// pg_ctl's server keeps its output file open: don't wait on it.
		cmd.Stdout, cmd.Stderr = nil, nil
		err := cmd.Run()
		return nil, err
	}
	return cmd.CombinedOutput()
}

// NewDatabase creates an empty database for the test t and returns its
// URL; the database is dropped when the test ends.
func (c *Cluster) NewDatabase(t testing.TB) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, c.admin)
	if err != nil {
		t.Fatalf("connect to Postgres: %v", err)
	}
	defer conn.Close(ctx)
	name := fmt.Sprintf("vigil_test_%d_%d", os.Getpid(), c.n.Add(1))
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if conn, err := pgx.Connect(ctx, c.admin); err == nil {
			_, _ = conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			conn.Close(ctx)
		}
	})
	return withDatabase(c.admin, name)
}

// withDatabase replaces the database of a Postgres URL.
func withDatabase(u, name string) string {
	scheme, rest, _ := strings.Cut(u, "://")
	query := ""
	if i := strings.IndexByte(rest, '?'); i >= 0 {
		rest, query = rest[:i], rest[i:]
	}
	host := rest
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		host = rest[:i]
	}
	return scheme + "://" + host + "/" + name + query
}

// Shared starts one Postgres for a package's tests on first use; the
// package's TestMain stops it (see Main).
type Shared struct {
	once sync.Once
	c    *Cluster
	err  error
}

// Get returns the shared cluster, starting it the first time.
func (s *Shared) Get(t testing.TB) *Cluster {
	t.Helper()
	s.once.Do(func() { s.c, s.err = Launch() })
	if s.err != nil {
		need(t, s.err)
	}
	return s.c
}

// Stop stops the shared cluster if it was started.
func (s *Shared) Stop() {
	if s.c != nil {
		s.c.Stop()
	}
}
