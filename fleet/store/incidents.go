package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Filter selects incidents. Zero fields select everything.
type Filter struct {
	Statuses []Status
	Provider string
	Rule     string
	// Repository keeps incidents with an occurrence in the repository
	// of that id, or else (RepositoryName) of that name or URL.
	RepositoryID   int64
	RepositoryName string
	// Verdict keeps incidents with that verdict ("live", "invalid",
	// "unknown", "not_verified").
	Verdict string
	// MinConfidence keeps incidents at least that confident ("low",
	// "medium", "high").
	MinConfidence string
	// SeenAfter and SeenBefore bound when the incident was first seen.
	SeenAfter, SeenBefore time.Time
	// Search matches the incident id (digits, "#" before them allowed),
	// or a case-insensitive substring of the rule, the provider, the
	// redacted preview, an occurrence's path or the name of a repository
	// the incident occurs in: MinSearch to MaxSearch characters, checked
	// by CheckSearch. Indexed on both databases.
	Search string
	// Limit caps the page (default 100, at most 1000); BeforeID is the
	// cursor: only incidents with a smaller id (the NextBefore of the
	// previous page).
	Limit    int
	BeforeID int64
}

// Page is one page of incidents, newest first.
type Page struct {
	Incidents []Incident `json:"incidents"`
	// NextBefore is the BeforeID of the next page (0 when this is the
	// last).
	NextBefore int64 `json:"next_before,omitempty"`
}

const incidentColumns = `i.id, i.fingerprint, i.rule, i.provider, i.description, i.secret_preview, i.confidence, i.status, i.status_reason,
	i.verdict, i.verdict_reason, i.verified_at, i.live_epoch, i.occurrence_count, i.repository_count, i.first_seen_at, i.last_seen_at, i.updated_at, i.version`

func scanIncident(row interface{ Scan(...any) error }) (Incident, error) {
	var in Incident
	var conf int
	var verified, first, last, updated sql.NullInt64
	err := row.Scan(&in.ID, &in.Fingerprint, &in.Rule, &in.Provider, &in.Description, &in.Secret, &conf, &in.Status, &in.StatusReason,
		&in.Verdict, &in.VerdictReason, &verified, &in.LiveEpoch, &in.OccurrenceCount, &in.RepositoryCount, &first, &last, &updated, &in.Version)
	in.Confidence = confidenceName(conf)
	in.VerifiedAt, in.FirstSeen, in.LastSeen, in.UpdatedAt = fromMS(verified), fromMS(first), fromMS(last), fromMS(updated)
	in.Occurrences = []Occurrence{}
	return in, err
}

