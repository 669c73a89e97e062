package serve

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/vigilsec/vigil/fleet/store"
	"github.com/vigilsec/vigil/internal/audit"
)

// StoreAudits reads the audit runs the fleet's Twilio audit jobs stored.
// It is the console's default; DirAudits reads reports from a directory
// instead.
type StoreAudits struct {
	Store *store.Store
}

// Latest lists the latest run of every audited account, by account.
func (s StoreAudits) Latest(ctx context.Context) ([]AuditRun, error) {
	runs, err := s.Store.LatestAudits(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]AuditRun, 0, len(runs))
	for _, r := range runs {
		run, err := fromStored(r)
		if err != nil {
			return nil, err
		}
		out = append(out, *run)
	}
	return out, nil
}

// Account returns an account's latest stored run and the one before it.
func (s StoreAudits) Account(ctx context.Context, account string) (latest, previous *AuditRun, err error) {
	l, p, err := s.Store.AccountAudits(ctx, account)
	if err != nil || l == nil {
		return nil, nil, err
	}
	if latest, err = fromStored(*l); err != nil {
		return nil, nil, err
	}
	if p != nil {
		if previous, err = fromStored(*p); err != nil {
			return nil, nil, err
		}
	}
	return latest, previous, nil
}

// fromStored turns a stored run into the console's, decoding its report.
func fromStored(r store.AuditRun) (*AuditRun, error) {
	var rep audit.Report
	if err := json.Unmarshal(r.Report, &rep); err != nil {
		return nil, fmt.Errorf("audit run %d of %s: %w", r.ID, r.Account, err)
	}
	return &AuditRun{Account: r.Account, At: r.Finished, Report: &rep}, nil
}
