package tlscheck

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"net"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vigilsec/vigil/internal/tlscheck/tlstest"
)

// to sends every connection to srv, whatever host was asked for: the
// certificate is then judged for the name in the Target.
func to(srv *httptest.Server) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, srv.Listener.Addr().String())
	}
}

func TestCheck(t *testing.T) {
	ca, other := tlstest.NewCA(t), tlstest.NewCA(t)
	now := time.Now()
	good := ca.Good("hooks.test")
	goodPin := Fingerprint(sha256.Sum256(good.Certificate[0]))
	for _, tt := range []struct {
		name       string
		cert       tls.Certificate
		minV, maxV uint16
		host       string
		roots      *tlstest.CA
		pins       []Fingerprint
		within     time.Duration
		want       []Kind
		detail     string
	}{
		{name: "good", cert: good, host: "hooks.test"},
		{name: "good, pinned", cert: good, host: "hooks.test", pins: []Fingerprint{{1}, goodPin}},
		{name: "pin mismatch", cert: good, host: "hooks.test", pins: []Fingerprint{{1}}, want: []Kind{KindPin}, detail: "is not the pinned 01:00:00"},
		{name: "other host name", cert: good, host: "api.hooks.test", want: []Kind{KindChain}, detail: "not valid for api.hooks.test (it is for hooks.test)"},
		{name: "untrusted root", cert: good, host: "hooks.test", roots: other, want: []Kind{KindChain}, detail: "not issued by a trusted authority"},
		{name: "expires in 10 days", cert: ca.Leaf([]string{"hooks.test"}, now.AddDate(0, -1, 0), now.Add(10*24*time.Hour+time.Hour)), host: "hooks.test",
			want: []Kind{KindExpiry}, detail: "the leaf certificate expires on " + now.Add(10*24*time.Hour+time.Hour).UTC().Format(time.DateOnly) + ", in 10 days (less than 30 days)"},
		{name: "expires in 10 days, 7 allowed", cert: ca.Leaf([]string{"hooks.test"}, now.AddDate(0, -1, 0), now.Add(10*24*time.Hour+time.Hour)), host: "hooks.test", within: 7 * 24 * time.Hour},
		{name: "expired", cert: ca.Leaf([]string{"hooks.test"}, now.AddDate(0, -2, 0), now.AddDate(0, 0, -1)), host: "hooks.test",
			want: []Kind{KindChain, KindExpiry}, detail: "expired or not yet valid"},
		{name: "TLS 1.1 only", cert: good, host: "hooks.test", minV: tls.VersionTLS10, maxV: tls.VersionTLS11, want: []Kind{KindProtocol}, detail: "negotiated TLS 1.1; TLS 1.2 or newer is required"},
		{name: "TLS 1.0 still accepted", cert: good, host: "hooks.test", minV: tls.VersionTLS10, want: []Kind{KindProtocol}, detail: "also accepts TLS 1.1"},
		{name: "an IP address", cert: ca.Good("127.0.0.1"), host: "127.0.0.1"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := tlstest.Serve(t, tt.cert, tt.minV, tt.maxV, nil)
			roots := ca
			if tt.roots != nil {
				roots = tt.roots
			}
			r := Check(context.Background(), Target{Host: tt.host, Pins: tt.pins}, Options{Roots: roots.Pool(), Dial: to(srv), ExpiryWithin: tt.within})
			if r.Err != "" {
				t.Fatalf("error: %s", r.Err)
			}
			var kinds []Kind
			text := ""
			for _, p := range r.Problems {
				kinds = append(kinds, p.Kind)
				text += p.Detail + "\n"
			}
			if strings.Join(kindStrings(kinds), ",") != strings.Join(kindStrings(tt.want), ",") || !strings.Contains(text, tt.detail) {
				t.Errorf("problems %v %q; want %v %q", kinds, text, tt.want, tt.detail)
			}
			if r.OK() != (len(tt.want) == 0) || r.Verified != !slicesHas(tt.want, KindChain) {
				t.Errorf("OK %v Verified %v", r.OK(), r.Verified)
			}
			leaf := r.Leaf()
			if leaf == nil || leaf.SHA256 != Fingerprint(sha256.Sum256(tt.cert.Certificate[0])) ||
				leaf.Serial != hexBytes(tt.cert.Leaf.SerialNumber.Bytes()) || !strings.Contains(leaf.Serial, ":") {
				t.Errorf("leaf %+v", leaf)
			}
		})
	}
}

func kindStrings(k []Kind) []string {
	out := make([]string, len(k))
	for i, x := range k {
		out[i] = string(x)
	}
	return out
}

func slicesHas(k []Kind, want Kind) bool { return slices.Contains(k, want) }

