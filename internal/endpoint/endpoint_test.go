package endpoint

import (
	"context"
	"errors"
	"net"
	"net/url"
	"strings"
	"testing"
)

// TestPolicyHostile feeds the policy what an attacker who controls a CI
// job's environment, or a careless user, would write.
func TestPolicyHostile(t *testing.T) {
	tests := []struct {
		raw      string
		allowed  []string
		ok       bool
		loopback bool
		says     string // in the refusal, or in the notice
	}{
		// The local emulator, written every usual way: allowed, with a notice.
		{raw: "http://127.0.0.1:8089", ok: true, loopback: true, says: "127.0.0.1:8089 on this machine"},
		{raw: "http://127.9.9.9:1/prefix/", ok: true, loopback: true},
		{raw: "https://127.0.0.1:8443", ok: true, loopback: true},
		{raw: "http://localhost:8089", ok: true, loopback: true},
		{raw: "http://LocalHost:8089", ok: true, loopback: true},
		{raw: "http://[::1]:8089", ok: true, loopback: true},
		{raw: "http://[::ffff:127.0.0.1]:8089", ok: true, loopback: true},

		// Credentials in the URL: a leak path, refused even on loopback.
		{raw: "http://user:pass@127.0.0.1:8089", says: "holds credentials"},
		{raw: "http://127.0.0.1:8089@evil.example", says: "holds credentials"},
		{raw: "https://token@gateway.example", allowed: []string{"gateway.example"}, says: "holds credentials"},

		// Names that look local and are not.
		{raw: "http://127.0.0.1.evil.example", says: "plain http to 127.0.0.1.evil.example"},
		{raw: "https://127.0.0.1.evil.example", says: "would send credentials to 127.0.0.1.evil.example"},
		{raw: "https://localhost.evil.example", says: "not a loopback address"},
		{raw: "http://localhost.:8089", says: "plain http to localhost."},
		{raw: "https://localhost.", says: "not a loopback address"},
		{raw: "https://sub.localhost", says: "not a loopback address"},
		{raw: "https://localtest.me", says: "not a loopback address"}, // a public name that resolves to 127.0.0.1
		{raw: "https://127.0.0.1.nip.io", says: "not a loopback address"},
		{raw: "https://127.1", says: "not a loopback address"},
		{raw: "https://2130706433", says: "not a loopback address"},
		{raw: "https://0x7f000001", says: "not a loopback address"},
		{raw: "https://0.0.0.0:8089", says: "not a loopback address"},
		{raw: "http://[::1%25lo]:8089", says: "plain http"},
		{raw: "https://[::2]:8089", says: "not a loopback address"},

		// Tricks that hide the host in another part of the URL.
		{raw: "http://127.0.0.1#@evil.example", says: "want http(s)://host"},
		{raw: "http://127.0.0.1?@evil.example", says: "want http(s)://host"},
		{raw: "http://127.0.0.1/?", says: "want http(s)://host"},
		{raw: "http://evil.example\\@127.0.0.1"},
		{raw: "http://127.0.0.1%2eevil.example"},
		{raw: "http://127.0.0.1\n.evil.example"},
		{raw: " http://127.0.0.1"},
		{raw: "//127.0.0.1:8089"},
		{raw: "127.0.0.1:8089"},
		{raw: "ftp://127.0.0.1"},
		{raw: "http:127.0.0.1"},
		{raw: "http://:8089"},
		{raw: "http://127.0.0.1:0"},
		{raw: "http://127.0.0.1:99999"},
		{raw: ""},

		// Remote hosts: only when named on the command line, only https.
		{raw: "https://gateway.example", says: "--allow-endpoint gateway.example"},
		{raw: "https://gateway.example", allowed: []string{"gateway.example"}, ok: true, says: "warning: SRC sends credentials to gateway.example"},
		{raw: "https://GATEWAY.example:8443/twilio", allowed: []string{"gateway.EXAMPLE"}, ok: true, says: "gateway.example:8443"},
		{raw: "https://gateway.example:8443", allowed: []string{"gateway.example:8443"}, ok: true},
		{raw: "https://gateway.example:9999", allowed: []string{"gateway.example:8443"}, says: "not a loopback address"},
		{raw: "http://gateway.example", allowed: []string{"gateway.example"}, says: "plain http"},
		{raw: "https://gateway.example.attacker.example", allowed: []string{"gateway.example"}, says: "not a loopback address"},
		{raw: "https://attacker.example", allowed: []string{"", " "}, says: "not a loopback address"},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			d, err := Policy{Allowed: tt.allowed}.Check("SRC", tt.raw)
			if (err == nil) != tt.ok {
				t.Fatalf("Check(%q, allowed %q) = %+v, %v; want ok=%v", tt.raw, tt.allowed, d, err, tt.ok)
			}
			if err != nil {
				var ref *Refusal
				if !errors.As(err, &ref) || ref.Hint == "" || !strings.HasPrefix(err.Error(), "SRC: ") {
					t.Errorf("refusal %v has no source or hint", err)
				}
				if !strings.Contains(err.Error()+" hint: "+ref.Hint, tt.says) {
					t.Errorf("refusal %q (hint %q) does not say %q", err, ref.Hint, tt.says)
				}
				for _, leak := range []string{"user:pass", "token@"} {
					if strings.Contains(tt.raw, leak) && strings.Contains(err.Error(), leak) {
						t.Errorf("refusal %q quotes the URL's credentials", err)
					}
				}
				return
			}
			if d.Loopback != tt.loopback || d.URL.User != nil || strings.HasSuffix(d.URL.Path, "/") {
				t.Errorf("decision %+v", d)
			}
			if !strings.Contains(d.Notice(), tt.says) || !strings.Contains(d.Notice(), d.URL.Hostname()) {
				t.Errorf("notice %q does not say %q and the host", d.Notice(), tt.says)
			}
		})
	}
}

