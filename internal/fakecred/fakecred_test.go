package fakecred

import (
	"encoding/base64"
	"strings"
	"testing"
)

func TestExpand(t *testing.T) {
	g := New(1)
	for _, tc := range []struct {
		tmpl  string
		check func(string) bool
	}{
		{"{hex:8}", func(s string) bool { return len(s) == 8 && strings.Trim(s, Hex) == "" }},
		{"{bech32:20}", func(s string) bool { return len(s) == 20 && strings.Trim(s, Bech32) == "" }},
		{"{b32low:20}", func(s string) bool { return len(s) == 20 && strings.Trim(s, B32Low) == "" }},
		{`{"token": "{hex:4}"}`, func(s string) bool {
			return strings.HasPrefix(s, `{"token": "`) && strings.HasSuffix(s, `"}`) && len(s) == 17
		}},
		{`{b64of:{"k":"v"}}`, func(s string) bool { return s == base64.StdEncoding.EncodeToString([]byte(`{"k":"v"}`)) }},
		{"{pemjson:ec}", func(s string) bool { return strings.Contains(s, `-----\n`) && !strings.Contains(s, "\n") }},
		{"{b64pem:ec}", func(s string) bool {
			raw, err := base64.StdEncoding.DecodeString(s)
			return err == nil && strings.HasPrefix(string(raw), "-----BEGIN EC PRIVATE KEY-----")
		}},
		{"{pem:pgp}", func(s string) bool { return strings.HasPrefix(s, "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n") }},
		{"{pem:dsa}", func(s string) bool { return strings.HasPrefix(s, "-----BEGIN DSA PRIVATE KEY-----") }},
		{"{k8s-jwt}", func(s string) bool { return strings.Count(s, ".") == 2 && strings.HasPrefix(s, "eyJ") }},
		{"{unclosed", func(s string) bool { return s == "{unclosed" }},
	} {
		got, err := g.Expand(tc.tmpl)
		if err != nil || !tc.check(got) {
			t.Errorf("Expand(%q) = %q, %v", tc.tmpl, got, err)
		}
	}
}
