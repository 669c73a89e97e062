package serve

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/vigilsec/vigil/fleet/store"
	"github.com/vigilsec/vigil/internal/pgtest"
)

// seedIncidents stores n incidents, each with one occurrence, spread
// over 50 repositories, 8 providers and the four statuses, in Postgres.
func seedIncidents(tb testing.TB, c *store.Conn, n int) {
	tb.Helper()
	ctx := context.Background()
	db := c.DB()
	now := time.Now().UnixMilli()
	steps := []string{
		`INSERT INTO fleet_repositories (name, url, kind, created_at) SELECT 'org/repo' || g, 'https://github.com/org/repo' || g || '.git', 'git', $1::bigint FROM generate_series(1, 50) g`,
		`INSERT INTO fleet_incidents (fingerprint, rule, provider, description, secret_preview, confidence, status, status_reason, verdict,
	occurrence_count, repository_count, first_seen_at, last_seen_at, updated_at)
SELECT 'fp' || g, (ARRAY['github-pat','aws-access-key','twilio-api-key','slack-webhook','stripe-key','gitlab-pat','sendgrid-key','openai-key'])[g % 8 + 1],
	(ARRAY['github','aws','twilio','slack','stripe','gitlab','sendgrid','openai'])[g % 8 + 1], 'a generated incident', 'xxxx****(40)', 1 + g % 3,
	(ARRAY['open','open','open','acknowledged','resolved','ignored'])[g % 6 + 1],
	(ARRAY['','','','','revoked','false_positive'])[g % 6 + 1],
	(ARRAY['live','invalid','unknown','not_verified'])[g % 4 + 1], 1, 1, $1::bigint - g::bigint * 60000, $1::bigint - g::bigint * 30000, $1::bigint
FROM generate_series(1, ` + fmt.Sprint(n) + `) g`,
		`INSERT INTO fleet_occurrences (incident_id, repository_id, commit_sha, path, line, found_at)
SELECT i.id, 1 + i.id % 50, md5(i.id::text) || 'abcdefgh', 'src/module' || (i.id % 97) || '/config.yml', 1 + i.id % 200, $1::bigint FROM fleet_incidents i`,
		// What autovacuum does on a live database: the statistics, and
		// the GIN indexes' pending entries merged.
		`VACUUM ANALYZE`,
	}
	for _, q := range steps {
		args := []any{now}
		if q == "VACUUM ANALYZE" {
			args = nil
		}
		if _, err := db.ExecContext(ctx, q, args...); err != nil {
			tb.Fatalf("seed: %v", err)
		}
	}
}

// explain logs the plans of the incident list's queries.
func explain(tb testing.TB, c *store.Conn, queries ...string) {
	tb.Helper()
	for _, q := range queries {
		rows, err := c.DB().Query("EXPLAIN ANALYZE " + q)
		if err != nil {
			tb.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var line string
			_ = rows.Scan(&line)
			plan = append(plan, line)
		}
		rows.Close()
		tb.Logf("%s\n  %s", q, strings.Join(plan, "\n  "))
	}
}

// newLoopbackServer serves h on 127.0.0.1 until the benchmark ends.
func newLoopbackServer(tb testing.TB, h http.Handler) string {
	tb.Helper()
	ts := httptest.NewServer(h)
	tb.Cleanup(ts.Close)
	return ts.URL
}

// cpuTime is the CPU time (user and system) used so far by this process
// and by the Postgres backends serving the database named db (their
// command lines name it).
func cpuTime(tb testing.TB, db string) (self, pg time.Duration) {
	tb.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	self = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, p := range procs {
		cmd, err := os.ReadFile(p)
		if err != nil || !strings.Contains(string(cmd), db) || !strings.HasPrefix(string(cmd), "postgres") {
			continue
		}
		stat, err := os.ReadFile(strings.TrimSuffix(p, "cmdline") + "stat")
		if err != nil {
			continue
		}
		// Fields after the command's closing parenthesis: utime and
		// stime are the 12th and 13th, in clock ticks (100 a second).
		f := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
		if len(f) > 12 {
			var ut, st int64
			fmt.Sscan(f[11], &ut)
			fmt.Sscan(f[12], &st)
			pg += time.Duration(ut+st) * 10 * time.Millisecond
		}
	}
	return self, pg
}

