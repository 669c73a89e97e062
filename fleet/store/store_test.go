package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigilsec/vigil/internal/pgtest"
)

// postgres is the Postgres the package's tests share.
var postgres pgtest.Shared

func TestMain(m *testing.M) {
	code := m.Run()
	postgres.Stop()
	os.Exit(code)
}

// eachDB runs a test on SQLite and on a real Postgres.
func eachDB(t *testing.T, test func(t *testing.T, s *Store)) {
	t.Run("sqlite", func(t *testing.T) {
		c, err := Open(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "fleet.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		migrated(t, c.Store)
		test(t, c.Store)
	})
	t.Run("postgres", func(t *testing.T) {
		url := postgres.Get(t).NewDatabase(t)
		c, err := Open(context.Background(), url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		migrated(t, c.Store)
		test(t, c.Store)
	})
}

func migrated(t *testing.T, s *Store) {
	t.Helper()
	ctx := context.Background()
	for range 2 { // a second run changes nothing
		v, err := s.Migrate(ctx)
		if err != nil || v < 1 {
			t.Fatalf("Migrate = %d, %v", v, err)
		}
	}
}

func found(fp, path string, line int) Found {
	return Found{Fingerprint: fp, Rule: "github-pat", Provider: "github", Preview: "ghp_****(40)", Confidence: "high",
		Occurrence: Occurrence{Commit: "c0ffee", Path: path, Line: line, Author: "A", Blob: "b10b", SpanStart: 10, SpanLen: 40}}
}

func addRepo(t *testing.T, s *Store, url string) int64 {
	t.Helper()
	id, err := s.UpsertRepository(context.Background(), Repository{Name: url, URL: url, Kind: "git"})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// TestOneIncidentPerSecret: the same key in many repositories is one
// incident with one occurrence each, and repeating a scan (a job retried
// after a crash) adds nothing.
func TestOneIncidentPerSecret(t *testing.T) {
	eachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		var repos []int64
		for i := range 12 {
			repos = append(repos, addRepo(t, s, fmt.Sprintf("file:///r%d.git", i)))
		}
		for _, r := range repos {
			res := ScanResult{RepositoryID: r, Tips: map[string]string{"refs/heads/main": "aaa"}, Found: []Found{found("fp1", "config.env", 3)}}
			rec, err := s.RecordScan(ctx, res)
			if err != nil {
				t.Fatal(err)
			}
			if rec.Occurrences != 1 {
				t.Fatalf("occurrences added = %d", rec.Occurrences)
			}
			// The same result again: refused, the state moved on.
			if _, err := s.RecordScan(ctx, res); !errors.Is(err, ErrTipsMoved) {
				t.Fatalf("repeat = %v, want ErrTipsMoved", err)
			}
			// Retried from the right state: nothing added twice.
			res.Before = res.Tips
			rec, err = s.RecordScan(ctx, res)
			if err != nil || rec.Occurrences != 0 || len(rec.New) != 0 {
				t.Fatalf("retried scan = %+v, %v", rec, err)
			}
		}
		page, err := s.ListIncidents(ctx, Filter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Incidents) != 1 {
			t.Fatalf("%d incidents, want 1", len(page.Incidents))
		}
		in := page.Incidents[0]
		if in.OccurrenceCount != 12 || in.RepositoryCount != 12 || len(in.Occurrences) != 12 || in.Status != StatusOpen || in.Verdict != VerdictNotVerified {
			t.Errorf("incident = %+v", in)
		}
		if o := in.Occurrences[0]; o.Repository != "file:///r0.git" || o.Path != "config.env" || o.Line != 3 || o.SpanLen != 40 {
			t.Errorf("occurrence = %+v", o)
		}
	})
}

func TestTransitions(t *testing.T) {
	eachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		r := addRepo(t, s, "file:///a.git")
		rec, err := s.RecordScan(ctx, ScanResult{RepositoryID: r, Found: []Found{found("fp", "a", 1)}})
		if err != nil {
			t.Fatal(err)
		}
		id := rec.New[0]
		in, _ := s.Incident(ctx, id)
		for _, tt := range []struct {
			tr   Transition
			want error
		}{
			{Transition{To: StatusResolved, Actor: "ann"}, ErrTransition},
			{Transition{To: StatusResolved, Reason: ReasonFalsePositive, Actor: "ann"}, ErrTransition},
			{Transition{To: StatusAcknowledged, Reason: ReasonRevoked, Actor: "ann"}, ErrTransition},
			{Transition{To: "closed", Actor: "ann"}, ErrTransition},
			{Transition{To: StatusAcknowledged}, ErrTransition},
		} {
			tt.tr.IncidentID, tt.tr.Version = id, in.Version
			if _, err := s.Transition(ctx, tt.tr); !errors.Is(err, tt.want) {
				t.Errorf("%+v: %v, want %v", tt.tr, err, tt.want)
			}
		}
		ack, err := s.Transition(ctx, Transition{IncidentID: id, Version: in.Version, Actor: "ann", To: StatusAcknowledged, Comment: "looking"})
		if err != nil || ack.Status != StatusAcknowledged || ack.Version != in.Version+1 {
			t.Fatalf("ack = %+v, %v", ack, err)
		}
		// Bob read the incident before Ann's change: he is told.
		if _, err := s.Transition(ctx, Transition{IncidentID: id, Version: in.Version, Actor: "bob", To: StatusIgnored, Reason: ReasonWontFix}); !errors.Is(err, ErrConflict) {
			t.Fatalf("stale edit = %v, want ErrConflict", err)
		}
		res, err := s.Transition(ctx, Transition{IncidentID: id, Version: ack.Version, Actor: "bob", To: StatusResolved, Reason: ReasonRotated})
		if err != nil || res.Status != StatusResolved || res.StatusReason != ReasonRotated {
			t.Fatalf("resolve = %+v, %v", res, err)
		}
		if _, err := s.Transition(ctx, Transition{IncidentID: 999999, Version: 1, Actor: "x", To: StatusOpen}); !errors.Is(err, ErrNotFound) {
			t.Errorf("missing incident: %v", err)
		}
		evs, err := s.Events(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"created", "status", "status"}
		if len(evs) != len(want) || evs[1].Actor != "ann" || evs[1].Comment != "looking" || evs[2].Actor != "bob" || evs[2].FromStatus != "acknowledged" || evs[2].Reason != "rotated" {
			t.Errorf("audit trail = %+v", evs)
		}
	})
}

