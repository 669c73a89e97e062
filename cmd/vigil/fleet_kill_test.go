package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigilsec/vigil/fleet/store"
	"github.com/vigilsec/vigil/internal/fakecred"
	"github.com/vigilsec/vigil/internal/githttp"
	"github.com/vigilsec/vigil/internal/gittest"
	"github.com/vigilsec/vigil/internal/pgtest"
)

// startFleetProc runs this test binary as vigil with args, its output in
// the returned buffer.
func startFleetProc(t *testing.T, dir string, env []string, args ...string) (*exec.Cmd, *syncBuffer) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "VIGIL_TEST_AS_VIGIL=1", "XDG_CACHE_HOME="+filepath.Join(dir, "cache")), env...)
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	return cmd, out
}

// TestFleetWorkerKilledMidScan runs two workers on one Postgres, kills
// the one scanning (after it read the repository, before it stored
// anything), and checks that the other finishes the job: every secret
// found once, no occurrence lost or doubled.
func TestFleetWorkerKilledMidScan(t *testing.T) {
	dbURL := pgtest.Start(t).NewDatabase(t)
	dir := t.TempDir()
	srv := githttp.Start(t, filepath.Join(dir, "srv"))
	gen := fakecred.New(7)
	shared := gen.GitHubToken("ghp")
	var toml strings.Builder
	const repos = 3
	for i := range repos {
		r := gittest.New(t)
		r.Commit("add", "Ann <ann@example.com>", map[string]string{
			"shared.env": "GITHUB_TOKEN=" + shared + "\n",
			"own.env":    "TOKEN=" + gen.GitHubToken("ghp") + "\n",
		})
		name := fmt.Sprintf("app%d", i)
		srv.Publish(t, r.Dir, name)
		fmt.Fprintf(&toml, "[[repository]]\nurl = %q\n", srv.URLOf(name))
	}
	if err := os.WriteFile(filepath.Join(dir, "fleet.toml"), []byte(toml.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	env := []string{"VIGIL_FLEET_JOB_TIMEOUT=3s"}
	// Worker A applies the fleet file, polls, and pauses after its first
	// scan, before storing it.
	a, outA := startFleetProc(t, dir, append(env, "VIGIL_FLEET_SCAN_PAUSE=10m"), "fleet", "run", "-v", "--db", dbURL, "--scans", "1")
	waitFor(t, "worker A to start a scan", func() bool { return strings.Contains(outA.String(), "msg=scanning") })
	_, outB := startFleetProc(t, dir, env, "fleet", "worker", "-v", "--db", dbURL, "--scans", "1")
	if err := a.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = a.Wait()

	ctx := context.Background()
	c, err := store.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	deadline := time.Now().Add(3 * time.Minute)
	for {
		rs, err := c.Repositories(ctx, 0, false)
		if err != nil {
			t.Fatal(err)
		}
		done := len(rs) == repos
		for _, r := range rs {
			done = done && r.Scans == 1
		}
		if done {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the killed worker's scan was not finished by the other:\n%+v\n--- A:\n%s\n--- B:\n%s", rs, outA, outB)
		}
		time.Sleep(500 * time.Millisecond)
	}
	page, err := c.ListIncidents(ctx, store.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Incidents) != repos+1 {
		t.Fatalf("%d incidents, want %d", len(page.Incidents), repos+1)
	}
	total := 0
	for _, in := range page.Incidents {
		seen := map[string]bool{}
		for _, o := range in.Occurrences {
			key := fmt.Sprintf("%d %s", o.RepositoryID, o.Path)
			if seen[key] {
				t.Errorf("incident %d: occurrence %s twice", in.ID, key)
			}
			seen[key] = true
		}
		total += len(in.Occurrences)
	}
	if total != 2*repos {
		t.Errorf("%d occurrences, want %d", total, 2*repos)
	}
	var attempts int
	if err := c.DB().QueryRowContext(ctx, "SELECT MAX(attempt) FROM river_job WHERE kind = 'vigil_fleet_scan'").Scan(&attempts); err != nil {
		t.Fatal(err)
	}
	if attempts < 2 {
		t.Errorf("no scan job was attempted twice: the kill did not land mid-scan")
	}
}
