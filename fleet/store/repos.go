package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// SyncSources stores the fleet file's sources: new ones are added, known
// ones updated and enabled, and those no longer in the file disabled
// (their repositories and incidents are kept). It returns the sources'
// ids by name.
func (s *Store) SyncSources(ctx context.Context, sources []Source) (map[string]int64, error) {
	ids := map[string]int64{}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		now := s.nowMS()
		for _, src := range sources {
			var id int64
			err := tx.QueryRowContext(ctx, s.q(`INSERT INTO fleet_sources (name, kind, spec, enabled, created_at) VALUES (?, ?, ?, TRUE, ?)
ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, spec = excluded.spec, enabled = TRUE RETURNING id`),
				src.Name, src.Kind, src.Spec, now).Scan(&id)
			if err != nil {
				return fmt.Errorf("store source %s: %w", src.Name, err)
			}
			ids[src.Name] = id
		}
		rows, err := tx.QueryContext(ctx, "SELECT id, name FROM fleet_sources WHERE enabled")
		if err != nil {
			return err
		}
		var gone []int64
		for rows.Next() {
			var id int64
			var name string
			if err := rows.Scan(&id, &name); err != nil {
				rows.Close()
				return err
			}
			if _, ok := ids[name]; !ok {
				gone = append(gone, id)
			}
		}
		rows.Close()
		for _, id := range gone {
			if _, err := tx.ExecContext(ctx, s.q("UPDATE fleet_sources SET enabled = FALSE WHERE id = ?"), id); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, s.q("UPDATE fleet_repositories SET enabled = FALSE WHERE source_id = ?"), id); err != nil {
				return err
			}
		}
		return rows.Err()
	})
	return ids, err
}

// Sources lists the enabled sources.
func (s *Store) Sources(ctx context.Context) ([]Source, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT id, name, kind, spec, enabled, last_polled_at, last_error FROM fleet_sources WHERE enabled ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("list sources: %w", err)
	}
	defer rows.Close()
	var out []Source
	for rows.Next() {
		var src Source
		var polled sql.NullInt64
		if err := rows.Scan(&src.ID, &src.Name, &src.Kind, &src.Spec, &src.Enabled, &polled, &src.LastError); err != nil {
			return nil, err
		}
		src.LastPolledAt = fromMS(polled)
		out = append(out, src)
	}
	return out, rows.Err()
}

// Source returns one source.
func (s *Store) Source(ctx context.Context, id int64) (Source, error) {
	var src Source
	var polled sql.NullInt64
	err := s.db.QueryRowContext(ctx, s.q("SELECT id, name, kind, spec, enabled, last_polled_at, last_error FROM fleet_sources WHERE id = ?"), id).
		Scan(&src.ID, &src.Name, &src.Kind, &src.Spec, &src.Enabled, &polled, &src.LastError)
	if errors.Is(err, sql.ErrNoRows) {
		return src, fmt.Errorf("source %d: %w", id, ErrNotFound)
	}
	src.LastPolledAt = fromMS(polled)
	return src, err
}

// SourcePolled records a poll of a source and its outcome ("" for
// success).
func (s *Store) SourcePolled(ctx context.Context, id int64, errMsg string) error {
	_, err := s.db.ExecContext(ctx, s.q("UPDATE fleet_sources SET last_polled_at = ?, last_error = ? WHERE id = ?"), s.nowMS(), errMsg, id)
	return err
}

// UpsertRepository adds a repository (by URL) or updates its name, source
// and token variable; a repository seen again is no longer gone.
func (s *Store) UpsertRepository(ctx context.Context, r Repository) (int64, error) {
	return s.upsertRepository(ctx, s.db, r, s.nowMS())
}

func (s *Store) upsertRepository(ctx context.Context, q querier, r Repository, now int64) (int64, error) {
	var id int64
	var src any
	if r.SourceID != 0 {
		src = r.SourceID
	}
	err := q.QueryRowContext(ctx, s.q(`INSERT INTO fleet_repositories (source_id, name, url, kind, token_env, enabled, activity_at, created_at) VALUES (?, ?, ?, ?, ?, TRUE, ?, ?)
ON CONFLICT (url) DO UPDATE SET source_id = excluded.source_id, name = excluded.name, kind = excluded.kind, token_env = excluded.token_env, enabled = TRUE, gone = FALSE,
	activity_at = excluded.activity_at
RETURNING id`), src, r.Name, r.URL, r.Kind, r.TokenEnv, ms(r.ActivityAt), now).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("store repository %s: %w", r.URL, err)
	}
	return id, nil
}