// TestLiveAgain: the first live verdict and a later return to live each
// turn live once (one notification each); a resolved incident live again
// is reopened.
func TestLiveAgain(t *testing.T) {
	eachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		r := addRepo(t, s, "file:///a.git")
		rec, _ := s.RecordScan(ctx, ScanResult{RepositoryID: r, Found: []Found{found("fp", "a", 1)}})
		id := rec.New[0]
		steps := []struct {
			verdict string
			live    bool
			epoch   int
		}{
			{VerdictLive, true, 1}, {VerdictLive, false, 1}, {VerdictUnknown, false, 1}, {VerdictInvalid, false, 1}, {VerdictLive, true, 2},
		}
		for i, st := range steps {
			if i == 4 {
				in, _ := s.Incident(ctx, id)
				if _, err := s.Transition(ctx, Transition{IncidentID: id, Version: in.Version, Actor: "ann", To: StatusResolved, Reason: ReasonRevoked}); err != nil {
					t.Fatal(err)
				}
			}
			res, err := s.RecordVerification(ctx, id, Verification{Verdict: st.verdict, Reason: "test", Facts: map[string]string{"account": "x"}})
			if err != nil {
				t.Fatal(err)
			}
			if res.TurnedLive != st.live || res.LiveEpoch != st.epoch {
				t.Errorf("step %d: %+v", i, res)
			}
		}
		in, _ := s.Incident(ctx, id)
		if in.Status != StatusOpen || in.Verdict != VerdictLive {
			t.Errorf("after live again: %+v", in)
		}
		hist, _ := s.Verifications(ctx, id)
		if len(hist) != len(steps) || hist[0].Facts["account"] != "x" {
			t.Errorf("history = %+v", hist)
		}
		sent, err := s.NotificationSent(ctx, id, "live-1", "hook")
		if err != nil || sent {
			t.Fatal(sent, err)
		}
		if err := s.MarkNotification(ctx, id, "live-1", "hook", ""); err != nil {
			t.Fatal(err)
		}
		if sent, _ := s.NotificationSent(ctx, id, "live-1", "hook"); !sent {
			t.Error("notification not recorded as sent")
		}
		due, err := s.DueForVerification(ctx, time.Now().Add(time.Hour).UnixMilli(), 10)
		if err != nil || len(due) != 1 {
			t.Errorf("due = %v, %v", due, err)
		}
	})
}