func TestParseBasePath(t *testing.T) {
	u, err := ParseBase("http://127.0.0.1:9/a%2Fb/")
	if err != nil {
		t.Fatal(err)
	}
	if u.Path != "/a/b" || u.RawPath != "/a%2Fb" {
		t.Errorf("path %q raw %q", u.Path, u.RawPath)
	}
}

// TestDialLocalhostOnlyLoopback checks that a "localhost" whose resolver
// answers another address (a hostile /etc/hosts or DNS) is not dialled.
func TestDialLocalhostOnlyLoopback(t *testing.T) {
	var dialled []string
	dial := func(_ context.Context, _, addr string) (net.Conn, error) {
		dialled = append(dialled, addr)
		return nil, errors.New("test dialer")
	}
	hostile := func(context.Context, string) ([]net.IPAddr, error) {
		return []net.IPAddr{{IP: net.ParseIP("203.0.113.7")}}, nil
	}
	_, err := DialContext(dial, hostile)(context.Background(), "tcp", "localhost:8089")
	if !errors.Is(err, ErrNotLoopback) || len(dialled) != 0 {
		t.Errorf("hostile localhost: err %v, dialled %q", err, dialled)
	}

	mixed := func(context.Context, string) ([]net.IPAddr, error) {
		return []net.IPAddr{{IP: net.ParseIP("203.0.113.7")}, {IP: net.ParseIP("::1")}, {IP: net.ParseIP("127.0.0.1")}}, nil
	}
	dialled = nil
	_, _ = DialContext(dial, mixed)(context.Background(), "tcp", "LOCALHOST:8089")
	if strings.Join(dialled, " ") != "[::1]:8089 127.0.0.1:8089" {
		t.Errorf("mixed localhost dialled %q, want only its loopback addresses", dialled)
	}

	dialled = nil
	_, _ = DialContext(dial, hostile)(context.Background(), "tcp", "api.example:443")
	if strings.Join(dialled, " ") != "api.example:443" {
		t.Errorf("other hosts: dialled %q", dialled)
	}
}

// TestTransportDialsLoopback connects through the guarded transport to a
// real listener on localhost.
func TestTransportDialsLoopback(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		if c, err := ln.Accept(); err == nil {
			c.Close()
		}
	}()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	c, err := Transport().DialContext(context.Background(), "tcp", "localhost:"+port)
	if err != nil {
		t.Fatalf("dial localhost: %v", err)
	}
	c.Close()
}

// FuzzParseBase checks what any accepted URL promises, and that the policy
// never lets a URL through to a host that is not loopback when nothing
// was allowed.
func FuzzParseBase(f *testing.F) {
	for _, s := range []string{"http://127.0.0.1:8089", "http://user:pw@127.0.0.1", "https://gateway.example/p/",
		"http://[::1]:1", "http://127.0.0.1.evil.example", "http://localhost.", "http://127.0.0.1#@evil", "http://a\\@127.0.0.1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := ParseBase(s)
		if err != nil {
			return
		}
		if u.User != nil || (u.Scheme != "http" && u.Scheme != "https") || u.RawQuery != "" || u.Fragment != "" || u.Hostname() == "" {
			t.Fatalf("ParseBase(%q) accepted %#v", s, u)
		}
		if u.Scheme == "http" && !IsLoopback(u.Hostname()) {
			t.Fatalf("ParseBase(%q): plain http to %q", s, u.Hostname())
		}
		again, err := url.Parse(u.String())
		if err != nil || again.Hostname() != u.Hostname() || again.User != nil {
			t.Fatalf("ParseBase(%q) = %q, which reads back as host %q (%v)", s, u, again.Hostname(), err)
		}
		d, err := Policy{}.Check("f", s)
		if err == nil && (!d.Loopback || !IsLoopback(d.URL.Hostname())) {
			t.Fatalf("Policy{}.Check(%q) allowed %q", s, d.URL.Hostname())
		}
		if IsLoopback(u.Hostname()) && err != nil {
			t.Fatalf("Policy{}.Check(%q) refused a loopback URL: %v", s, err)
		}
	})
}
