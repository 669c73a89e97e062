package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// AuditEntry is one change made through the console that is not an
// incident's (those go to the incident's own trail): a user added, a
// token created, a scan asked for, rotation settings changed.
type AuditEntry struct {
	ID     int64     `json:"id"`
	Actor  string    `json:"actor"`
	Action string    `json:"action"`
	Target string    `json:"target,omitempty"`
	Detail string    `json:"detail,omitempty"`
	At     time.Time `json:"at"`
}

// Audit appends an entry to the console's audit trail.
func (s *Store) Audit(ctx context.Context, e AuditEntry) error {
	_, err := s.db.ExecContext(ctx, s.q("INSERT INTO console_audit (actor, action, target, detail, at) VALUES (?, ?, ?, ?, ?)"),
		e.Actor, e.Action, e.Target, e.Detail, s.nowMS())
	if err != nil {
		return fmt.Errorf("record audit entry: %w", err)
	}
	return nil
}

// AuditLog returns the console's audit trail, newest first: at most limit
// entries older than beforeID (0: the newest).
func (s *Store) AuditLog(ctx context.Context, limit int, beforeID int64) ([]AuditEntry, error) {
	query, args := "SELECT id, actor, action, target, detail, at FROM console_audit", []any{}
	if beforeID > 0 {
		query += " WHERE id < ?"
		args = append(args, beforeID)
	}
	rows, err := s.db.QueryContext(ctx, s.q(query+" ORDER BY id DESC LIMIT ?"), append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("read audit trail: %w", err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		var at sql.NullInt64
		if err := rows.Scan(&e.ID, &e.Actor, &e.Action, &e.Target, &e.Detail, &at); err != nil {
			return nil, err
		}
		e.At = fromMS(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// RotationTarget says where a Twilio credential lives and with which
// credentials to rotate it. Scope is "repository:ID" (a credential found
// in that repository) or "account:AC…" (any credential of the account).
// It names stores; it never holds a secret.
type RotationTarget struct {
	ID    int64  `json:"id"`
	Scope string `json:"scope"`
	// StoreURI is the secret store the app reads the credential from.
	StoreURI string `json:"store"`
	// CredentialsURI is a store holding the credentials to act with
	// (TWILIO_ACCOUNT_SID with TWILIO_AUTH_TOKEN, or a Main key); empty:
	// the console's environment.
	CredentialsURI string        `json:"credentials_store,omitempty"`
	SIDField       string        `json:"sid_field,omitempty"`
	SecretField    string        `json:"secret_field,omitempty"`
	TokenField     string        `json:"token_field,omitempty"`
	HealthURL      string        `json:"health_url,omitempty"`
	Wait           time.Duration `json:"wait,omitempty"`
	UpdatedBy      string        `json:"updated_by"`
	UpdatedAt      time.Time     `json:"updated_at"`
}

const targetColumns = "id, scope, store_uri, credentials_uri, sid_field, secret_field, token_field, health_url, wait_ms, updated_by, updated_at"

func scanTarget(row interface{ Scan(...any) error }) (RotationTarget, error) {
	var t RotationTarget
	var wait int64
	var at sql.NullInt64
	err := row.Scan(&t.ID, &t.Scope, &t.StoreURI, &t.CredentialsURI, &t.SIDField, &t.SecretField, &t.TokenField, &t.HealthURL, &wait, &t.UpdatedBy, &at)
	t.Wait, t.UpdatedAt = time.Duration(wait)*time.Millisecond, fromMS(at)
	return t, err
}

// PutRotationTarget stores the target of a scope, replacing the one
// before.
func (s *Store) PutRotationTarget(ctx context.Context, t RotationTarget) error {
	_, err := s.db.ExecContext(ctx, s.q(`INSERT INTO console_rotation_targets (scope, store_uri, credentials_uri, sid_field, secret_field, token_field, health_url, wait_ms, updated_by, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (scope) DO UPDATE SET store_uri = excluded.store_uri, credentials_uri = excluded.credentials_uri,
sid_field = excluded.sid_field, secret_field = excluded.secret_field, token_field = excluded.token_field, health_url = excluded.health_url,
wait_ms = excluded.wait_ms, updated_by = excluded.updated_by, updated_at = excluded.updated_at`),
		t.Scope, t.StoreURI, t.CredentialsURI, t.SIDField, t.SecretField, t.TokenField, t.HealthURL, t.Wait.Milliseconds(), t.UpdatedBy, s.nowMS())
	if err != nil {
		return fmt.Errorf("store rotation target %s: %w", t.Scope, err)
	}
	return nil
}

// RotationTarget returns the target of a scope.
func (s *Store) RotationTarget(ctx context.Context, scope string) (RotationTarget, error) {
	t, err := scanTarget(s.db.QueryRowContext(ctx, s.q("SELECT "+targetColumns+" FROM console_rotation_targets WHERE scope = ?"), scope))
	if errors.Is(err, sql.ErrNoRows) {
		return t, fmt.Errorf("rotation target %s: %w", scope, ErrNotFound)
	}
	return t, err
}

// RotationTargets lists every target by scope.
func (s *Store) RotationTargets(ctx context.Context) ([]RotationTarget, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT "+targetColumns+" FROM console_rotation_targets ORDER BY scope")
	if err != nil {
		return nil, fmt.Errorf("list rotation targets: %w", err)
	}
	defer rows.Close()
	var out []RotationTarget
	for rows.Next() {
		t, err := scanTarget(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// DeleteRotationTarget removes the target of a scope.
func (s *Store) DeleteRotationTarget(ctx context.Context, scope string) error {
	_, err := s.db.ExecContext(ctx, s.q("DELETE FROM console_rotation_targets WHERE scope = ?"), scope)
	return err
}

// Rotation is a rotation started from the console; its steps are in its
// journal file.
type Rotation struct {
	ID         int64  `json:"id"`
	IncidentID int64  `json:"incident_id,omitempty"`
	Kind       string `json:"kind"`
	Account    string `json:"account"`
	// Credential is the key SID (api-key) or the account (auth-token).
	Credential string    `json:"credential,omitempty"`
	Journal    string    `json:"journal"`
	Actor      string    `json:"actor"`
	State      string    `json:"state"`
	Error      string    `json:"error,omitempty"`
	StartedAt  time.Time `json:"started_at"`
	FinishedAt time.Time `json:"finished_at,omitzero"`
}

// Rotation states.
const (
	RotationRunning    = "running"
	RotationDone       = "done"
	RotationFailed     = "failed"
	RotationRolledBack = "rolled_back"
)

const rotationColumns = "id, COALESCE(incident_id, 0), kind, account, credential, journal, actor, state, error, started_at, finished_at"

func scanRotation(row interface{ Scan(...any) error }) (Rotation, error) {
	var r Rotation
	var started, finished sql.NullInt64
	err := row.Scan(&r.ID, &r.IncidentID, &r.Kind, &r.Account, &r.Credential, &r.Journal, &r.Actor, &r.State, &r.Error, &started, &finished)
	r.StartedAt, r.FinishedAt = fromMS(started), fromMS(finished)
	return r, err
}

// AddRotation records a rotation that starts now.
func (s *Store) AddRotation(ctx context.Context, r Rotation) (int64, error) {
	var inc any
	if r.IncidentID != 0 {
		inc = r.IncidentID
	}
	var id int64
	err := s.db.QueryRowContext(ctx, s.q("INSERT INTO console_rotations (incident_id, kind, account, credential, journal, actor, state, started_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"),
		inc, r.Kind, r.Account, r.Credential, r.Journal, r.Actor, RotationRunning, s.nowMS()).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("record rotation: %w", err)
	}
	return id, nil
}

// FinishRotation records how a rotation ended.
func (s *Store) FinishRotation(ctx context.Context, id int64, state, errMsg string) error {
	_, err := s.db.ExecContext(ctx, s.q("UPDATE console_rotations SET state = ?, error = ?, finished_at = ? WHERE id = ?"), state, errMsg, s.nowMS(), id)
	return err
}

// Rotation returns one rotation.
func (s *Store) Rotation(ctx context.Context, id int64) (Rotation, error) {
	r, err := scanRotation(s.db.QueryRowContext(ctx, s.q("SELECT "+rotationColumns+" FROM console_rotations WHERE id = ?"), id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("rotation %d: %w", id, ErrNotFound)
	}
	return r, err
}

// Rotations lists the rotations of an incident (0: all), newest first.
func (s *Store) Rotations(ctx context.Context, incidentID int64) ([]Rotation, error) {
	query, args := "SELECT "+rotationColumns+" FROM console_rotations", []any{}
	if incidentID != 0 {
		query += " WHERE incident_id = ?"
		args = append(args, incidentID)
	}
	rows, err := s.db.QueryContext(ctx, s.q(query+" ORDER BY id DESC"), args...)
	if err != nil {
		return nil, fmt.Errorf("list rotations: %w", err)
	}
	defer rows.Close()
	var out []Rotation
	for rows.Next() {
		r, err := scanRotation(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
