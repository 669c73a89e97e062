package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestUsersSessionsTokens: users are unique by name, the last admin stays
// an admin, a password change ends sessions, a revoked token stops.
func TestUsersSessionsTokens(t *testing.T) {
	eachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		a, err := s.AddUser(ctx, "ada", RoleAdmin, "$argon2id$x")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddUser(ctx, "ada", RoleViewer, "h"); !errors.Is(err, ErrExists) {
			t.Fatalf("a second ada: %v, want ErrExists", err)
		}
		if _, err := s.AddUser(ctx, "bob", "root", "h"); err == nil {
			t.Fatal("an unknown role was accepted")
		}
		if err := s.UpdateUser(ctx, a.ID, RoleViewer, false); err == nil {
			t.Fatal("the last admin was demoted")
		}
		b, err := s.AddUser(ctx, "bob", RoleMember, "h")
		if err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		se := Session{IDHash: "h1", UserID: b.ID, CSRF: "c", CreatedAt: now, LastSeen: now, ExpiresAt: now.Add(time.Hour)}
		if err := s.CreateSession(ctx, se); err != nil {
			t.Fatal(err)
		}
		got, u, err := s.SessionUser(ctx, "h1")
		if err != nil || u.Name != "bob" || got.CSRF != "c" || got.ExpiresAt.UnixMilli() != se.ExpiresAt.UnixMilli() {
			t.Fatalf("SessionUser = %+v, %+v, %v", got, u, err)
		}
		if err := s.SetPassword(ctx, b.ID, "h2"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.SessionUser(ctx, "h1"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("the session outlived a password change: %v", err)
		}
		tok, err := s.AddToken(ctx, b.ID, "ci", "th")
		if err != nil {
			t.Fatal(err)
		}
		if _, u, err := s.TokenUser(ctx, "th"); err != nil || u.ID != b.ID {
			t.Fatalf("TokenUser = %+v, %v", u, err)
		}
		if err := s.RevokeToken(ctx, tok.ID, a.ID); !errors.Is(err, ErrNotFound) {
			t.Fatalf("another user revoked bob's token: %v", err)
		}
		if err := s.RevokeToken(ctx, tok.ID, b.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.TokenUser(ctx, "th"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("a revoked token still works: %v", err)
		}
		if n, err := s.CountUsers(ctx); err != nil || n != 2 {
			t.Fatalf("CountUsers = %d, %v", n, err)
		}
	})
}

// TestStats: the overview's counts and weekly trend.
func TestStats(t *testing.T) {
	eachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
		clock := now.Add(-20 * 24 * time.Hour)
		s.SetClock(func() time.Time { return clock })
		repo := addRepo(t, s, "https://example.com/a.git")
		if _, err := s.RecordScan(ctx, ScanResult{RepositoryID: repo, Tips: map[string]string{"main": "1"}, Found: []Found{found("fp1", "a", 1)}}); err != nil {
			t.Fatal(err)
		}
		clock = now.Add(-2 * 24 * time.Hour)
		rec, err := s.RecordScan(ctx, ScanResult{RepositoryID: repo, Before: map[string]string{"main": "1"}, Tips: map[string]string{"main": "2"}, Found: []Found{found("fp2", "b", 1)}})
		if err != nil {
			t.Fatal(err)
		}
		in, _ := s.Incident(ctx, rec.New[0])
		if _, err := s.Transition(ctx, Transition{IncidentID: in.ID, Version: in.Version, Actor: "ada", To: StatusResolved, Reason: ReasonRevoked}); err != nil {
			t.Fatal(err)
		}
		// Seen at the very moment of the overview, or by a worker whose
		// clock runs a little ahead: this week still.
		clock = now.Add(time.Second)
		if _, err := s.RecordScan(ctx, ScanResult{RepositoryID: repo, Before: map[string]string{"main": "2"}, Tips: map[string]string{"main": "3"}, Found: []Found{found("fp3", "c", 1)}}); err != nil {
			t.Fatal(err)
		}
		st, err := s.Stats(ctx, now, 4)
		if err != nil {
			t.Fatal(err)
		}
		if st.Open != 2 || st.NewThisWeek != 2 || len(st.Trend) != 4 {
			t.Fatalf("Stats = %+v", st)
		}
		if st.ByConfidence[0] != (Count{"high", 2}) || st.ByProvider[0] != (Count{"github", 2}) {
			t.Errorf("breakdowns = %+v %+v", st.ByConfidence, st.ByProvider)
		}
		if w := st.Trend[3]; w.New != 2 || w.Closed != 1 {
			t.Errorf("last week = %+v, want 2 new and 1 closed", w)
		}
		if w := st.Trend[1]; w.New != 1 {
			t.Errorf("three weeks ago = %+v, want 1 new", w)
		}
	})
}

// TestRotationTargetsAndRotations: settings by scope, rotations by
// incident.
func TestRotationTargetsAndRotations(t *testing.T) {
	eachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		tg := RotationTarget{Scope: "repository:1", StoreURI: "dotenv:/x/.env", Wait: 30 * time.Second, UpdatedBy: "ada"}
		if err := s.PutRotationTarget(ctx, tg); err != nil {
			t.Fatal(err)
		}
		tg.StoreURI = "dotenv:/y/.env"
		if err := s.PutRotationTarget(ctx, tg); err != nil {
			t.Fatal(err)
		}
		got, err := s.RotationTarget(ctx, "repository:1")
		if err != nil || got.StoreURI != "dotenv:/y/.env" || got.Wait != 30*time.Second {
			t.Fatalf("RotationTarget = %+v, %v", got, err)
		}
		if _, err := s.RotationTarget(ctx, "account:AC1"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("unknown scope: %v", err)
		}
		id, err := s.AddRotation(ctx, Rotation{Kind: "api-key", Account: "AC1", Journal: "/j", Actor: "ada"})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.FinishRotation(ctx, id, RotationDone, ""); err != nil {
			t.Fatal(err)
		}
		r, err := s.Rotation(ctx, id)
		if err != nil || r.State != RotationDone || r.FinishedAt.IsZero() {
			t.Fatalf("Rotation = %+v, %v", r, err)
		}
	})
}
