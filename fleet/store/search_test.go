package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// TestSearch: q= finds an incident by id, rule, provider, redacted
// preview, occurrence path or repository name, case-insensitively, on
// both databases; LIKE's and FTS5's special characters are only text;
// what cannot be searched for is refused with ErrSearch, never a
// database error.
func TestSearch(t *testing.T) {
	eachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		alpha := addRepo(t, s, "file:///alpha.git")
		beta := addRepo(t, s, "file:///Beta_Repo.git")
		var fa, fb []Found
		for i := range 6 {
			f := found(fmt.Sprintf("fp%d", i), fmt.Sprintf("src/mod%d/settings.yml", i), i+1)
			if i == 3 {
				f.Rule, f.Provider, f.Preview = "twilio-api-key", "twilio", `SK9f****(34) 100%_"x\y'`
			}
			if i%2 == 0 {
				fa = append(fa, f)
			} else {
				fb = append(fb, f)
			}
		}
		fb = append(fb, found("fp9", `weird/50%_off\"dir'/a.env`, 1))
		for repo, fs := range map[int64][]Found{alpha: fa, beta: fb} {
			if _, err := s.RecordScan(ctx, ScanResult{RepositoryID: repo, Found: fs}); err != nil {
				t.Fatal(err)
			}
		}
		page, err := s.ListIncidents(ctx, Filter{})
		if err != nil {
			t.Fatal(err)
		}
		ids := map[string]int64{}
		for _, in := range page.Incidents {
			ids[in.Fingerprint] = in.ID
		}
		for _, tc := range []struct {
			q    string
			want []string
		}{
			{"TWILIO", []string{"fp3"}},                         // provider and rule, any case
			{"api-key", []string{"fp3"}},                        // rule
			{"sk9f", []string{"fp3"}},                           // redacted preview
			{"mod4/settings", []string{"fp4"}},                  // path
			{"beta_repo", []string{"fp1", "fp3", "fp5", "fp9"}}, // repository name
			{"%_\"", []string{"fp3"}},                           // LIKE and FTS5 characters are text
			{`50%_off\"dir'`, []string{"fp9"}},
			{`x\y'`, []string{"fp3"}},
			{"100%", []string{"fp3"}},
			{"%%%", nil},
			{"___", nil},
			{`\\\`, nil},
			{`"""`, nil},
			{"' OR 1=1 --", nil},
			{"no such thing", nil},
			{fmt.Sprint(ids["fp2"]), []string{"fp2"}},         // an incident id
			{fmt.Sprintf("#%d", ids["fp4"]), []string{"fp4"}}, // "#id"
			{"999999", nil},
			{"#mod4", nil}, // "#" and not an id: text
			{"s#mod", nil},
		} {
			t.Run(tc.q, func(t *testing.T) {
				page, err := s.ListIncidents(ctx, Filter{Search: tc.q})
				if err != nil {
					t.Fatalf("ListIncidents(%q): %v", tc.q, err)
				}
				var got []string
				for _, in := range page.Incidents {
					got = append(got, in.Fingerprint)
				}
				if fmt.Sprint(sorted(got)) != fmt.Sprint(sorted(tc.want)) {
					t.Errorf("q=%q found %v, want %v", tc.q, got, tc.want)
				}
				n, err := s.CountIncidents(ctx, Filter{Search: tc.q})
				if err != nil || n != len(tc.want) {
					t.Errorf("CountIncidents(%q) = %d, %v; want %d", tc.q, n, err, len(tc.want))
				}
			})
		}
		for _, q := range []string{"ab", "%", "a\x00b", "abc\x1b[2J", "\xff\xfeab", strings.Repeat("x", MaxSearch+1), "#", "x#"} {
			if _, err := s.ListIncidents(ctx, Filter{Search: q}); !errors.Is(err, ErrSearch) {
				t.Errorf("ListIncidents(%q): %v, want ErrSearch", q, err)
			}
			if _, err := s.CountIncidents(ctx, Filter{Search: q}); !errors.Is(err, ErrSearch) {
				t.Errorf("CountIncidents(%q): %v, want ErrSearch", q, err)
			}
		}
		// Pages of a search, with other filters, cover every match once:
		// each part of the search keeps only a page's worth of ids.
		for _, f := range []Filter{{Search: "settings", Limit: 2}, {Search: "file:///", Limit: 1}, {Search: "github", Provider: "github", Limit: 2},
			{Search: "settings", Statuses: []Status{StatusOpen}, RepositoryID: alpha, Limit: 1}} {
			want, err := s.CountIncidents(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			seen := map[int64]bool{}
			for pages := 0; pages < 20; pages++ {
				p, err := s.ListIncidents(ctx, f)
				if err != nil {
					t.Fatal(err)
				}
				for _, in := range p.Incidents {
					if seen[in.ID] {
						t.Errorf("%q: incident %d on two pages", f.Search, in.ID)
					}
					seen[in.ID] = true
				}
				if f.BeforeID = p.NextBefore; f.BeforeID == 0 {
					break
				}
			}
			if len(seen) != want || want == 0 {
				t.Errorf("pages of %+v held %d incidents, the count is %d", f, len(seen), want)
			}
		}
		// Counting stops past a limit, with a search or without.
		for _, tc := range []struct {
			f    Filter
			max  int
			n    int
			more bool
		}{
			{Filter{Search: "settings"}, 10, 6, false},
			{Filter{Search: "settings"}, 6, 6, false},
			{Filter{Search: "settings"}, 5, 5, true},
			{Filter{Search: "settings", RepositoryID: alpha}, 2, 2, true},
			{Filter{Search: "nothing here"}, 1, 0, false},
			{Filter{}, 3, 3, true},
			{Filter{Provider: "twilio"}, 3, 1, false},
		} {
			n, more, err := s.CountIncidentsUpTo(ctx, tc.f, tc.max)
			if err != nil || n != tc.n || more != tc.more {
				t.Errorf("CountIncidentsUpTo(%+v, %d) = %d, %v, %v; want %d, %v", tc.f, tc.max, n, more, err, tc.n, tc.more)
			}
		}
		if _, _, err := s.CountIncidentsUpTo(ctx, Filter{Search: "ab"}, 5); !errors.Is(err, ErrSearch) {
			t.Errorf("CountIncidentsUpTo of a short search: %v", err)
		}
		if _, err := s.ListIncidents(ctx, Filter{Search: strings.Repeat("é", MaxSearch)}); err != nil {
			t.Errorf("a search of %d characters: %v", MaxSearch, err)
		}
		// Rows deleted upstream (an incident; a repository, its
		// occurrences with it) leave the search indexes with them.
		for _, q := range []string{"DELETE FROM fleet_incidents WHERE fingerprint = 'fp4'", "DELETE FROM fleet_repositories WHERE url = 'file:///Beta_Repo.git'"} {
			if _, err := s.DB().ExecContext(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		for q, want := range map[string]int{"mod4/settings": 0, "mod5/settings": 0, "twilio": 1, "beta_repo": 0, "mod2/settings": 1} {
			if n, err := s.CountIncidents(ctx, Filter{Search: q}); err != nil || n != want {
				t.Errorf("after the deletes, %q finds %d (%v), want %d", q, n, err, want)
			}
		}
		if s.Dialect() == SQLite {
			for _, table := range []string{"fleet_incidents_search", "fleet_occurrences_search"} {
				if _, err := s.DB().ExecContext(ctx, "INSERT INTO "+table+" ("+table+", rank) VALUES ('integrity-check', 1)"); err != nil {
					t.Errorf("%s out of step with its table: %v", table, err)
				}
			}
		}
	})
}

// TestSearchUsesIndex: on SQLite the search reads the FTS5 tables and
// the repository index, never every incident or occurrence (Postgres's
// plans at 100,000 incidents are in bench/README.md).
func TestSearchUsesIndex(t *testing.T) {
	c, err := Open(context.Background(), "sqlite:"+t.TempDir()+"/fleet.db")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	migrated(t, c.Store)
	plan, err := c.ExplainList(context.Background(), Filter{Search: "config"})
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(plan, "\n")
	for _, full := range []string{"SCAN o\n", "SCAN fleet_occurrences\n"} {
		if strings.Contains(text+"\n", full) {
			t.Errorf("the search reads every occurrence:\n%s", text)
		}
	}
	for _, want := range []string{"VIRTUAL TABLE INDEX", "fleet_occurrences_repository"} {
		if !strings.Contains(text, want) {
			t.Errorf("the plan does not use %s:\n%s", want, text)
		}
	}
	t.Logf("plan:\n%s", text)
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}