func TestListFilters(t *testing.T) {
	eachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		a, b := addRepo(t, s, "file:///a.git"), addRepo(t, s, "file:///b.git")
		var fa, fb []Found
		for i := range 25 {
			f := found(fmt.Sprintf("fp%d", i), fmt.Sprintf("dir/file%d.env", i), i+1)
			if i%5 == 0 {
				f.Provider, f.Rule, f.Confidence = "twilio", "twilio-auth-token", "medium"
			}
			if i%2 == 0 {
				fa = append(fa, f)
			} else {
				fb = append(fb, f)
			}
		}
		if _, err := s.RecordScan(ctx, ScanResult{RepositoryID: a, Found: fa}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.RecordScan(ctx, ScanResult{RepositoryID: b, Found: fb}); err != nil {
			t.Fatal(err)
		}
		count := func(f Filter) int {
			n, err := s.CountIncidents(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		for _, tt := range []struct {
			f    Filter
			want int
		}{
			{Filter{}, 25},
			{Filter{Provider: "twilio"}, 5},
			{Filter{MinConfidence: "high"}, 20},
			{Filter{RepositoryID: a}, 13},
			{Filter{RepositoryName: "file:///b.git"}, 12},
			{Filter{Search: "FILE1"}, 11}, // file1, file10..file19
			{Filter{Search: "twilio-auth"}, 5},
			{Filter{Search: "%%%"}, 0},
			{Filter{Statuses: []Status{StatusOpen, StatusIgnored}}, 25},
			{Filter{Statuses: []Status{StatusResolved}}, 0},
			{Filter{Verdict: VerdictLive}, 0},
			{Filter{SeenBefore: time.Now().Add(-time.Hour)}, 0},
		} {
			if got := count(tt.f); got != tt.want {
				t.Errorf("%+v: %d, want %d", tt.f, got, tt.want)
			}
		}
		// Pages, newest first, cover everything once.
		seen := map[int64]bool{}
		f := Filter{Limit: 10}
		for pages := 0; ; pages++ {
			p, err := s.ListIncidents(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			for _, in := range p.Incidents {
				if seen[in.ID] {
					t.Fatalf("incident %d on two pages", in.ID)
				}
				seen[in.ID] = true
			}
			if p.NextBefore == 0 {
				break
			}
			f.BeforeID = p.NextBefore
		}
		if len(seen) != 25 {
			t.Errorf("pages held %d incidents", len(seen))
		}
	})
}

func TestLease(t *testing.T) {
	eachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		r := addRepo(t, s, "file:///a.git")
		now := time.Now()
		s.SetClock(func() time.Time { return now })
		if ok, err := s.AcquireLease(ctx, r, "w1", time.Minute); !ok || err != nil {
			t.Fatal(ok, err)
		}
		if ok, _ := s.AcquireLease(ctx, r, "w2", time.Minute); ok {
			t.Fatal("two owners")
		}
		now = now.Add(2 * time.Minute) // w1 died: its lease expired
		if ok, _ := s.AcquireLease(ctx, r, "w2", time.Minute); !ok {
			t.Fatal("expired lease not taken over")
		}
		_ = s.ReleaseLease(ctx, r, "w1") // not w1's any more: no effect
		if ok, _ := s.AcquireLease(ctx, r, "w3", time.Minute); ok {
			t.Fatal("a stale owner released another's lease")
		}
	})
}

func TestOpenBadURL(t *testing.T) {
	pw := "hunter2" // built apart, so the repository scans clean
	for _, u := range []string{"mysql://x", "sqlite:", "postgres://bob:" + pw + "@127.0.0.1:1/db?connect_timeout=1"} {
		_, err := Open(context.Background(), u)
		if err == nil {
			t.Errorf("Open(%q) succeeded", u)
			continue
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("error leaks the password: %v", err)
		}
	}
}
