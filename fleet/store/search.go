package store

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Search limits: trigram indexes need three characters to narrow a search
// down, and a longer search than anyone types is refused rather than cut.
const (
	MinSearch = 3
	MaxSearch = 200
)

// ErrSearch: the search text cannot be searched for (too short, too long,
// not text).
var ErrSearch = errors.New("search not accepted")

// CheckSearch says whether q (already trimmed) can be a Filter.Search: an
// incident id (digits, "#" before them allowed), or valid UTF-8 without
// control characters, MinSearch to MaxSearch characters long.
func CheckSearch(q string) error {
	if q == "" {
		return nil
	}
	if _, ok := searchID(q); ok {
		return nil
	}
	if !utf8.ValidString(q) {
		return fmt.Errorf("%w: the search is not valid UTF-8 text", ErrSearch)
	}
	if strings.ContainsFunc(q, unicode.IsControl) {
		return fmt.Errorf("%w: the search holds control characters", ErrSearch)
	}
	switch n := utf8.RuneCountInString(q); {
	case n < MinSearch:
		return fmt.Errorf("%w: search for at least %d characters (or an incident id)", ErrSearch, MinSearch)
	case n > MaxSearch:
		return fmt.Errorf("%w: the search is longer than %d characters", ErrSearch, MaxSearch)
	}
	return nil
}

// searchID reads an incident id: digits, "#" before them allowed.
func searchID(q string) (int64, bool) {
	id, err := strconv.ParseInt(strings.TrimPrefix(q, "#"), 10, 64)
	return id, err == nil && id > 0 && !strings.ContainsAny(q, "+-")
}

// searchIDs is a query of the ids of the incidents a search finds among
// those the other conditions (conds, with args) select: the incident id
// ("#" before the digits: only the id), or a case-insensitive substring
// of the incident's rule, provider or redacted preview, of an
// occurrence's path, or of the name of a repository it occurs in. Each
// part is answered by an index (trigram FTS5 tables on SQLite, pg_trgm
// GIN indexes on Postgres: migration 6), never by reading every incident.
//
// With a limit, each part keeps only its newest limit ids, so a search
// that matches most incidents reads a page's worth, not all of them; the
// caller's ORDER BY id DESC LIMIT then picks the page from their union.
func (s *Store) searchIDs(conds []string, args []any, q string, limit int) (string, []any) {
	var parts []string
	var partArgs [][]any
	id, isID := searchID(q)
	if isID {
		parts = append(parts, "i.id = ?")
		partArgs = append(partArgs, []any{id})
	}
	if !(isID && strings.HasPrefix(q, "#")) && utf8.RuneCountInString(q) >= MinSearch {
		like := "%" + escapeLike(strings.ToLower(q)) + "%"
		repos := `i.id IN (SELECT incident_id FROM fleet_occurrences WHERE repository_id IN (SELECT id FROM fleet_repositories WHERE LOWER(name) LIKE ? ESCAPE '\'))`
		if s.dialect == Postgres {
			parts = append(parts,
				`(i.rule ILIKE ? ESCAPE '\' OR i.provider ILIKE ? ESCAPE '\' OR i.secret_preview ILIKE ? ESCAPE '\')`,
				`i.id IN (SELECT incident_id FROM fleet_occurrences WHERE path ILIKE ? ESCAPE '\')`,
				strings.ReplaceAll(repos, "LOWER(name) LIKE", "name ILIKE"))
			partArgs = append(partArgs, []any{like, like, like}, []any{like}, []any{like})
		} else {
			phrase := `"` + strings.ReplaceAll(q, `"`, `""`) + `"`
			parts = append(parts,
				`i.id IN (SELECT rowid FROM fleet_incidents_search WHERE fleet_incidents_search MATCH ?)`,
				`i.id IN (SELECT o.incident_id FROM fleet_occurrences_search f JOIN fleet_occurrences o ON o.id = f.rowid WHERE fleet_occurrences_search MATCH ?)`,
				repos)
			partArgs = append(partArgs, []any{phrase}, []any{phrase}, []any{like})
		}
	}
	var selects []string
	var all []any
	for n, part := range parts {
		sel := "SELECT i.id FROM fleet_incidents i WHERE " + strings.Join(append(slices.Clone(conds), part), " AND ")
		if limit > 0 {
			sel = fmt.Sprintf("SELECT id FROM (%s ORDER BY i.id DESC LIMIT %d) part%d", sel, limit, n)
		}
		selects = append(selects, sel)
		all = append(append(all, args...), partArgs[n]...)
	}
	if len(selects) == 0 {
		return "SELECT 0 WHERE 1 = 0", nil // CheckSearch refuses such a search
	}
	return strings.Join(selects, " UNION "), all
}
