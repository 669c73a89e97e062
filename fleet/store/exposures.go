package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// ExposureRun is one exposure check of a Twilio account (and its
// subaccounts) over a window.
type ExposureRun struct {
	ID       int64
	SourceID int64
	Account  string
	// Since and Until bound the window checked.
	Since, Until, Finished time.Time
	// Misuse: some finding is evidence of misuse. Incomplete: a check
	// could not be made (the report's notes say which).
	Misuse, Incomplete bool
	Findings           int
	// Report is the exposure.Report (JSON).
	Report json.RawMessage
}

// RecordExposure stores an exposure check and returns its id.
func (s *Store) RecordExposure(ctx context.Context, r ExposureRun) (int64, error) {
	report := r.Report
	if len(report) == 0 {
		report = json.RawMessage("{}")
	}
	var id int64
	err := s.db.QueryRowContext(ctx, s.q(`INSERT INTO fleet_exposure_runs (source_id, account_sid, since_at, until_at, finished_at, misuse, incomplete, findings, report)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`), nullID(r.SourceID), r.Account, r.Since.UnixMilli(), r.Until.UnixMilli(), r.Finished.UnixMilli(),
		r.Misuse, r.Incomplete, r.Findings, string(report)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("store the exposure check of %s: %w", r.Account, err)
	}
	return id, nil
}

// LatestExposure returns an account's latest exposure check, or nil.
func (s *Store) LatestExposure(ctx context.Context, account string) (*ExposureRun, error) {
	var r ExposureRun
	var since, until, finished int64
	var report string
	err := s.db.QueryRowContext(ctx, s.q(`SELECT id, COALESCE(source_id, 0), account_sid, since_at, until_at, finished_at, misuse, incomplete, findings, report
FROM fleet_exposure_runs WHERE account_sid = ? ORDER BY finished_at DESC, id DESC LIMIT 1`), account).
		Scan(&r.ID, &r.SourceID, &r.Account, &since, &until, &finished, &r.Misuse, &r.Incomplete, &r.Findings, &report)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("latest exposure check of %s: %w", account, err)
	}
	r.Since, r.Until, r.Finished = time.UnixMilli(since).UTC(), time.UnixMilli(until).UTC(), time.UnixMilli(finished).UTC()
	r.Report = json.RawMessage(report)
	return &r, nil
}
