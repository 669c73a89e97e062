package proxy

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
	"time"

	"github.com/vigilsec/vigil/webhook"
)

func TestReplayCache(t *testing.T) {
	now := time.Unix(0, 0)
	c := newReplayCache(time.Minute, 3, func() time.Time { return now })
	k1, k2, k3 := newReplayKey("sig", "1"), newReplayKey("sig", "2"), newReplayKey("idem", "1")
	if k1 == k3 {
		t.Fatal("keys of different kinds collide")
	}
	steps := []struct {
		advance time.Duration
		keys    []replayKey
		want    bool
	}{
		{0, []replayKey{k1}, true},
		{0, []replayKey{k1}, false},
		{0, []replayKey{k2, k1}, false},            // refused as a whole…
		{0, []replayKey{k2}, true},                 // …so k2 was not recorded
		{70 * time.Second, []replayKey{k1}, false}, // still within the window (previous generation)
		{70 * time.Second, []replayKey{k1}, true},  // two windows later: forgotten
	}
	for i, s := range steps {
		now = now.Add(s.advance)
		if got := c.reserve(s.keys); got != s.want {
			t.Fatalf("step %d: reserve = %v, want %v", i, got, s.want)
		}
	}
	c.release([]replayKey{k1})
	if !c.reserve([]replayKey{k1}) {
		t.Error("released key still refused")
	}
	for i := range 10 {
		c.reserve([]replayKey{newReplayKey("sig", string(rune('a'+i)))})
	}
	if len(c.cur)+len(c.prev) > 6 || c.shortened == 0 {
		t.Errorf("cache not bounded: cur %d prev %d shortened %d", len(c.cur), len(c.prev), c.shortened)
	}
}

func TestURLBuilder(t *testing.T) {
	trusted := cidrs{netip.MustParsePrefix("10.0.0.0/8")}
	tests := []struct {
		name   string
		b      urlBuilder
		remote string
		hdr    map[string]string
		want   string
	}{
		{"direct", urlBuilder{}, "1.2.3.4:5", nil, "http://in.example:8080/p?q=%27"},
		{"base", urlBuilder{base: "https://pub.example/pre"}, "1.2.3.4:5", nil, "https://pub.example/pre/p?q=%27"},
		{"untrusted forwarded", urlBuilder{trusted: trusted}, "1.2.3.4:5", map[string]string{"X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example"}, "http://in.example:8080/p?q=%27"},
		{"trusted forwarded", urlBuilder{trusted: trusted}, "10.1.2.3:5", map[string]string{"X-Forwarded-Proto": "HTTPS, http", "X-Forwarded-Host": "pub.example, inner"}, "https://pub.example/p?q=%27"},
		{"trusted port", urlBuilder{trusted: trusted}, "10.1.2.3:5", map[string]string{"X-Forwarded-Proto": "https", "X-Forwarded-Host": "pub.example", "X-Forwarded-Port": "8443"}, "https://pub.example:8443/p?q=%27"},
		{"trusted default port", urlBuilder{trusted: trusted}, "10.1.2.3:5", map[string]string{"X-Forwarded-Proto": "https", "X-Forwarded-Host": "pub.example", "X-Forwarded-Port": "443"}, "https://pub.example/p?q=%27"},
		{"trusted bad host", urlBuilder{trusted: trusted}, "10.1.2.3:5", map[string]string{"X-Forwarded-Host": "a/b@c"}, "http://in.example:8080/p?q=%27"},
		{"trusted bad proto", urlBuilder{trusted: trusted}, "10.1.2.3:5", map[string]string{"X-Forwarded-Proto": "gopher"}, "http://in.example:8080/p?q=%27"},
		{"trusted broken IPv6 literal", urlBuilder{trusted: trusted}, "10.1.2.3:5", map[string]string{"X-Forwarded-Host": "["}, "http://in.example:8080/p?q=%27"},
		{"trusted IPv6 literal", urlBuilder{trusted: trusted}, "10.1.2.3:5", map[string]string{"X-Forwarded-Host": "[2001:db8::1]:8443"}, "http://[2001:db8::1]:8443/p?q=%27"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "http://in.example:8080/p?q=%27", nil)
			r.RequestURI = "/p?q=%27"
			r.RemoteAddr = tc.remote
			for k, v := range tc.hdr {
				r.Header.Set(k, v)
			}
			if got := tc.b.build(r); got != tc.want {
				t.Errorf("build = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestClientAddr(t *testing.T) {
	b := urlBuilder{trusted: cidrs{netip.MustParsePrefix("10.0.0.0/8")}}
	tests := []struct{ remote, xff, want string }{
		{"1.2.3.4:5", "9.9.9.9", "1.2.3.4"},
		{"10.0.0.1:5", "", "10.0.0.1"},
		{"10.0.0.1:5", "9.9.9.9, 8.8.8.8, 10.0.0.2", "8.8.8.8"},
		{"10.0.0.1:5", "10.0.0.3", "10.0.0.3"},
		{"10.0.0.1:5", "garbage, 10.0.0.3", "10.0.0.3"},
		{"[::ffff:1.2.3.4]:5", "", "1.2.3.4"},
		{"not an address", "", "invalid IP"},
	}
	for _, tc := range tests {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.RemoteAddr = tc.remote
		if tc.xff != "" {
			r.Header.Set("X-Forwarded-For", tc.xff)
		}
		if got := b.clientAddr(r).String(); got != tc.want {
			t.Errorf("clientAddr(%s, %q) = %s, want %s", tc.remote, tc.xff, got, tc.want)
		}
	}
}

func TestParseCIDRs(t *testing.T) {
	got, err := ParseCIDRs([]string{"10.0.0.0/8, 192.168.1.7", "2001:db8::/32"})
	if err != nil || len(got) != 3 || got[1].String() != "192.168.1.7/32" {
		t.Fatalf("ParseCIDRs = %v, %v", got, err)
	}
	for _, bad := range []string{"10.0.0.0/33", "nope", "1.2.3/8"} {
		if _, err := ParseCIDRs([]string{bad}); err == nil {
			t.Errorf("ParseCIDRs(%q) accepted", bad)
		}
	}
}

func TestKnownOutcomesCoverReasons(t *testing.T) {
	known := map[string]bool{}
	for _, o := range knownOutcomes() {
		known[o] = true
	}
	for _, err := range []error{webhook.ErrMissingSignature, webhook.ErrDuplicateSignature, webhook.ErrMalformed,
		webhook.ErrUnsignedBody, webhook.ErrBodyTooLarge, webhook.ErrBodyHash, webhook.ErrSignature, webhook.ErrNoToken, errors.New("x")} {
		if !known[webhook.Reason(err)] {
			t.Errorf("outcome %q missing from knownOutcomes", webhook.Reason(err))
		}
	}
}
