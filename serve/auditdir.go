package serve

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/vigilsec/vigil/internal/audit"
)

// DirAudits reads audit runs from a directory of JSON reports written by
// 'vigil twilio audit --format json --output DIR/NAME.json' (one file per
// run), for audits run outside the fleet.
type DirAudits struct {
	Dir string
}

// runs reads every report and splits it into one run per account,
// oldest first.
func (d DirAudits) runs() (map[string][]AuditRun, error) {
	files, err := filepath.Glob(filepath.Join(d.Dir, "*.json"))
	if err != nil {
		return nil, err
	}
	out := map[string][]AuditRun{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("audit report %s: %w", f, err)
		}
		var rep audit.Report
		if err := json.Unmarshal(data, &rep); err != nil {
			return nil, fmt.Errorf("audit report %s: %w", f, err)
		}
		for _, a := range rep.Accounts {
			out[a.Account.SID] = append(out[a.Account.SID], AuditRun{Account: a.Account.SID, At: rep.Finished, Report: &rep})
		}
	}
	for _, rs := range out {
		sort.SliceStable(rs, func(i, j int) bool { return rs[i].At.Before(rs[j].At) })
	}
	return out, nil
}

// Latest lists the latest run of every account, by account.
func (d DirAudits) Latest(context.Context) ([]AuditRun, error) {
	all, err := d.runs()
	if err != nil {
		return nil, err
	}
	var out []AuditRun
	for _, rs := range all {
		out = append(out, rs[len(rs)-1])
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Account < out[j].Account })
	return out, nil
}

// Account returns an account's latest run and the one before.
func (d DirAudits) Account(_ context.Context, account string) (*AuditRun, *AuditRun, error) {
	all, err := d.runs()
	if err != nil {
		return nil, nil, err
	}
	rs := all[account]
	switch len(rs) {
	case 0:
		return nil, nil, nil
	case 1:
		return &rs[0], nil, nil
	}
	return &rs[len(rs)-1], &rs[len(rs)-2], nil
}
