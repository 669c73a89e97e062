package twiliotest

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.yaml.in/yaml/v3"
)

// Time is a seed date: absolute, or relative to the emulator's clock when
// the seed is applied. The zero Time means "now".
type Time struct {
	abs time.Time
	rel time.Duration
	set bool
}

// At is an absolute seed date.
func At(t time.Time) Time { return Time{abs: t, set: true} }

// Ago is a seed date d before the moment the seed is applied.
func Ago(d time.Duration) Time { return Time{rel: -d, set: true} }

// IsZero reports whether the date was left out.
func (t Time) IsZero() bool { return !t.set }

// resolve turns the date into a time, relative to now.
func (t Time) resolve(now time.Time) time.Time {
	switch {
	case !t.set:
		return now
	case t.abs.IsZero():
		return now.Add(t.rel)
	}
	return t.abs.UTC()
}

// ParseTime reads a seed date: RFC 3339 ("2026-03-03T10:00:00Z"), a date
// ("2026-03-03", midnight UTC), "now", or an offset from now made of a
// sign, a number and a unit among w, d, h, m, s ("-90d", "-6d3h", "+1h").
func ParseTime(s string) (Time, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "" || s == "now":
		return Time{set: s == "now"}, nil
	case s[0] == '-' || s[0] == '+':
		d, err := parseOffset(s[1:])
		if err != nil {
			return Time{}, fmt.Errorf("date %q: %w", s, err)
		}
		if s[0] == '-' {
			d = -d
		}
		return Time{rel: d, set: true}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return At(t), nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return At(t), nil
	}
	return Time{}, fmt.Errorf("date %q: want RFC 3339 (2026-03-03T10:00:00Z), a date (2026-03-03), now, or an offset such as -90d or -6d3h", s)
}

// parseOffset reads "6d3h" style durations: w, d, h, m, s units.
func parseOffset(s string) (time.Duration, error) {
	if s == "" {
		return 0, fmt.Errorf("empty offset")
	}
	units := map[byte]time.Duration{'w': 7 * 24 * time.Hour, 'd': 24 * time.Hour, 'h': time.Hour, 'm': time.Minute, 's': time.Second}
	var total time.Duration
	for s != "" {
		i := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == 0 || i == len(s) {
			return 0, fmt.Errorf("want a number followed by a unit (w, d, h, m, s)")
		}
		n, err := strconv.ParseInt(s[:i], 10, 32)
		unit, ok := units[s[i]]
		if err != nil || !ok {
			return 0, fmt.Errorf("bad offset part %q: want a number followed by w, d, h, m or s", s[:i+1])
		}
		total += time.Duration(n) * unit
		if total > 100*365*24*time.Hour {
			return 0, fmt.Errorf("offset over 100 years")
		}
		s = s[i+1:]
	}
	return total, nil
}

// String returns the form ParseTime reads.
func (t Time) String() string {
	switch {
	case !t.set:
		return ""
	case t.abs.IsZero() && t.rel == 0:
		return "now"
	case t.abs.IsZero():
		sign := "+"
		d := t.rel
		if d < 0 {
			sign, d = "-", -d
		}
		return sign + strconv.FormatInt(int64(d/time.Second), 10) + "s"
	}
	return t.abs.UTC().Format(time.RFC3339)
}

// UnmarshalYAML reads a date from a seed file, naming the line on error.
func (t *Time) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: a date must be a single value", n.Line)
	}
	v, err := ParseTime(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %w", n.Line, err)
	}
	*t = v
	return nil
}

// MarshalYAML writes the form ParseTime reads.
func (t Time) MarshalYAML() (any, error) { return t.String(), nil }

// UnmarshalJSON reads a date from a JSON seed.
func (t *Time) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("a date must be a string: %w", err)
	}
	v, err := ParseTime(s)
	if err != nil {
		return err
	}
	*t = v
	return nil
}

// MarshalJSON writes the form ParseTime reads.
func (t Time) MarshalJSON() ([]byte, error) { return json.Marshal(t.String()) }

// UnmarshalYAML checks a key type while reading a seed file.
func (k *KeyType) UnmarshalYAML(n *yaml.Node) error {
	switch v := KeyType(strings.ToLower(n.Value)); v {
	case "", KeyMain, KeyStandard, KeyRestricted:
		*k = v
		return nil
	}
	return fmt.Errorf("line %d: key type %q: want main, standard or restricted", n.Line, n.Value)
}

// Clock is a settable clock for deterministic tests: pass its Now as
// Options.Clock.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock stopped at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}
