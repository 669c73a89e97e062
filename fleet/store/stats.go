package store

import (
	"context"
	"fmt"
	"sort"
	"time"
)

// Count is a number of incidents with one value of a field.
type Count struct {
	Value string `json:"value"`
	N     int    `json:"n"`
}

// Week is one week of the trend: incidents first seen in it, and
// incidents closed (resolved or ignored) in it.
type Week struct {
	Start  time.Time `json:"start"`
	New    int       `json:"new"`
	Closed int       `json:"closed"`
}

// Stats is the overview of the fleet's incidents.
type Stats struct {
	// Open counts the incidents not yet closed (open or acknowledged);
	// the breakdowns below are of those.
	Open         int     `json:"open"`
	ByConfidence []Count `json:"by_confidence"`
	ByProvider   []Count `json:"by_provider"`
	ByVerdict    []Count `json:"by_verdict"`
	ByStatus     []Count `json:"by_status"`
	// NewThisWeek counts incidents first seen in the last seven days.
	NewThisWeek int    `json:"new_this_week"`
	Trend       []Week `json:"trend"`
}

// Stats counts the incidents for the overview, with a trend of the last
// weeks (oldest first) ending at now.
func (s *Store) Stats(ctx context.Context, now time.Time, weeks int) (Stats, error) {
	var st Stats
	var err error
	openWhere := " WHERE status IN ('open', 'acknowledged')"
	if st.ByStatus, err = s.counts(ctx, "status", ""); err != nil {
		return st, err
	}
	for _, c := range st.ByStatus {
		if c.Value == string(StatusOpen) || c.Value == string(StatusAcknowledged) {
			st.Open += c.N
		}
	}
	if st.ByConfidence, err = s.counts(ctx, "confidence", openWhere); err != nil {
		return st, err
	}
	for i := range st.ByConfidence {
		var rank int
		fmt.Sscan(st.ByConfidence[i].Value, &rank)
		st.ByConfidence[i].Value = confidenceName(rank)
	}
	if st.ByProvider, err = s.counts(ctx, "provider", openWhere); err != nil {
		return st, err
	}
	if st.ByVerdict, err = s.counts(ctx, "verdict", openWhere); err != nil {
		return st, err
	}
	week := 7 * 24 * time.Hour
	if err := s.db.QueryRowContext(ctx, s.q("SELECT COUNT(*) FROM fleet_incidents WHERE first_seen_at >= ?"), now.Add(-week).UnixMilli()).Scan(&st.NewThisWeek); err != nil {
		return st, fmt.Errorf("count new incidents: %w", err)
	}
	st.Trend, err = s.trend(ctx, now, weeks)
	return st, err
}

// counts groups incidents by a column, largest group first.
func (s *Store) counts(ctx context.Context, column, where string) ([]Count, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT "+column+", COUNT(*) FROM fleet_incidents"+where+" GROUP BY "+column)
	if err != nil {
		return nil, fmt.Errorf("count incidents by %s: %w", column, err)
	}
	defer rows.Close()
	out := []Count{}
	for rows.Next() {
		var c Count
		var v any
		if err := rows.Scan(&v, &c.N); err != nil {
			return nil, err
		}
		c.Value = fmt.Sprint(v)
		if b, ok := v.([]byte); ok {
			c.Value = string(b)
		}
		out = append(out, c)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].N != out[j].N {
			return out[i].N > out[j].N
		}
		return out[i].Value < out[j].Value
	})
	return out, rows.Err()
}

// trend counts new and closed incidents per week.
func (s *Store) trend(ctx context.Context, now time.Time, weeks int) ([]Week, error) {
	if weeks <= 0 {
		return nil, nil
	}
	week := int64(7 * 24 * time.Hour / time.Millisecond)
	end := now.UnixMilli()
	start := end - int64(weeks)*week
	out := make([]Week, weeks)
	for i := range out {
		out[i].Start = time.UnixMilli(start + int64(i)*week).UTC()
	}
	bucket := func(query string, add func(w *Week, n int)) error {
		rows, err := s.db.QueryContext(ctx, s.q(query), start, week, start)
		if err != nil {
			return fmt.Errorf("trend: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var b int64
			var n int
			if err := rows.Scan(&b, &n); err != nil {
				return err
			}
			// Anything stamped at or after now (the same millisecond,
			// or a worker whose clock runs ahead) is this week's.
			if b >= 0 {
				add(&out[min(b, int64(weeks)-1)], n)
			}
		}
		return rows.Err()
	}
	if err := bucket("SELECT (first_seen_at - ?) / ? AS b, COUNT(*) FROM fleet_incidents WHERE first_seen_at >= ? GROUP BY b",
		func(w *Week, n int) { w.New += n }); err != nil {
		return nil, err
	}
	if err := bucket("SELECT (at - ?) / ? AS b, COUNT(*) FROM fleet_events WHERE to_status IN ('resolved', 'ignored') AND at >= ? GROUP BY b",
		func(w *Week, n int) { w.Closed += n }); err != nil {
		return nil, err
	}
	return out, nil
}

// Providers lists the providers of stored incidents (for filters).
func (s *Store) Providers(ctx context.Context) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT DISTINCT provider FROM fleet_incidents ORDER BY provider")
	if err != nil {
		return nil, fmt.Errorf("list providers: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, err
		}
		if p != "" {
			out = append(out, p)
		}
	}
	return out, rows.Err()
}
