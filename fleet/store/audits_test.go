package store

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

func auditRun(account string, at time.Time, statuses ...string) AuditRun {
	r := AuditRun{Account: account, AccountName: "n " + account, Started: at.Add(-time.Second), Finished: at, Level: "L3",
		Errors: []string{"monitor: 403"}, Report: json.RawMessage(`{"accounts":[]}`)}
	for i, st := range statuses {
		r.Results = append(r.Results, AuditResult{Control: "C-0" + string(rune('1'+i)), Title: "t", Level: "L1", Status: st, Summary: "s",
			Frameworks: map[string][]string{"cis": {"5.2"}, "nist": {"IA-5"}, "soc2": {}}})
	}
	return r
}

// TestAudits: the latest run per account, an account's latest and
// previous runs (what changed between them is audit.Diff's).
func TestAudits(t *testing.T) {
	eachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		t0 := time.UnixMilli(1_700_000_000_000).UTC()
		if latest, prev, err := s.AccountAudits(ctx, "ACnone"); err != nil || latest != nil || prev != nil {
			t.Fatalf("no runs: %v %v %v", latest, prev, err)
		}
		for i, runs := range [][]AuditRun{
			{auditRun("ACa", t0, "pass", "fail", "unknown"), auditRun("ACsub", t0, "pass")},
			{auditRun("ACa", t0.Add(time.Hour), "pass", "pass")},
			{auditRun("ACb", t0.Add(30*time.Minute), "fail")},
		} {
			if ids, err := s.RecordAudit(ctx, runs); err != nil || len(ids) != len(runs) {
				t.Fatalf("record %d: %v %v", i, ids, err)
			}
		}
		latest, err := s.LatestAudits(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range latest {
			got = append(got, r.Account+" "+r.Finished.Format(time.TimeOnly))
		}
		if want := []string{"ACa 23:13:20", "ACb 22:43:20", "ACsub 22:13:20"}; !reflect.DeepEqual(got, want) {
			t.Errorf("LatestAudits = %v, want %v", got, want)
		}
		now, prev, err := s.AccountAudits(ctx, "ACa")
		if err != nil || now == nil || prev == nil {
			t.Fatalf("AccountAudits: %v %v %v", now, prev, err)
		}
		want := auditRun("ACa", t0.Add(time.Hour), "pass", "pass")
		want.ID, now.ID = 0, 0
		if !reflect.DeepEqual(*now, want) {
			t.Errorf("read back:\n%+v\nwant\n%+v", *now, want)
		}
		if !prev.Finished.Equal(t0) || len(prev.Results) != 3 || prev.Results[2].Status != "unknown" {
			t.Errorf("the run before: %+v", *prev)
		}
	})
}

func TestExposures(t *testing.T) {
	eachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		t0 := time.UnixMilli(1_700_000_000_000).UTC()
		if r, err := s.LatestExposure(ctx, "ACa"); r != nil || err != nil {
			t.Fatalf("none yet: %v %v", r, err)
		}
		for i := range 2 {
			at := t0.Add(time.Duration(i) * time.Hour)
			if _, err := s.RecordExposure(ctx, ExposureRun{Account: "ACa", Since: at.Add(-time.Hour), Until: at, Finished: at, Misuse: i == 1, Findings: i}); err != nil {
				t.Fatal(err)
			}
		}
		r, err := s.LatestExposure(ctx, "ACa")
		if err != nil || r == nil || !r.Misuse || r.Findings != 1 || !r.Until.Equal(t0.Add(time.Hour)) || string(r.Report) != "{}" {
			t.Errorf("LatestExposure = %+v, %v", r, err)
		}
	})
}
