package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"
)

// AuditRun is one account's part of a Twilio hardening audit: when it
// ran, each control's result, and the report (JSON of an audit.Report
// holding this account only) for whoever wants every detail.
type AuditRun struct {
	ID       int64
	SourceID int64
	// Account is the audited account's SID; AccountName its friendly
	// name.
	Account, AccountName string
	Started, Finished    time.Time
	// Level is the level the run evaluated up to ("L3": every control).
	Level string
	// Principal says which credential ran the audit.
	Principal string
	// Errors are problems gathering evidence (the controls they touched
	// are unknown).
	Errors  []string
	Results []AuditResult
	// Report is the audit.Report of this account (JSON).
	Report json.RawMessage
}

// AuditResult is one control's outcome in a run.
type AuditResult struct {
	Control string `json:"control"`
	Title   string `json:"title"`
	Level   string `json:"level"`  // "L1", "L2", "L3"
	Status  string `json:"status"` // "pass", "fail", "unknown", "stale", "skipped"
	Summary string `json:"summary"`
	// Frameworks maps a framework ("cis", "nist", "soc2") to the
	// control's safeguards in it.
	Frameworks map[string][]string `json:"frameworks"`
}

// RecordAudit stores the runs of one audit (an account and its
// subaccounts) in one transaction, and returns their ids.
func (s *Store) RecordAudit(ctx context.Context, runs []AuditRun) ([]int64, error) {
	var ids []int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		ids = ids[:0]
		for _, r := range runs {
			id, err := s.recordAuditRun(ctx, tx, r)
			if err != nil {
				return fmt.Errorf("store the audit of %s: %w", r.Account, err)
			}
			ids = append(ids, id)
		}
		return nil
	})
	return ids, err
}

func (s *Store) recordAuditRun(ctx context.Context, tx *sql.Tx, r AuditRun) (int64, error) {
	errs, err := json.Marshal(nonNil(r.Errors))
	if err != nil {
		return 0, err
	}
	report := r.Report
	if len(report) == 0 {
		report = json.RawMessage("{}")
	}
	var id int64
	err = tx.QueryRowContext(ctx, s.q(`INSERT INTO fleet_audit_runs (source_id, account_sid, account_name, started_at, finished_at, level, principal, errors, report)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`), nullID(r.SourceID), r.Account, r.AccountName, r.Started.UnixMilli(), r.Finished.UnixMilli(),
		r.Level, r.Principal, string(errs), string(report)).Scan(&id)
	if err != nil {
		return 0, err
	}
	for _, res := range r.Results {
		fw, err := json.Marshal(res.Frameworks)
		if err != nil {
			return 0, err
		}
		if _, err := tx.ExecContext(ctx, s.q("INSERT INTO fleet_audit_results (run_id, control_id, title, level, status, summary, frameworks) VALUES (?, ?, ?, ?, ?, ?, ?)"),
			id, res.Control, res.Title, res.Level, res.Status, res.Summary, string(fw)); err != nil {
			return 0, err
		}
	}
	return id, nil
}

const auditColumns = "id, COALESCE(source_id, 0), account_sid, account_name, started_at, finished_at, level, principal, errors, report"

// LatestAudits returns the latest audit run of every account, by account
// SID.
func (s *Store) LatestAudits(ctx context.Context) ([]AuditRun, error) {
	runs, err := s.auditRuns(ctx, `SELECT `+auditColumns+` FROM fleet_audit_runs r
WHERE id = (SELECT id FROM fleet_audit_runs l WHERE l.account_sid = r.account_sid ORDER BY finished_at DESC, id DESC LIMIT 1)
ORDER BY account_sid`)
	if err != nil {
		return nil, fmt.Errorf("latest audits: %w", err)
	}
	return runs, nil
}

// AccountAudits returns an account's latest audit run and the one before
// it (nil when there is none).
func (s *Store) AccountAudits(ctx context.Context, account string) (latest, previous *AuditRun, err error) {
	runs, err := s.AuditHistory(ctx, account, 2)
	if err != nil {
		return nil, nil, err
	}
	if len(runs) > 0 {
		latest = &runs[0]
	}
	if len(runs) > 1 {
		previous = &runs[1]
	}
	return latest, previous, nil
}

// AuditHistory returns an account's last n audit runs, newest first.
func (s *Store) AuditHistory(ctx context.Context, account string, n int) ([]AuditRun, error) {
	runs, err := s.auditRuns(ctx, "SELECT "+auditColumns+" FROM fleet_audit_runs WHERE account_sid = ? ORDER BY finished_at DESC, id DESC LIMIT ?", account, n)
	if err != nil {
		return nil, fmt.Errorf("audits of %s: %w", account, err)
	}
	return runs, nil
}

// auditRuns reads runs and their results.
func (s *Store) auditRuns(ctx context.Context, query string, args ...any) ([]AuditRun, error) {
	rows, err := s.db.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return nil, err
	}
	var out []AuditRun
	for rows.Next() {
		var r AuditRun
		var started, finished int64
		var errs, report string
		if err := rows.Scan(&r.ID, &r.SourceID, &r.Account, &r.AccountName, &started, &finished, &r.Level, &r.Principal, &errs, &report); err != nil {
			rows.Close()
			return nil, err
		}
		r.Started, r.Finished = time.UnixMilli(started).UTC(), time.UnixMilli(finished).UTC()
		r.Report = json.RawMessage(report)
		if err := json.Unmarshal([]byte(errs), &r.Errors); err != nil {
			rows.Close()
			return nil, fmt.Errorf("run %d: errors: %w", r.ID, err)
		}
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].Results, err = s.auditResults(ctx, out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (s *Store) auditResults(ctx context.Context, runID int64) ([]AuditResult, error) {
	rows, err := s.db.QueryContext(ctx, s.q("SELECT control_id, title, level, status, summary, frameworks FROM fleet_audit_results WHERE run_id = ? ORDER BY control_id"), runID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AuditResult
	for rows.Next() {
		var res AuditResult
		var fw string
		if err := rows.Scan(&res.Control, &res.Title, &res.Level, &res.Status, &res.Summary, &fw); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(fw), &res.Frameworks); err != nil {
			return nil, fmt.Errorf("run %d, control %s: frameworks: %w", runID, res.Control, err)
		}
		out = append(out, res)
	}
	return out, rows.Err()
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
