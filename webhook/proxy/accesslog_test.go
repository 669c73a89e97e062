package proxy

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/netip"
	"testing"
	"time"
)

// slogLine is the line slog's JSON handler writes for a.
func slogLine(t testing.TB, now time.Time, a accessLine) string {
	t.Helper()
	var buf bytes.Buffer
	rec := slog.NewRecord(now, slog.LevelInfo, "request", 0)
	rec.AddAttrs(slog.String("outcome", a.outcome), slog.Int("status", a.status),
		slog.Int("upstream_status", a.upstream), slog.String("method", a.method),
		slog.String("path", a.path), slog.String("client", a.client.String()),
		slog.Duration("duration", a.duration))
	if err := slog.NewJSONHandler(&buf, nil).Handle(context.Background(), rec); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestAccessLineMatchesSlog(t *testing.T) {
	base := accessLine{outcome: OutcomeForwarded, status: 201, upstream: 201, method: "POST",
		client: netip.MustParseAddr("203.0.113.9"), duration: 1234567 * time.Nanosecond}
	for _, tc := range []struct {
		name string
		at   time.Time
		edit func(*accessLine)
	}{
		{"plain", time.Date(2026, 12, 2, 3, 4, 5, 0, time.UTC), func(a *accessLine) { a.path = "/sms" }},
		{"millis", time.Date(2026, 1, 2, 3, 4, 5, 120_999_999, time.UTC), func(a *accessLine) { a.path = "/a/b" }},
		{"zone", time.Date(2026, 6, 30, 23, 59, 59, 999_000_000, time.FixedZone("x", -5*3600-1800)), func(a *accessLine) {}},
		{"quotes", time.Unix(1, 0), func(a *accessLine) { a.path = `/a"b\c` }},
		{"controls", time.Unix(2, 5e6), func(a *accessLine) { a.path = "/\x00\x01\t\n\r\x1f\x7f" }},
		{"utf8", time.Unix(3, 0), func(a *accessLine) { a.path = "/café/\u2028\u2029/日本" }},
		{"bad utf8", time.Unix(4, 0), func(a *accessLine) { a.path = "/\xff\xc3(\xe2\x82" }},
		{"html", time.Unix(5, 0), func(a *accessLine) { a.path = "/<script>&amp;" }},
		{"ipv6", time.Unix(6, 0), func(a *accessLine) { a.client = netip.MustParseAddr("2001:db8::1"); a.upstream = 0 }},
		{"no client", time.Unix(7, 0), func(a *accessLine) { a.client = netip.Addr{}; a.method = "GET" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := base
			tc.edit(&a)
			got := string(appendAccessLine(nil, tc.at, a))
			if want := slogLine(t, tc.at, a); got != want {
				t.Errorf("\n got %s\nwant %s", got, want)
			}
			if !json.Valid([]byte(got)) {
				t.Errorf("not JSON: %s", got)
			}
		})
	}
}

func FuzzAccessLinePath(f *testing.F) {
	for _, s := range []string{"/sms", "/\xff", "/\u2028", `"\`, "\x00"} {
		f.Add(s)
	}
	at := time.Date(2026, 12, 2, 3, 4, 5, 6e6, time.UTC)
	f.Fuzz(func(t *testing.T, path string) {
		a := accessLine{outcome: OutcomeForwarded, status: 200, method: "POST", path: path,
			client: netip.MustParseAddr("127.0.0.1")}
		if got, want := string(appendAccessLine(nil, at, a)), slogLine(t, at, a); got != want {
			t.Errorf("\n got %s\nwant %s", got, want)
		}
	})
}
