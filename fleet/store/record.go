package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
)

// Found is one credential a scan found in one repository: what the
// incident shows (never the secret) and where it was found.
type Found struct {
	Fingerprint string
	Rule        string
	Provider    string
	Description string
	// Preview is the redacted form of the secret.
	Preview    string
	Confidence string
	Occurrence Occurrence
}

// ScanResult is what one scan of a repository read and found.
type ScanResult struct {
	RepositoryID int64
	// Before is the scan state (ref → tip) the scan started from; the
	// result is refused (ErrTipsMoved) when another scan has recorded a
	// different one since.
	Before map[string]string
	// Tips is the new scan state: every ref and the tip that was scanned.
	Tips  map[string]string
	Found []Found
}

// Recorded is what RecordScan changed.
type Recorded struct {
	// New lists the incidents the scan created.
	New []int64
	// Touched lists every incident the scan found (new ones included).
	Touched []int64
	// Occurrences counts the occurrences added (one already stored is
	// not added twice, so a scan repeated after a crash adds none).
	Occurrences int
}

// RecordScan stores a scan's findings and its new scan state in one
// transaction: either all of it is stored or none. Each distinct secret
// becomes one incident (by fingerprint) across the fleet, with one
// occurrence per repository and path.
func (s *Store) RecordScan(ctx context.Context, r ScanResult) (Recorded, error) {
	var out Recorded
	err := s.tx(ctx, func(tx *sql.Tx) error {
		out = Recorded{}
		lock := "SELECT id FROM fleet_repositories WHERE id = ?"
		if s.dialect == Postgres {
			lock += " FOR UPDATE"
		}
		var id int64
		if err := tx.QueryRowContext(ctx, s.q(lock), r.RepositoryID).Scan(&id); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("repository %d: %w", r.RepositoryID, ErrNotFound)
			}
			return err
		}
		stored, err := s.refTipsTx(ctx, tx, r.RepositoryID)
		if err != nil {
			return err
		}
		if !maps.Equal(stored, r.Before) && !(len(stored) == 0 && len(r.Before) == 0) {
			return ErrTipsMoved
		}
		now := s.nowMS()
		seen := map[int64]bool{}
		for _, f := range r.Found {
			incID, created, err := s.upsertIncident(ctx, tx, f, now)
			if err != nil {
				return err
			}
			if created {
				out.New = append(out.New, incID)
			}
			if !seen[incID] {
				seen[incID] = true
				out.Touched = append(out.Touched, incID)
			}
			added, err := s.addOccurrence(ctx, tx, incID, r.RepositoryID, f.Occurrence, now)
			if err != nil {
				return err
			}
			if added {
				out.Occurrences++
			}
		}
		for _, incID := range out.Touched {
			if _, err := tx.ExecContext(ctx, s.q(`UPDATE fleet_incidents SET
	occurrence_count = (SELECT COUNT(*) FROM fleet_occurrences WHERE incident_id = ?),
	repository_count = (SELECT COUNT(DISTINCT repository_id) FROM fleet_occurrences WHERE incident_id = ?),
	last_seen_at = ?, updated_at = ? WHERE id = ?`), incID, incID, now, now, incID); err != nil {
				return fmt.Errorf("count occurrences: %w", err)
			}
		}
		if _, err := tx.ExecContext(ctx, s.q("DELETE FROM fleet_ref_tips WHERE repository_id = ?"), r.RepositoryID); err != nil {
			return err
		}
		for ref, tip := range r.Tips {
			if _, err := tx.ExecContext(ctx, s.q("INSERT INTO fleet_ref_tips (repository_id, ref, tip, scanned_at) VALUES (?, ?, ?, ?)"), r.RepositoryID, ref, tip, now); err != nil {
				return fmt.Errorf("store scan state: %w", err)
			}
		}
		_, err = tx.ExecContext(ctx, s.q("UPDATE fleet_repositories SET last_scanned_at = ?, scans = scans + 1, last_error = '' WHERE id = ?"), now, r.RepositoryID)
		return err
	})
	if err != nil {
		return Recorded{}, fmt.Errorf("record scan of repository %d: %w", r.RepositoryID, err)
	}
	return out, nil
}

func (s *Store) refTipsTx(ctx context.Context, tx *sql.Tx, repoID int64) (map[string]string, error) {
	rows, err := tx.QueryContext(ctx, s.q("SELECT ref, tip FROM fleet_ref_tips WHERE repository_id = ?"), repoID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var ref, tip string
		if err := rows.Scan(&ref, &tip); err != nil {
			return nil, err
		}
		out[ref] = tip
	}
	return out, rows.Err()
}