// MarkMissing marks the repositories of a source that its last listing no
// longer holds (deleted or renamed upstream) as gone; their incidents are
// kept.
func (s *Store) MarkMissing(ctx context.Context, sourceID int64, keep []int64) (int, error) {
	args := []any{sourceID}
	query := "UPDATE fleet_repositories SET gone = TRUE, last_error = 'no longer listed by its source (deleted, renamed or made private)', last_error_at = ? WHERE source_id = ? AND NOT gone"
	args = append([]any{s.nowMS()}, args...)
	if len(keep) > 0 {
		query += " AND id NOT IN (" + placeholders(len(keep)) + ")"
		for _, k := range keep {
			args = append(args, k)
		}
	}
	res, err := s.db.ExecContext(ctx, s.q(query), args...)
	if err != nil {
		return 0, err
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

const repoColumns = `id, COALESCE(source_id, 0), name, url, kind, token_env, enabled, gone, last_synced_at, last_scanned_at, last_error, last_error_at, scans,
	activity_at, checked_activity_at, quiet_passes`

func scanRepo(row interface{ Scan(...any) error }) (Repository, error) {
	var r Repository
	var synced, scanned, errAt, activity, checked sql.NullInt64
	err := row.Scan(&r.ID, &r.SourceID, &r.Name, &r.URL, &r.Kind, &r.TokenEnv, &r.Enabled, &r.Gone, &synced, &scanned, &r.LastError, &errAt, &r.Scans,
		&activity, &checked, &r.QuietPasses)
	r.LastSyncedAt, r.LastScannedAt, r.LastErrorAt = fromMS(synced), fromMS(scanned), fromMS(errAt)
	r.ActivityAt, r.CheckedActivityAt = fromMS(activity), fromMS(checked)
	return r, err
}

// Repository returns one repository.
func (s *Store) Repository(ctx context.Context, id int64) (Repository, error) {
	r, err := scanRepo(s.db.QueryRowContext(ctx, s.q("SELECT "+repoColumns+" FROM fleet_repositories WHERE id = ?"), id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("repository %d: %w", id, ErrNotFound)
	}
	return r, err
}

// Repositories lists repositories by id; sourceID 0 means all, and only
// enabled ones are listed unless all is set.
func (s *Store) Repositories(ctx context.Context, sourceID int64, all bool) ([]Repository, error) {
	query := "SELECT " + repoColumns + " FROM fleet_repositories WHERE 1 = 1"
	var args []any
	if sourceID != 0 {
		query += " AND source_id = ?"
		args = append(args, sourceID)
	}
	if !all {
		query += " AND enabled"
	}
	rows, err := s.db.QueryContext(ctx, s.q(query+" ORDER BY id"), args...)
	if err != nil {
		return nil, fmt.Errorf("list repositories: %w", err)
	}
	defer rows.Close()
	var out []Repository
	for rows.Next() {
		r, err := scanRepo(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// RepositoryFailed records why a repository could not be synced or
// scanned; gone marks it deleted or renamed upstream. What was stored
// before stays.
func (s *Store) RepositoryFailed(ctx context.Context, id int64, msg string, gone bool) error {
	_, err := s.db.ExecContext(ctx, s.q("UPDATE fleet_repositories SET last_error = ?, last_error_at = ?, gone = ? WHERE id = ?"), msg, s.nowMS(), gone, id)
	return err
}

// RepositorySynced records a successful sync (the error is cleared);
// activity is what the repository's listing said before the sync began
// (zero when it has none), remembered as checked.
func (s *Store) RepositorySynced(ctx context.Context, id int64, activity time.Time) error {
	_, err := s.db.ExecContext(ctx, s.q("UPDATE fleet_repositories SET last_synced_at = ?, last_error = '', gone = FALSE, checked_activity_at = ?, quiet_passes = 0 WHERE id = ?"),
		s.nowMS(), ms(activity), id)
	return err
}

// RefTips returns the tip each ref had when it was last scanned.
func (s *Store) RefTips(ctx context.Context, repoID int64) (map[string]string, error) {
	rows, err := s.db.QueryContext(ctx, s.q("SELECT ref, tip FROM fleet_ref_tips WHERE repository_id = ?"), repoID)
	if err != nil {
		return nil, fmt.Errorf("read scan state: %w", err)
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

// AcquireLease makes owner the only scanner of a repository until ttl
// passes or it releases the lease; it reports false when another owner
// holds an unexpired lease. A lease of a worker that died expires.
func (s *Store) AcquireLease(ctx context.Context, repoID int64, owner string, ttl time.Duration) (bool, error) {
	now := s.nowMS()
	res, err := s.db.ExecContext(ctx, s.q("UPDATE fleet_repositories SET lease_owner = ?, lease_until = ? WHERE id = ? AND (lease_owner = '' OR lease_owner = ? OR lease_until < ?)"),
		owner, now+ttl.Milliseconds(), repoID, owner, now)
	if err != nil {
		return false, fmt.Errorf("lease repository %d: %w", repoID, err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// ReleaseLease ends owner's lease on a repository.
func (s *Store) ReleaseLease(ctx context.Context, repoID int64, owner string) error {
	_, err := s.db.ExecContext(ctx, s.q("UPDATE fleet_repositories SET lease_owner = '', lease_until = 0 WHERE id = ? AND lease_owner = ?"), repoID, owner)
	return err
}

// Setting reads a value stored with PutSetting ("" when absent).
func (s *Store) Setting(ctx context.Context, key string) (string, error) {
	var v string
	err := s.db.QueryRowContext(ctx, s.q("SELECT value FROM fleet_settings WHERE key = ?"), key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, err
}

// PutSetting stores a value (never a secret).
func (s *Store) PutSetting(ctx context.Context, key, value string) error {
	_, err := s.db.ExecContext(ctx, s.q("INSERT INTO fleet_settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at"),
		key, value, s.nowMS())
	return err
}