// loadResult is one load run.
type loadResult struct {
	requests  int
	errors    int
	elapsed   time.Duration
	latencies []time.Duration
}

func (r loadResult) rate() float64 { return float64(r.requests) / r.elapsed.Seconds() }

func (r loadResult) percentile(p float64) time.Duration {
	if len(r.latencies) == 0 {
		return 0
	}
	s := slices.Clone(r.latencies)
	slices.Sort(s)
	return s[min(len(s)-1, int(float64(len(s))*p))]
}

// load sends total GETs to the paths in turn, paced at rate per second
// (0: as fast as workers allow), from workers connections.
func load(tb testing.TB, base, token string, paths []string, total, workers int, rate float64) loadResult {
	tb.Helper()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: workers}, Timeout: 10 * time.Second}
	jobs := make(chan string, total)
	start := time.Now()
	go func() {
		for i := range total {
			if rate > 0 {
				due := start.Add(time.Duration(float64(i) / rate * float64(time.Second)))
				time.Sleep(time.Until(due))
			}
			jobs <- paths[i%len(paths)]
		}
		close(jobs)
	}()
	var mu sync.Mutex
	res := loadResult{}
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range jobs {
				req, _ := http.NewRequest("GET", base+p, nil)
				req.Header.Set("Authorization", "Bearer "+token)
				t0 := time.Now()
				resp, err := client.Do(req)
				ok := err == nil && resp.StatusCode == http.StatusOK
				if err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				d := time.Since(t0)
				mu.Lock()
				res.requests++
				res.latencies = append(res.latencies, d)
				if !ok {
					res.errors++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	return res
}

// BenchmarkIncidentListLoad is the console's load test: GET
// /api/incidents (100 incidents a page, with their occurrences, as JSON)
// on 100,000 incidents in a real Postgres, first paced at
// VIGIL_LOAD_RATE requests a second (default 250) to read the latency at
// that rate, then as fast as 8 connections go. It reports requests/s and
// p50/p99. bench/console/run.sh runs it.
func BenchmarkIncidentListLoad(b *testing.B) {
	loadTest(b, []string{"/api/incidents", "/api/incidents?status=open", "/api/incidents?provider=twilio", "/api/incidents?verdict=live",
		"/api/incidents?status=open&status=acknowledged", "/api/incidents?before=50000", "/api/incidents?status=open&provider=github&before=90000"},
		store.Filter{}, store.Filter{Statuses: []store.Status{store.StatusOpen, store.StatusAcknowledged}}, store.Filter{Provider: "twilio"})
}

// BenchmarkIncidentSearchLoad is the load test of search: GET
// /api/incidents?q=… by rule or provider (1 in 8 incidents), repository
// (1 in 50), path (1 in 97), id, a search that matches nothing, and
// search with a status filter, on the same 100,000 incidents.
// bench/console/run.sh ROUNDS RATE search runs it.
func BenchmarkIncidentSearchLoad(b *testing.B) {
	searches := []string{"twilio", "org/repo17", "module42/", "#54321", "no-such-secret", "stripe&status=open", "aws-access&before=50000"}
	var paths []string
	for _, q := range searches {
		paths = append(paths, "/api/incidents?q="+q)
	}
	var filters []store.Filter
	for _, q := range []string{"twilio", "org/repo17", "module42/", "#54321", "no-such-secret", "config"} {
		filters = append(filters, store.Filter{Search: q})
	}
	filters = append(filters, store.Filter{Search: "stripe", Statuses: []store.Status{store.StatusOpen}})
	loadTest(b, paths, filters...)
}

// loadTest seeds 100,000 incidents in a throwaway Postgres, logs the
// plans of the list's query for the filters explained, and loads the
// paths through the API.
func loadTest(b *testing.B, paths []string, explained ...store.Filter) {
	var pg pgtest.Shared
	defer pg.Stop()
	ctx := context.Background()
	dbURL := pg.Get(b).NewDatabase(b)
	dbName, _, _ := strings.Cut(dbURL, "?")
	dbName = dbName[strings.LastIndexByte(dbName, '/')+1:]
	c, err := store.Open(ctx, dbURL)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	n := 100000
	t0 := time.Now()
	seedIncidents(b, c, n)
	b.Logf("seeded %d incidents in %v", n, time.Since(t0).Round(time.Millisecond))
	srv, err := New(Options{Store: c.Store})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	u, err := AddUser(ctx, c.Store, cheap, "load", store.RoleViewer, "load-password-123")
	if err != nil {
		b.Fatal(err)
	}
	tok, _, err := NewToken(ctx, c.Store, u.ID, "load")
	if err != nil {
		b.Fatal(err)
	}
	ts := newLoopbackServer(b, srv)
	for _, f := range explained {
		plan, err := c.ExplainList(ctx, f)
		if err != nil {
			b.Fatal(err)
		}
		b.Logf("plan of the list (status %v, provider %q, q %q):\n  %s", f.Statuses, f.Provider, f.Search, strings.Join(plan, "\n  "))
	}
	explain(b, c, "SELECT o.id FROM fleet_occurrences o JOIN fleet_repositories r ON r.id = o.repository_id WHERE o.incident_id IN (1,2,3,4,5,6,7,8,9,10) ORDER BY o.id")
	if os.Getenv("VIGIL_LOAD_PLANS_ONLY") != "" {
		b.Skip("VIGIL_LOAD_PLANS_ONLY: the plans, no load")
	}
	load(b, ts, tok, paths, 200, 4, 0) // warm the caches
	rate := 250.0
	if v := os.Getenv("VIGIL_LOAD_RATE"); v != "" {
		fmt.Sscan(v, &rate)
	}
	b.ResetTimer()
	for range b.N {
		paced := load(b, ts, tok, paths, int(rate*20), 16, rate)
		self0, pg0 := cpuTime(b, dbName)
		open := load(b, ts, tok, paths, 4000, 8, 0)
		self1, pg1 := cpuTime(b, dbName)
		b.StopTimer()
		// CPU a request costs, in this process (server and load
		// generator) and in Postgres: what a quiet machine's two cores
		// can serve does not depend on what else runs now.
		goCPU := (self1 - self0) / time.Duration(open.requests)
		pgCPU := (pg1 - pg0) / time.Duration(open.requests)
		b.Logf("CPU per request: %v in vigil and the load generator, %v in Postgres; two idle cores would serve about %.0f req/s",
			goCPU.Round(10*time.Microsecond), pgCPU.Round(10*time.Microsecond), 2/(goCPU+pgCPU).Seconds())
		b.ReportMetric(float64(goCPU.Microseconds())/1000, "go-cpu-ms/req")
		b.ReportMetric(float64(pgCPU.Microseconds())/1000, "pg-cpu-ms/req")
		for name, r := range map[string]loadResult{"paced": paced, "saturated": open} {
			if r.errors > 0 {
				b.Errorf("%s: %d of %d requests failed", name, r.errors, r.requests)
			}
			b.Logf("%s: %d requests in %v: %.0f req/s, p50 %v, p99 %v", name, r.requests, r.elapsed.Round(time.Millisecond), r.rate(),
				r.percentile(0.50).Round(100*time.Microsecond), r.percentile(0.99).Round(100*time.Microsecond))
		}
		b.ReportMetric(paced.rate(), "paced-req/s")
		b.ReportMetric(float64(paced.percentile(0.99).Microseconds())/1000, "paced-p99-ms")
		b.ReportMetric(open.rate(), "max-req/s")
		b.ReportMetric(float64(open.percentile(0.99).Microseconds())/1000, "max-p99-ms")
		b.StartTimer()
	}
}
