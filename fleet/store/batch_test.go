package store

import (
	"context"
	"fmt"
	"testing"
)

// TestBatches: the batch forms do what their one-at-a-time forms do, for
// more rows than one statement takes.
func TestBatches(t *testing.T) {
	eachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		srcs, err := s.SyncSources(ctx, []Source{{Name: "a", Kind: "repository", Spec: "{}"}, {Name: "b", Kind: "repository", Spec: "{}"}})
		if err != nil {
			t.Fatal(err)
		}
		var repos []Repository
		for i := range 1100 {
			repos = append(repos, Repository{Name: fmt.Sprint(i), URL: fmt.Sprintf("file:///r%d.git", i), Kind: "git", SourceID: srcs["a"]})
		}
		first := addRepo(t, s, "file:///r3.git") // known before: same id
		ids, err := s.UpsertRepositories(ctx, repos)
		if err != nil {
			t.Fatal(err)
		}
		if len(ids) != len(repos) || ids[3] != first {
			t.Fatalf("UpsertRepositories: %d ids, r3 = %d, want %d", len(ids), ids[3], first)
		}
		for i, id := range ids {
			if i > 0 && id == ids[i-1] {
				t.Fatalf("ids %d and %d are the same", i-1, i)
			}
		}
		if err := s.RepositoryFailed(ctx, ids[1050], "down", true); err != nil {
			t.Fatal(err)
		}
		if err := s.RepositoriesChecked(ctx, ids); err != nil {
			t.Fatal(err)
		}
		all, err := s.Repositories(ctx, srcs["a"], false)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range all {
			if r.LastSyncedAt.IsZero() || r.LastError != "" || r.Gone {
				t.Fatalf("after RepositoriesChecked: %+v", r)
			}
		}
		if err := s.SourcePolled(ctx, srcs["b"], "refused"); err != nil {
			t.Fatal(err)
		}
		if err := s.SourcesPolled(ctx, []int64{srcs["a"], srcs["b"]}); err != nil {
			t.Fatal(err)
		}
		list, err := s.Sources(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, src := range list {
			if src.LastPolledAt.IsZero() || src.LastError != "" {
				t.Errorf("after SourcesPolled: %+v", src)
			}
		}

		if _, err := s.RecordScan(ctx, ScanResult{RepositoryID: ids[7], Tips: map[string]string{"refs/heads/main": "aa", "refs/tags/v1": "bb"}}); err != nil {
			t.Fatal(err)
		}
		states, err := s.ScanStates(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(states) != 1 || len(states[ids[7]]) != 2 || states[ids[7]]["refs/tags/v1"] != "bb" {
			t.Errorf("ScanStates = %v", states)
		}
	})
}
