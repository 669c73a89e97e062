package exposure

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// ParseDate reads a window bound: RFC 3339 (2026-03-03T10:00:00Z), a
// date (2026-03-03, midnight UTC), "now", or a span back from now
// ("7d", "36h", "2w").
func ParseDate(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "now" {
		return now, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	if d, err := ParseSpan(strings.TrimPrefix(s, "-")); err == nil {
		return now.Add(-d), nil
	}
	return time.Time{}, fmt.Errorf("date %q: want RFC 3339 (2026-03-03T10:00:00Z), a date (2026-03-03), now, or a span back from now (7d, 36h)", s)
}

// ParseSpan reads a duration with w and d units besides Go's (14d, 2w,
// 36h, 1d12h).
func ParseSpan(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, fmt.Errorf("empty span")
	}
	var total time.Duration
	rest := s
	for rest != "" {
		i := 0
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		j := i
		for j < len(rest) && (rest[j] < '0' || rest[j] > '9') {
			j++
		}
		if i == 0 || j == i {
			return 0, fmt.Errorf("span %q: want a number and a unit, e.g. 14d, 2w, 36h", s)
		}
		n, err := strconv.Atoi(rest[:i])
		if err != nil || n > 100000 {
			return 0, fmt.Errorf("span %q: number out of range", s)
		}
		unit := map[string]time.Duration{"w": 7 * 24 * time.Hour, "d": 24 * time.Hour, "h": time.Hour, "m": time.Minute, "s": time.Second}[rest[i:j]]
		if unit == 0 {
			return 0, fmt.Errorf("span %q: unknown unit %q (w, d, h, m, s)", s, rest[i:j])
		}
		total += time.Duration(n) * unit
		rest = rest[j:]
	}
	if total > 10*365*24*time.Hour {
		return 0, fmt.Errorf("span %q: over ten years", s)
	}
	return total, nil
}

// ParseKnownIPs reads a comma-separated list of addresses and CIDR ranges.
func ParseKnownIPs(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if p, err := netip.ParsePrefix(part); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(part)
		if err != nil {
			return nil, fmt.Errorf("known address %q: want an IP address or a CIDR range such as 198.51.100.0/24", part)
		}
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

// ParseHours reads work hours "7-21" (from 07:00 to 20:59; "22-6" wraps
// midnight; "0-24" is every hour).
func ParseHours(s string) ([2]int, error) {
	a, b, ok := strings.Cut(strings.TrimSpace(s), "-")
	from, err1 := strconv.Atoi(strings.TrimSpace(a))
	to, err2 := strconv.Atoi(strings.TrimSpace(b))
	if !ok || err1 != nil || err2 != nil || from < 0 || from > 23 || to < 0 || to > 24 || from == to {
		return [2]int{}, fmt.Errorf("work hours %q: want FROM-TO in whole hours, e.g. 7-21 (0-24: any hour)", s)
	}
	return [2]int{from, to}, nil
}