// upsertIncident returns the incident of a fingerprint, creating it (with
// a "created" event) when it is new.
func (s *Store) upsertIncident(ctx context.Context, tx *sql.Tx, f Found, now int64) (int64, bool, error) {
	var id int64
	res, err := tx.ExecContext(ctx, s.q(`INSERT INTO fleet_incidents (fingerprint, rule, provider, description, secret_preview, confidence, first_seen_at, last_seen_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (fingerprint) DO NOTHING`),
		f.Fingerprint, f.Rule, f.Provider, f.Description, f.Preview, confidenceRank(f.Confidence), now, now, now)
	if err != nil {
		return 0, false, fmt.Errorf("store incident: %w", err)
	}
	n, _ := res.RowsAffected()
	if err := tx.QueryRowContext(ctx, s.q("SELECT id FROM fleet_incidents WHERE fingerprint = ?"), f.Fingerprint).Scan(&id); err != nil {
		return 0, false, fmt.Errorf("read incident: %w", err)
	}
	if n == 0 {
		// Known: keep the highest confidence any occurrence had.
		_, err := tx.ExecContext(ctx, s.q("UPDATE fleet_incidents SET confidence = ? WHERE id = ? AND confidence < ?"), confidenceRank(f.Confidence), id, confidenceRank(f.Confidence))
		return id, false, err
	}
	err = s.addEvent(ctx, tx, Event{IncidentID: id, Actor: SystemActor, Action: "created", ToStatus: string(StatusOpen)}, now)
	return id, true, err
}

// addOccurrence stores an occurrence unless the incident already has one
// at that repository and path (then only whether it is present is
// updated).
func (s *Store) addOccurrence(ctx context.Context, tx *sql.Tx, incID, repoID int64, o Occurrence, now int64) (bool, error) {
	var present any
	if o.Present != nil {
		present = *o.Present
	}
	res, err := tx.ExecContext(ctx, s.q(`INSERT INTO fleet_occurrences (incident_id, repository_id, commit_sha, path, line, col, author, author_email, committed_at, blob, span_start, span_len, layer, image_ref, present, found_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (incident_id, repository_id, path) DO NOTHING`),
		incID, repoID, o.Commit, o.Path, o.Line, o.Column, o.Author, o.AuthorEmail, ms(o.Date), o.Blob, o.SpanStart, o.SpanLen, o.Layer, o.ImageRef, present, now)
	if err != nil {
		return false, fmt.Errorf("store occurrence: %w", err)
	}
	n, _ := res.RowsAffected()
	if n == 0 && o.ImageRef != "" {
		// An image's tag moved to a new image that still holds the
		// secret: read it from there, the old one may be deleted.
		_, err = tx.ExecContext(ctx, s.q(`UPDATE fleet_occurrences SET commit_sha = ?, line = ?, col = ?, blob = ?, span_start = ?, span_len = ?, layer = ?, image_ref = ?
WHERE incident_id = ? AND repository_id = ? AND path = ?`), o.Commit, o.Line, o.Column, o.Blob, o.SpanStart, o.SpanLen, o.Layer, o.ImageRef, incID, repoID, o.Path)
		if err != nil {
			return false, fmt.Errorf("store occurrence: %w", err)
		}
	}
	if n == 0 && present != nil {
		_, err = tx.ExecContext(ctx, s.q("UPDATE fleet_occurrences SET present = ? WHERE incident_id = ? AND repository_id = ? AND path = ?"), present, incID, repoID, o.Path)
	}
	return n == 1, err
}

// RepositoryOccurrences lists the occurrences found in a repository.
func (s *Store) RepositoryOccurrences(ctx context.Context, repoID int64) ([]Occurrence, error) {
	return s.occurrences(ctx, "o.repository_id = ?", repoID)
}

// SetPresent records whether occurrences are still present at HEAD.
func (s *Store) SetPresent(ctx context.Context, present map[int64]bool) error {
	if len(present) == 0 {
		return nil
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		for id, p := range present {
			if _, err := tx.ExecContext(ctx, s.q("UPDATE fleet_occurrences SET present = ? WHERE id = ?"), p, id); err != nil {
				return fmt.Errorf("update presence: %w", err)
			}
		}
		return nil
	})
}

// confidenceRank stores a confidence as a number that sorts.
func confidenceRank(c string) int {
	switch c {
	case "low":
		return 1
	case "medium":
		return 2
	case "high":
		return 3
	}
	return 0
}

func confidenceName(n int) string {
	switch n {
	case 1:
		return "low"
	case 2:
		return "medium"
	case 3:
		return "high"
	}
	return "unset"
}
