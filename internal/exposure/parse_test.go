package exposure

import (
	"strings"
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	for in, want := range map[string]string{
		"2026-03-03T10:00:00Z": "2026-03-03T10:00:00Z", "2026-03-03": "2026-03-03T00:00:00Z", "now": "2026-03-10T12:00:00Z",
		"7d": "2026-03-03T12:00:00Z", "-36h": "2026-03-09T00:00:00Z", "1w1d": "2026-03-02T12:00:00Z",
	} {
		got, err := ParseDate(in, now)
		if err != nil || got.Format(time.RFC3339) != want {
			t.Errorf("ParseDate(%q) = %v, %v; want %s", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "tuesday", "7x", "d", "2026-13-01"} {
		if _, err := ParseDate(bad, now); err == nil {
			t.Errorf("ParseDate(%q) accepted", bad)
		}
	}
}

func TestParseKnownIPsAndHours(t *testing.T) {
	ps, err := ParseKnownIPs("198.51.100.0/24, 203.0.113.7,2001:db8::/32,")
	if err != nil || len(ps) != 3 || ps[1].String() != "203.0.113.7/32" {
		t.Errorf("ParseKnownIPs = %v, %v", ps, err)
	}
	if _, err := ParseKnownIPs("198.51.100.300"); err == nil || !strings.Contains(err.Error(), "198.51.100.300") {
		t.Errorf("bad IP: %v", err)
	}
	if h, err := ParseHours("22-6"); err != nil || h != [2]int{22, 6} {
		t.Errorf("ParseHours = %v, %v", h, err)
	}
	for _, bad := range []string{"7", "7-7", "25-3", "a-b", "24-24"} {
		if _, err := ParseHours(bad); err == nil {
			t.Errorf("ParseHours(%q) accepted", bad)
		}
	}
}

func FuzzParsers(f *testing.F) {
	for _, s := range []string{"7d", "2026-03-03", "1w2d3h", "198.51.100.0/24,::1", "7-21", "99999999999d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if d, err := ParseSpan(s); err == nil && (d < 0 || d > 10*365*24*time.Hour) {
			t.Fatalf("ParseSpan(%q) = %v", s, d)
		}
		_, _ = ParseDate(s, now)
		_, _ = ParseKnownIPs(s)
		if h, err := ParseHours(s); err == nil && (h[0] < 0 || h[0] > 23 || h[1] < 0 || h[1] > 24 || h[0] == h[1]) {
			t.Fatalf("ParseHours(%q) = %v", s, h)
		}
	})
}
