package rules

import (
	"strings"
	"testing"
	"time"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/internal/fakecred"
)

func TestTrimQuoting(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"+AbC/de+", "+AbC/de+"}, // base64 may start and end with '+'
		{`"MIIEowIBAAKCAQEA" +`, "MIIEowIBAAKCAQEA"},
		{`  + "+q3/Zx=="`, "+q3/Zx=="},
		{`'AbCd',`, "AbCd"},
		{"\tAbCd\r", "AbCd"},
		{`AbCd\`, "AbCd"},
	} {
		if got := trimQuoting(tc.in); got != tc.want {
			t.Errorf("trimQuoting(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestCheckPrivateKeyManyKeys guards against dropping real keys whose
// base64 lines begin or end with '+' (about half of all keys).
func TestCheckPrivateKeyManyKeys(t *testing.T) {
	gen := fakecred.New(3)
	for i := range 40 {
		key := gen.MustExpand("{pem:rsa}")
		if !checkPrivateKey(key, checkEnv{}).ok {
			t.Fatalf("key %d rejected:\n%s", i, key)
		}
		code := `const k = "` + strings.ReplaceAll(strings.TrimSpace(key), "\n", `\n" +`+"\n\t"+`"`) + `"`
		if !checkPrivateKey(code, checkEnv{}).ok {
			t.Fatalf("key %d in a Go string concatenation rejected:\n%s", i, code)
		}
	}
}

func TestCheckBase64PrivateKey(t *testing.T) {
	gen := fakecred.New(4)
	for _, tc := range []struct {
		tmpl string
		ok   bool
	}{
		{"{b64pem:rsa}", true},
		{"{b64pem:openssh}", true},
		{"{b64of:-----BEGIN CERTIFICATE-----\nMIIDazCCAlOgAwIBAgIUQ2Vyd2luZyBpcyBub3QgYSBzZWNyZXQgYXQgYWxs\n-----END CERTIFICATE-----}", false},
		{"{b64of:-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----}", false},
		{"LS0tLS1CRUdJTi{b64:40}", false},
		{"!!!!", false},
	} {
		s := gen.MustExpand(tc.tmpl)
		if got := checkBase64PrivateKey(s, checkEnv{}).ok; got != tc.ok {
			t.Errorf("%s: ok = %v, want %v", tc.tmpl, got, tc.ok)
		}
	}
	// Wrapped at 76 columns, as base64(1) writes it.
	s := gen.MustExpand("{b64pem:ec}")
	var wrapped strings.Builder
	for len(s) > 76 {
		wrapped.WriteString(s[:76] + "\n")
		s = s[76:]
	}
	wrapped.WriteString(s)
	if !checkBase64PrivateKey(wrapped.String(), checkEnv{}).ok {
		t.Error("wrapped base64 key rejected")
	}
}

func TestCheckKubernetesToken(t *testing.T) {
	gen := fakecred.New(5)
	now := checkEnv{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Unix()}
	k8s := gen.MustExpand("{k8s-jwt}")
	res := checkKubernetesToken(k8s, now)
	if !res.ok || res.details["namespace"] != "default" || !strings.HasPrefix(res.details["sub"], "system:serviceaccount:") {
		t.Errorf("service-account token: %+v", res)
	}
	if checkJWT(k8s, now).ok {
		t.Error("the generic jwt check also accepts a Kubernetes token; it must defer to kubernetes-token")
	}
	projected := gen.JWT(map[string]any{"alg": "RS256"}, map[string]any{
		"iss": "https://kubernetes.default.svc", "sub": "system:serviceaccount:ci:runner",
		"kubernetes.io": map[string]any{"namespace": "ci"}, "exp": 1700000000,
	})
	if res := checkKubernetesToken(projected, now); !res.ok || res.confidence != vigil.Low {
		t.Errorf("expired projected token: %+v", res)
	}
	if checkKubernetesToken(gen.MustExpand("{jwt}"), now).ok {
		t.Error("a plain JWT is not a Kubernetes token")
	}
}

// FuzzChecks runs every named check on arbitrary input: none may panic.
func FuzzChecks(f *testing.F) {
	gen := fakecred.New(6)
	for _, tmpl := range []string{"{jwt}", "{k8s-jwt}", "{b64pem:ec}", "{pem:ec}", "{pypi}", "{github:ghp}", "{basic:u}", "", "LS0tLS1CRUdJTi", "eyJ.eyJ.x"} {
		f.Add(gen.MustExpand(tmpl))
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, name := range checkNames() {
			lookupCheck(name)(s, checkEnv{now: 1_800_000_000})
		}
	})
}
