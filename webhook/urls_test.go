package webhook

import (
	"slices"
	"strings"
	"testing"
)

func TestURLVariants(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"https://h.example/p?q=1", []string{"https://h.example/p?q=1", "https://h.example:443/p?q=1"}},
		{"https://h.example:443/p", []string{"https://h.example:443/p", "https://h.example/p"}},
		{"http://h.example:8080/p", []string{"http://h.example:8080/p", "http://h.example/p"}},
		{"http://h.example", []string{"http://h.example", "http://h.example:80"}},
		{"HTTPS://h.example/", []string{"HTTPS://h.example/", "HTTPS://h.example:443/"}},
		{"https://user:pa:ss@h.example:444/p", []string{"https://user:pa:ss@h.example:444/p", "https://user:pa:ss@h.example/p"}},
		{"https://[::1]:8443/p", []string{"https://[::1]:8443/p", "https://[::1]/p"}},
		{"https://[::1]/p", []string{"https://[::1]/p", "https://[::1]:443/p"}},
		{"https://h.example:/p", []string{"https://h.example:/p", "https://h.example/p", "https://h.example:443/p"}},
		{"ftp://h.example/p", []string{"ftp://h.example/p"}},
		{"https://h.example/p?a='b'#x'y", []string{"https://h.example/p?a='b'#x'y", "https://h.example:443/p?a='b'#x'y",
			"https://h.example/p?a=%27b%27#x'y", "https://h.example:443/p?a=%27b%27#x'y"}},
		{"https://h.example/p'?a=%27", []string{"https://h.example/p'?a=%27", "https://h.example:443/p'?a=%27",
			"https://h.example/p'?a='", "https://h.example:443/p'?a='"}},
		// Not absolute, or a port that is not a number: only the URL as given.
		{"/relative?x=1", []string{"/relative?x=1"}},
		{"https://h.example:http/p", []string{"https://h.example:http/p"}},
		{"https://[::1/p", []string{"https://[::1/p"}},
		{"https:///p", []string{"https:///p"}},
		{"", []string{""}},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			if got := URLVariants(tc.in); !slices.Equal(got, tc.want) {
				t.Errorf("URLVariants(%q) =\n  %q\nwant\n  %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestWithBodySHA256(t *testing.T) {
	h := BodySHA256(nil)
	tests := []struct{ in, want string }{
		{"https://h.example/p", "https://h.example/p?bodySHA256=" + h},
		{"https://h.example/p?", "https://h.example/p?bodySHA256=" + h},
		{"https://h.example/p?a=1", "https://h.example/p?a=1&bodySHA256=" + h},
		{"https://h.example/p?a=1&", "https://h.example/p?a=1&bodySHA256=" + h},
		{"https://h.example/p?a=1#f", "https://h.example/p?a=1&bodySHA256=" + h + "#f"},
	}
	for _, tc := range tests {
		if got := WithBodySHA256(tc.in, nil); got != tc.want {
			t.Errorf("WithBodySHA256(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// FuzzURLVariants checks the canonicalisation never panics, always offers
// the URL as given first, never repeats itself, changes nothing but the
// port and apostrophes, and that a signature over any variant validates.
func FuzzURLVariants(f *testing.F) {
	for _, s := range []string{
		"https://mycompany.com/myapp.php?foo=1&bar=2", "http://h:80", "https://[::1]:443/x?'",
		"https://u@h:1/p?a=%27#'", "https://h:/", "x://", "://h", "https://[", "https://h:99999999999999999999/",
		"https://a@b@c:1/", "HTTP://H/%zz?%", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		vs := URLVariants(raw)
		if len(vs) == 0 || vs[0] != raw {
			t.Fatalf("first variant of %q is not the URL itself: %q", raw, vs)
		}
		seen := map[string]bool{}
		for _, v := range vs {
			if seen[v] {
				t.Fatalf("duplicate variant %q", v)
			}
			seen[v] = true
			if strip(v) != strip(raw) {
				t.Fatalf("variant %q of %q changes more than the port and quotes", v, raw)
			}
			sig := Sign("tok", v, nil)
			if !Validate("tok", raw, nil, sig) {
				t.Fatalf("signature over variant %q does not validate for %q", v, raw)
			}
		}
		if u, ok := splitURL(raw); ok && u.port != "" && !seen[u.withoutPort()] {
			t.Fatalf("URL with a port %q has no port-less variant: %q", raw, vs)
		}
	})
}

// strip removes what variants may change: a port after the host, and the
// difference between ' and %27.
func strip(s string) string {
	s = strings.ReplaceAll(s, "%27", "'")
	if u, ok := splitURL(s); ok {
		return u.withoutPort()
	}
	return s
}
