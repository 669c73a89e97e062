package store

import (
	"errors"
	"fmt"
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

// searchCondition is the WHERE condition of a Filter.Search: the incident
// id, or a case-insensitive substring of the incident's rule, provider or
// redacted preview, of an occurrence's path, or of the name of a
// repository it occurs in. Each part is answered by an index (trigram
// FTS5 tables on SQLite, pg_trgm GIN indexes on Postgres: migration 4),
// never by reading every incident.
func (s *Store) searchCondition(q string) (string, []any) {
	var parts []string
	var args []any
	id, isID := searchID(q)
	if isID {
		parts = append(parts, "SELECT CAST(? AS BIGINT)")
		args = append(args, id)
	}
	if utf8.RuneCountInString(q) >= MinSearch {
		like := "%" + escapeLike(strings.ToLower(q)) + "%"
		repos := `SELECT incident_id FROM fleet_occurrences WHERE repository_id IN (SELECT id FROM fleet_repositories WHERE LOWER(name) LIKE ? ESCAPE '\')`
		if s.dialect == Postgres {
			parts = append(parts,
				`SELECT id FROM fleet_incidents WHERE rule ILIKE ? ESCAPE '\' OR provider ILIKE ? ESCAPE '\' OR secret_preview ILIKE ? ESCAPE '\'`,
				`SELECT incident_id FROM fleet_occurrences WHERE path ILIKE ? ESCAPE '\'`,
				strings.ReplaceAll(repos, "LOWER(name) LIKE", "name ILIKE"))
			args = append(args, like, like, like, like, like)
		} else {
			phrase := `"` + strings.ReplaceAll(q, `"`, `""`) + `"`
			parts = append(parts,
				`SELECT rowid FROM fleet_incidents_search WHERE fleet_incidents_search MATCH ?`,
				`SELECT o.incident_id FROM fleet_occurrences_search f JOIN fleet_occurrences o ON o.id = f.rowid WHERE fleet_occurrences_search MATCH ?`,
				repos)
			args = append(args, phrase, phrase, like)
		}
	}
	if len(parts) == 0 {
		return "1 = 0", nil
	}
	return "i.id IN (" + strings.Join(parts, " UNION ") + ")", args
}