// where builds the filter's WHERE clause. With a search, it selects the
// ids the search finds (the newest limit of them; 0: all).
func (s *Store) where(f Filter, limit int) (string, []any) {
	var conds []string
	var args []any
	if len(f.Statuses) > 0 {
		conds = append(conds, "i.status IN ("+placeholders(len(f.Statuses))+")")
		for _, st := range f.Statuses {
			args = append(args, string(st))
		}
	}
	add := func(cond string, v any) {
		conds = append(conds, cond)
		args = append(args, v)
	}
	if f.Provider != "" {
		add("i.provider = ?", f.Provider)
	}
	if f.Rule != "" {
		add("i.rule = ?", f.Rule)
	}
	if f.Verdict != "" {
		add("i.verdict = ?", f.Verdict)
	}
	if f.MinConfidence != "" {
		add("i.confidence >= ?", confidenceRank(f.MinConfidence))
	}
	if !f.SeenAfter.IsZero() {
		add("i.first_seen_at >= ?", f.SeenAfter.UnixMilli())
	}
	if !f.SeenBefore.IsZero() {
		add("i.first_seen_at < ?", f.SeenBefore.UnixMilli())
	}
	if f.RepositoryID != 0 {
		add("EXISTS (SELECT 1 FROM fleet_occurrences o WHERE o.incident_id = i.id AND o.repository_id = ?)", f.RepositoryID)
	}
	if f.RepositoryName != "" {
		conds = append(conds, "EXISTS (SELECT 1 FROM fleet_occurrences o JOIN fleet_repositories r ON r.id = o.repository_id WHERE o.incident_id = i.id AND (r.name = ? OR r.url = ?))")
		args = append(args, f.RepositoryName, f.RepositoryName)
	}
	if f.BeforeID > 0 {
		add("i.id < ?", f.BeforeID)
	}
	if f.Search != "" {
		ids, a := s.searchIDs(conds, args, f.Search, limit)
		return " WHERE i.id IN (" + ids + ")", a
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// ListIncidents returns a page of incidents, newest first, each with its
// occurrences.
func (s *Store) ListIncidents(ctx context.Context, f Filter) (Page, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	limit = min(limit, 1000)
	if err := CheckSearch(f.Search); err != nil {
		return Page{}, err
	}
	where, args := s.where(f, limit+1)
	rows, err := s.db.QueryContext(ctx, s.q("SELECT "+incidentColumns+" FROM fleet_incidents i"+where+" ORDER BY i.id DESC LIMIT ?"), append(args, limit+1)...)
	if err != nil {
		return Page{}, fmt.Errorf("list incidents: %w", err)
	}
	defer rows.Close()
	page := Page{Incidents: []Incident{}}
	for rows.Next() {
		in, err := scanIncident(rows)
		if err != nil {
			return Page{}, err
		}
		page.Incidents = append(page.Incidents, in)
	}
	if err := rows.Err(); err != nil {
		return Page{}, err
	}
	if len(page.Incidents) > limit {
		page.Incidents = page.Incidents[:limit]
		page.NextBefore = page.Incidents[limit-1].ID
	}
	return page, s.attachOccurrences(ctx, page.Incidents)
}

// CountIncidents counts the incidents a filter selects (Limit and
// BeforeID are ignored).
func (s *Store) CountIncidents(ctx context.Context, f Filter) (int, error) {
	f.BeforeID = 0
	if err := CheckSearch(f.Search); err != nil {
		return 0, err
	}
	where, args := s.where(f, 0)
	var n int
	err := s.db.QueryRowContext(ctx, s.q("SELECT COUNT(*) FROM fleet_incidents i"+where), args...).Scan(&n)
	return n, err
}

// CountIncidentsUpTo counts the incidents a filter selects as far as max:
// with more is true, there are more than max and n is max. A search is
// then counted from each part's newest max+1 matches only, so a common
// term costs what a page does, not a count of every incident it names.
func (s *Store) CountIncidentsUpTo(ctx context.Context, f Filter, max int) (n int, more bool, err error) {
	f.BeforeID = 0
	if err := CheckSearch(f.Search); err != nil {
		return 0, false, err
	}
	where, args := s.where(f, max+1)
	err = s.db.QueryRowContext(ctx, s.q("SELECT COUNT(*) FROM (SELECT i.id FROM fleet_incidents i"+where+" LIMIT ?) c"), append(args, max+1)...).Scan(&n)
	if n > max {
		return max, true, err
	}
	return n, false, err
}

func (s *Store) attachOccurrences(ctx context.Context, ins []Incident) error {
	if len(ins) == 0 {
		return nil
	}
	ids := make([]any, len(ins))
	pos := map[int64]int{}
	for i, in := range ins {
		ids[i] = in.ID
		pos[in.ID] = i
	}
	occs, err := s.occurrences(ctx, "o.incident_id IN ("+placeholders(len(ids))+")", ids...)
	if err != nil {
		return err
	}
	for _, o := range occs {
		in := &ins[pos[o.IncidentID]]
		in.Occurrences = append(in.Occurrences, o)
	}
	return nil
}

func (s *Store) occurrences(ctx context.Context, cond string, args ...any) ([]Occurrence, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT o.id, o.incident_id, o.repository_id, r.name, o.commit_sha, o.path, o.line, o.col, o.author, o.author_email,
	o.committed_at, o.blob, o.span_start, o.span_len, o.layer, o.image_ref, o.present, o.found_at
FROM fleet_occurrences o JOIN fleet_repositories r ON r.id = o.repository_id WHERE `+cond+" ORDER BY o.id"), args...)
	if err != nil {
		return nil, fmt.Errorf("list occurrences: %w", err)
	}
	defer rows.Close()
	var out []Occurrence
	for rows.Next() {
		var o Occurrence
		var date, found sql.NullInt64
		var present sql.NullBool
		if err := rows.Scan(&o.ID, &o.IncidentID, &o.RepositoryID, &o.Repository, &o.Commit, &o.Path, &o.Line, &o.Column, &o.Author, &o.AuthorEmail,
			&date, &o.Blob, &o.SpanStart, &o.SpanLen, &o.Layer, &o.ImageRef, &present, &found); err != nil {
			return nil, err
		}
		o.Date, o.FoundAt = fromMS(date), fromMS(found)
		if present.Valid {
			p := present.Bool
			o.Present = &p
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// Incident returns one incident with its occurrences.
func (s *Store) Incident(ctx context.Context, id int64) (Incident, error) {
	in, err := scanIncident(s.db.QueryRowContext(ctx, s.q("SELECT "+incidentColumns+" FROM fleet_incidents i WHERE i.id = ?"), id))
	if errors.Is(err, sql.ErrNoRows) {
		return in, fmt.Errorf("incident %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return in, err
	}
	ins := []Incident{in}
	err = s.attachOccurrences(ctx, ins)
	return ins[0], err
}

// Verifications returns an incident's verification history, oldest
// first.
func (s *Store) Verifications(ctx context.Context, incidentID int64) ([]Verification, error) {
	rows, err := s.db.QueryContext(ctx, s.q("SELECT id, verdict, reason, facts, actor, at FROM fleet_verifications WHERE incident_id = ? ORDER BY id"), incidentID)
	if err != nil {
		return nil, fmt.Errorf("list verifications: %w", err)
	}
	defer rows.Close()
	var out []Verification
	for rows.Next() {
		var v Verification
		var facts string
		var at sql.NullInt64
		if err := rows.Scan(&v.ID, &v.Verdict, &v.Reason, &facts, &v.Actor, &at); err != nil {
			return nil, err
		}
		v.Facts = decodeFacts(facts)
		v.At = fromMS(at)
		out = append(out, v)
	}
	return out, rows.Err()
}

// Events returns an incident's audit trail, oldest first.
func (s *Store) Events(ctx context.Context, incidentID int64) ([]Event, error) {
	rows, err := s.db.QueryContext(ctx, s.q("SELECT id, incident_id, actor, action, from_status, to_status, reason, comment, at FROM fleet_events WHERE incident_id = ? ORDER BY id"), incidentID)
	if err != nil {
		return nil, fmt.Errorf("list events: %w", err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		var at sql.NullInt64
		if err := rows.Scan(&e.ID, &e.IncidentID, &e.Actor, &e.Action, &e.FromStatus, &e.ToStatus, &e.Reason, &e.Comment, &at); err != nil {
			return nil, err
		}
		e.At = fromMS(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

func (s *Store) addEvent(ctx context.Context, q querier, e Event, now int64) error {
	_, err := q.ExecContext(ctx, s.q("INSERT INTO fleet_events (incident_id, actor, action, from_status, to_status, reason, comment, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
		e.IncidentID, e.Actor, e.Action, e.FromStatus, e.ToStatus, e.Reason, e.Comment, now)
	if err != nil {
		return fmt.Errorf("record event: %w", err)
	}
	return nil
}

// AddEvent appends an entry to an incident's audit trail (an action with
// no status change, such as "reverify_requested").
func (s *Store) AddEvent(ctx context.Context, e Event) error {
	return s.addEvent(ctx, s.db, e, s.nowMS())
}
