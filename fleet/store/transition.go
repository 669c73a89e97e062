package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
)

// Transition is a status change asked for by someone.
type Transition struct {
	IncidentID int64
	// Version is the incident's version the actor saw; the change fails
	// with ErrConflict when the incident has changed since.
	Version int
	Actor   string
	To      Status
	// Reason is required for resolved (revoked, rotated) and ignored
	// (false_positive, used_in_tests, wont_fix).
	Reason  string
	Comment string
}

// Transition changes an incident's status, records who did it and why in
// the audit trail, and returns the incident as it now is. Any status can
// follow any other (reopening is a change to open), but resolved and
// ignored need one of their reasons.
func (s *Store) Transition(ctx context.Context, t Transition) (Incident, error) {
	if _, err := ParseStatus(string(t.To)); err != nil {
		return Incident{}, fmt.Errorf("%w: %v", ErrTransition, err)
	}
	if want := Reasons(t.To); len(want) > 0 && !slices.Contains(want, t.Reason) {
		return Incident{}, fmt.Errorf("%w: %s needs a reason: one of %v", ErrTransition, t.To, want)
	} else if len(want) == 0 && t.Reason != "" {
		return Incident{}, fmt.Errorf("%w: %s takes no reason (a comment says why)", ErrTransition, t.To)
	}
	if t.Actor == "" {
		return Incident{}, fmt.Errorf("%w: no actor", ErrTransition)
	}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var from string
		var version int
		err := tx.QueryRowContext(ctx, s.q("SELECT status, version FROM fleet_incidents WHERE id = ?"), t.IncidentID).Scan(&from, &version)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("incident %d: %w", t.IncidentID, ErrNotFound)
		}
		if err != nil {
			return err
		}
		if version != t.Version {
			return fmt.Errorf("incident %d is at version %d, not %d: %w", t.IncidentID, version, t.Version, ErrConflict)
		}
		now := s.nowMS()
		res, err := tx.ExecContext(ctx, s.q("UPDATE fleet_incidents SET status = ?, status_reason = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?"),
			string(t.To), t.Reason, now, t.IncidentID, t.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fmt.Errorf("incident %d: %w", t.IncidentID, ErrConflict)
		}
		return s.addEvent(ctx, tx, Event{IncidentID: t.IncidentID, Actor: t.Actor, Action: "status", FromStatus: from, ToStatus: string(t.To), Reason: t.Reason, Comment: t.Comment}, now)
	})
	if err != nil {
		return Incident{}, err
	}
	return s.Incident(ctx, t.IncidentID)
}

// VerificationResult is what a RecordVerification changed.
type VerificationResult struct {
	// TurnedLive is set when the verdict became live from anything else
	// (a new live incident, or one live again): notify.
	TurnedLive bool
	// LiveEpoch numbers the times it turned live (1 the first).
	LiveEpoch int
	// Reopened is set when a resolved or ignored incident was reopened
	// because its credential is live.
	Reopened bool
}

// RecordVerification appends a verdict to an incident's history and sets
// its current verdict. A resolved incident whose credential is live again
// is reopened, with the reason in the audit trail.
func (s *Store) RecordVerification(ctx context.Context, incidentID int64, v Verification) (VerificationResult, error) {
	var out VerificationResult
	facts, err := json.Marshal(v.Facts)
	if err != nil {
		return out, err
	}
	if v.Actor == "" {
		v.Actor = SystemActor
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		out = VerificationResult{}
		var prev, status string
		var epoch int
		err := tx.QueryRowContext(ctx, s.q("SELECT verdict, status, live_epoch FROM fleet_incidents WHERE id = ?"), incidentID).Scan(&prev, &status, &epoch)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("incident %d: %w", incidentID, ErrNotFound)
		}
		if err != nil {
			return err
		}
		now := s.nowMS()
		if _, err := tx.ExecContext(ctx, s.q("INSERT INTO fleet_verifications (incident_id, verdict, reason, facts, actor, at) VALUES (?, ?, ?, ?, ?, ?)"),
			incidentID, v.Verdict, v.Reason, string(facts), v.Actor, now); err != nil {
			return fmt.Errorf("record verification: %w", err)
		}
		if v.Verdict == VerdictLive && prev != VerdictLive {
			out.TurnedLive = true
			epoch++
		}
		out.LiveEpoch = epoch
		newStatus := status
		if out.TurnedLive && (status == string(StatusResolved) || status == string(StatusIgnored)) {
			newStatus = string(StatusOpen)
			out.Reopened = true
		}
		bump := 0
		if prev != v.Verdict || out.Reopened {
			bump = 1 // an editor who saw the old verdict or status is told
		}
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE fleet_incidents SET verdict = ?, verdict_reason = ?, verified_at = ?, live_epoch = ?, status = ?,
	status_reason = CASE WHEN ? THEN '' ELSE status_reason END, version = version + ?, updated_at = ? WHERE id = ?`),
			v.Verdict, v.Reason, now, epoch, newStatus, out.Reopened, bump, now, incidentID); err != nil {
			return err
		}
		if prev != v.Verdict {
			if err := s.addEvent(ctx, tx, Event{IncidentID: incidentID, Actor: v.Actor, Action: "verdict", Reason: prev + " → " + v.Verdict, Comment: v.Reason}, now); err != nil {
				return err
			}
		}
		if out.Reopened {
			return s.addEvent(ctx, tx, Event{IncidentID: incidentID, Actor: v.Actor, Action: "status", FromStatus: status, ToStatus: string(StatusOpen), Comment: "the credential is live again"}, now)
		}
		return nil
	})
	return out, err
}

func decodeFacts(s string) map[string]string {
	var m map[string]string
	if json.Unmarshal([]byte(s), &m) != nil || len(m) == 0 {
		return nil
	}
	return m
}

// DueForVerification lists open or acknowledged incidents last verified
// before the cutoff (unix milliseconds) or never, oldest first.
func (s *Store) DueForVerification(ctx context.Context, beforeMS int64, limit int) ([]int64, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT id FROM fleet_incidents WHERE status IN ('open', 'acknowledged') AND (verified_at IS NULL OR verified_at < ?)
ORDER BY COALESCE(verified_at, 0), id LIMIT ?`), beforeMS, limit)
	if err != nil {
		return nil, fmt.Errorf("list incidents to verify: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
