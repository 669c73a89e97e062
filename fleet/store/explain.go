package store

import (
	"context"
	"fmt"
)

// ExplainList returns the database's plan of the query ListIncidents
// runs for a filter (a page of 100), executed and timed (EXPLAIN ANALYZE on Postgres,
// EXPLAIN QUERY PLAN on SQLite), one line a step: benchmarks show with it
// which indexes a filter uses.
func (s *Store) ExplainList(ctx context.Context, f Filter) ([]string, error) {
	if err := CheckSearch(f.Search); err != nil {
		return nil, err
	}
	where, args := s.where(f, 101)
	query := "SELECT " + incidentColumns + " FROM fleet_incidents i" + where + " ORDER BY i.id DESC LIMIT 101"
	explain := "EXPLAIN (ANALYZE, BUFFERS) "
	if s.dialect != Postgres {
		explain = "EXPLAIN QUERY PLAN "
	}
	rows, err := s.db.QueryContext(ctx, s.q(explain+query), args...)
	if err != nil {
		return nil, fmt.Errorf("explain: %w", err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var plan []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		plan = append(plan, fmt.Sprint(vals[len(vals)-1])) // the step's text
	}
	return plan, rows.Err()
}