// TestCheckUnreachable: no handshake means an error, never "OK".
func TestCheckUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().(*net.TCPAddr)
	l.Close()
	r := Check(context.Background(), Target{Host: "127.0.0.1", Port: strconv.Itoa(addr.Port)}, Options{})
	if r.OK() || !strings.Contains(r.Err, "connect to 127.0.0.1:") {
		t.Errorf("%+v", r)
	}
	// A server that is not TLS at all.
	plain := httptest.NewServer(nil)
	defer plain.Close()
	r = Check(context.Background(), Target{Host: "hooks.test"}, Options{Dial: to(plain), Timeout: 2 * time.Second})
	if r.OK() || !strings.Contains(r.Err, "TLS handshake") {
		t.Errorf("%+v", r)
	}
}

func TestCheckAllKeepsOrder(t *testing.T) {
	ca := tlstest.NewCA(t)
	srv := tlstest.Serve(t, ca.Good("a.test", "b.test"), 0, 0, nil)
	targets := []Target{{Host: "a.test"}, {Host: "c.test"}, {Host: "b.test"}}
	rs := CheckAll(context.Background(), targets, Options{Roots: ca.Pool(), Dial: to(srv)}, 2)
	if len(rs) != 3 || !rs[0].OK() || rs[1].OK() || !rs[2].OK() || rs[1].Host != "c.test" {
		t.Errorf("%+v", rs)
	}
}

func TestParseFingerprint(t *testing.T) {
	const hex = "D0ED7101D3B15BF760A3222DE595D596B43A714DF14EFCC65FB45C6096395D80"
	spaced := "D0 ED 71 01 D3 B1 5B F7 60 A3 22 2D E5 95 D5 96 B4 3A 71 4D F1 4E FC C6 5F B4 5C 60 96 39 5D 80"
	want, err := ParseFingerprint(hex)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{spaced, strings.ToLower(hex), strings.ReplaceAll(spaced, " ", ":"), "sha256:" + hex,
		"SHA256 Fingerprint=" + strings.ReplaceAll(spaced, " ", ":"), "  " + hex + "\n"} {
		if got, err := ParseFingerprint(s); err != nil || got != want {
			t.Errorf("ParseFingerprint(%q) = %v, %v", s, got, err)
		}
	}
	if want.String() != strings.ReplaceAll(spaced, " ", ":") {
		t.Errorf("String() = %s", want)
	}
	for _, s := range []string{"", hex[:62], hex + "00", strings.Replace(hex, "D", "G", 1), "md5:" + hex} {
		if _, err := ParseFingerprint(s); err == nil {
			t.Errorf("ParseFingerprint(%q) accepted", s)
		}
	}
}

func FuzzParseFingerprint(f *testing.F) {
	for _, s := range []string{"D0:ED:71", "sha256:00", strings.Repeat("ab", 32), "SHA256 Fingerprint=" + strings.Repeat("0", 64)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fp, err := ParseFingerprint(s)
		if err != nil {
			return
		}
		again, err := ParseFingerprint(fp.String())
		if err != nil || again != fp {
			t.Errorf("%q → %s does not parse back: %v", s, fp, err)
		}
	})
}

func TestTargets(t *testing.T) {
	for in, want := range map[string]Target{
		"api.twilio.com":               {Host: "api.twilio.com"},
		"hooks.test:8443":              {Host: "hooks.test", Port: "8443"},
		"[::1]:8443":                   {Host: "::1", Port: "8443"},
		"https://hooks.test/sms?x=1":   {Host: "hooks.test"},
		"HTTPS://u:p@hooks.test:4443/": {Host: "hooks.test", Port: "4443"},
	} {
		got, err := ParseTarget(in)
		if err != nil || got.Host != want.Host || got.Port != want.Port {
			t.Errorf("ParseTarget(%q) = %+v, %v", in, got, err)
		}
	}
	if _, err := TargetOfURL("http://hooks.test/voice"); err != ErrPlainHTTP {
		t.Errorf("http: %v", err)
	}
	for _, in := range []string{"", "ftp://x", "https:///path", "hooks.test/path", ":443", "user@host", "[", "h:0", "h:99999", "h:x"} {
		if _, err := ParseTarget(in); err == nil {
			t.Errorf("ParseTarget(%q) accepted", in)
		}
	}
}

func FuzzParseTarget(f *testing.F) {
	for _, s := range []string{"api.twilio.com", "h:1", "[::1]:2", "https://a/b", "http://x", "://", "[]:"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tg, err := ParseTarget(s)
		if err == nil && (tg.Host == "" || strings.ContainsAny(tg.Host, "/@ []") || (tg.Port != "" && tg.Port[0] == '0')) {
			t.Errorf("ParseTarget(%q) = %+v", s, tg)
		}
	})
}
