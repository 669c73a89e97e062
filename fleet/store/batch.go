package store

import (
	"context"
	"database/sql"
	"fmt"
)

// The batch forms below let a pass over many repositories cost a few
// statements rather than a few per repository: a pass with nothing new
// must stay a small fraction of the first.

// UpsertRepositories is UpsertRepository for many repositories in one
// transaction; it returns their ids in order.
func (s *Store) UpsertRepositories(ctx context.Context, repos []Repository) ([]int64, error) {
	ids := make([]int64, 0, len(repos))
	err := s.tx(ctx, func(tx *sql.Tx) error {
		ids = ids[:0]
		now := s.nowMS()
		for _, r := range repos {
			id, err := s.upsertRepository(ctx, tx, r, now)
			if err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return nil
	})
	return ids, err
}

// ScanStates returns the scan state (ref → tip) of every repository that
// has one, by repository id.
func (s *Store) ScanStates(ctx context.Context) (map[int64]map[string]string, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT repository_id, ref, tip FROM fleet_ref_tips")
	if err != nil {
		return nil, fmt.Errorf("read scan states: %w", err)
	}
	defer rows.Close()
	out := map[int64]map[string]string{}
	for rows.Next() {
		var id int64
		var ref, tip string
		if err := rows.Scan(&id, &ref, &tip); err != nil {
			return nil, err
		}
		if out[id] == nil {
			out[id] = map[string]string{}
		}
		out[id][ref] = tip
	}
	return out, rows.Err()
}

// RepositoriesChecked records that the remotes of repositories were
// reached and had nothing new: RepositorySynced for each (with the
// activity their listing gave this pass), in one statement per 500.
func (s *Store) RepositoriesChecked(ctx context.Context, ids []int64) error {
	return s.eachBatch(ids, func(part []any) error {
		_, err := s.db.ExecContext(ctx, s.q(`UPDATE fleet_repositories SET last_synced_at = ?, last_error = '', gone = FALSE, checked_activity_at = activity_at, quiet_passes = 0
WHERE id IN (`+placeholders(len(part))+")"), append([]any{s.nowMS()}, part...)...)
		return err
	})
}

// RepositoriesQuiet records a pass that did not ask the remotes of
// repositories because their listings said nothing was pushed.
func (s *Store) RepositoriesQuiet(ctx context.Context, ids []int64) error {
	return s.eachBatch(ids, func(part []any) error {
		_, err := s.db.ExecContext(ctx, s.q("UPDATE fleet_repositories SET quiet_passes = quiet_passes + 1 WHERE id IN ("+placeholders(len(part))+")"), part...)
		return err
	})
}

// SourcesPolled records a successful poll of sources (SourcePolled with
// no error for each), in one statement per 500.
func (s *Store) SourcesPolled(ctx context.Context, ids []int64) error {
	return s.eachBatch(ids, func(part []any) error {
		_, err := s.db.ExecContext(ctx, s.q("UPDATE fleet_sources SET last_polled_at = ?, last_error = '' WHERE id IN ("+placeholders(len(part))+")"),
			append([]any{s.nowMS()}, part...)...)
		return err
	})
}

// eachBatch calls fn with the ids, 500 at a time (within every
// database's limit on bound parameters).
func (s *Store) eachBatch(ids []int64, fn func([]any) error) error {
	for len(ids) > 0 {
		n := min(len(ids), 500)
		part := make([]any, n)
		for i, id := range ids[:n] {
			part[i] = id
		}
		if err := fn(part); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}
