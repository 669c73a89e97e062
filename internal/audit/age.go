package audit

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ParseAge reads an age such as "90d", "2w", "36h" or "1d12h": numbers
// each followed by a unit among w (weeks), d (days), h, m and s. Ages are
// positive and at most 100 years.
func ParseAge(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, fmt.Errorf("age is empty: want for example 90d")
	}
	const limit = 100 * 365 * 24 * time.Hour
	var total time.Duration
	rest := s
	for rest != "" {
		i := 0
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		if i == 0 || i == len(rest) || i > 6 {
			return 0, fmt.Errorf("age %q: want numbers with units w, d, h, m or s, such as 90d or 1d12h", s)
		}
		n, _ := strconv.Atoi(rest[:i])
		var unit time.Duration
		switch rest[i] {
		case 'w':
			unit = 7 * 24 * time.Hour
		case 'd':
			unit = 24 * time.Hour
		case 'h':
			unit = time.Hour
		case 'm':
			unit = time.Minute
		case 's':
			unit = time.Second
		default:
			return 0, fmt.Errorf("age %q: unknown unit %q: want w, d, h, m or s", s, rest[i])
		}
		total += time.Duration(n) * unit
		if total > limit {
			return 0, fmt.Errorf("age %q: more than 100 years", s)
		}
		rest = rest[i+1:]
	}
	if total <= 0 {
		return 0, fmt.Errorf("age %q: must be more than zero", s)
	}
	return total, nil
}

// FormatAge writes an age in the largest whole unit: "90d", "36h", "45m".
func FormatAge(d time.Duration) string {
	switch {
	case d >= 24*time.Hour && d%(24*time.Hour) == 0:
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	case d >= 24*time.Hour:
		return fmt.Sprintf("%dd", int(d.Hours()/24))
	case d >= time.Hour:
		return fmt.Sprintf("%dh", int(d.Hours()))
	}
	return fmt.Sprintf("%dm", int(d.Minutes()))
}
