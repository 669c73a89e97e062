// Package secretstore puts credentials where a team's services read them:
// a dotenv file, HashiCorp Vault KV v2, AWS Secrets Manager, pass or
// gopass, CyberArk Conjur, or a user command. Each backend lives in its
// own package (so that only the one importing Vault's client pays for it);
// this package holds the interface they share and Open, which picks one
// from a URI:
//
//	dotenv:PATH  file:PATH               a KEY=VALUE file, replaced atomically
//	vault://HOST[:PORT]/MOUNT/PATH       Vault KV v2 (VAULT_TOKEN, or VAULT_ROLE_ID + VAULT_SECRET_ID)
//	aws-sm://SECRET_ID?region=REGION     AWS Secrets Manager, a JSON object of fields
//	conjur://HOST[:PORT]/ACCOUNT/PATH    Conjur variables PATH/FIELD (CONJUR_AUTHN_LOGIN + CONJUR_AUTHN_API_KEY, or CONJUR_AUTHN_TOKEN_FILE)
//	pass:PATH  gopass:PATH               one entry per field under PATH
//	exec:COMMAND                         a command run with sh -c; the value on stdin
//
// A Store holds named fields of one secret (TWILIO_API_KEY,
// TWILIO_API_SECRET, …). A missing field is an error wrapping
// fs.ErrNotExist; the backends do not import this package, so that it can
// import them.
package secretstore

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/vigilsec/vigil"
)

// Store reads and writes the named fields of one secret.
type Store interface {
	// Get returns one field. A field (or secret) that does not exist is an
	// error wrapping fs.ErrNotExist.
	Get(ctx context.Context, field string) (vigil.Secret, error)
	// Put writes fields, keeping the secret's other fields. Backends that
	// can write all fields in one operation do; the others write them in
	// order and say so in their documentation.
	Put(ctx context.Context, values map[string]vigil.Secret) error
	// String names the store for messages (never a credential).
	String() string
}

// ErrNotFound is what a missing field's error wraps (fs.ErrNotExist, so
// that errors.Is works with either).
var ErrNotFound = fs.ErrNotExist

// Schemes lists the URI schemes Open knows, for messages.
func Schemes() []string {
	return []string{"dotenv", "file", "vault", "aws-sm", "conjur", "pass", "gopass", "exec"}
}

// URI is a parsed store URI: the scheme and everything after "scheme:".
type URI struct {
	Scheme string
	Rest   string
	Raw    string
}

// ParseURI splits a store URI and checks its scheme, suggesting the
// closest known scheme for a typo.
func ParseURI(raw string) (URI, error) {
	s := strings.TrimSpace(raw)
	i := strings.IndexByte(s, ':')
	if s == "" {
		return URI{}, errors.New("empty secret store URI: want one of " + schemeList())
	}
	if i <= 0 || !validScheme(s[:i]) {
		hint := ""
		if i < 0 {
			hint = fmt.Sprintf(" (for a dotenv file write dotenv:%s)", s)
		}
		return URI{}, fmt.Errorf("secret store %q has no scheme%s: want one of %s", raw, hint, schemeList())
	}
	u := URI{Scheme: strings.ToLower(s[:i]), Rest: s[i+1:], Raw: raw}
	known := false
	for _, k := range Schemes() {
		known = known || k == u.Scheme
	}
	if !known {
		msg := fmt.Sprintf("secret store %q: unknown scheme %q", raw, u.Scheme)
		if near := closest(u.Scheme, Schemes()); near != "" {
			msg += fmt.Sprintf(" (did you mean %s:?)", near)
		}
		return URI{}, errors.New(msg + "; want one of " + schemeList())
	}
	if strings.TrimLeft(u.Rest, "/") == "" {
		return URI{}, fmt.Errorf("secret store %q: nothing after %q; %s", raw, u.Scheme+":", usage(u.Scheme))
	}
	return u, nil
}

// Check checks a store URI's form without opening the store: its scheme,
// and what the URI of its backend must hold (a Vault mount and path, an
// AWS secret ID, a Conjur account and variable). What comes from the
// environment (VAULT_ADDR for a URI without a host, tokens) is read when
// the store is opened.
func Check(raw string) error {
	u, err := ParseURI(raw)
	if err != nil {
		return err
	}
	formOnly := func(k string) string {
		if k == "VAULT_ADDR" {
			return "https://vault.invalid"
		}
		return ""
	}
	switch u.Scheme {
	case "vault":
		_, err = vaultConfig(u, formOnly)
	case "aws-sm":
		_, err = awsConfig(u)
	case "conjur":
		_, err = conjurConfig(u, formOnly)
	}
	return err
}

// Resolve makes the path of a dotenv: or file: URI relative to dir when
// it is not absolute; other URIs are returned as they are.
func Resolve(raw, dir string) string {
	u, err := ParseURI(raw)
	if err != nil || (u.Scheme != "dotenv" && u.Scheme != "file") {
		return raw
	}
	p := strings.TrimPrefix(u.Rest, "//")
	if filepath.IsAbs(p) {
		return raw
	}
	return u.Scheme + ":" + filepath.Join(dir, p)
}

func validScheme(s string) bool {
	for i, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || (i > 0 && (r >= '0' && r <= '9' || r == '-' || r == '+' || r == '.'))) {
			return false
		}
	}
	return true
}

func schemeList() string {
	return "dotenv:PATH, file:PATH, vault://HOST/MOUNT/PATH, aws-sm://SECRET_ID?region=REGION, conjur://HOST/ACCOUNT/PATH, pass:PATH, gopass:PATH, exec:COMMAND"
}

// usage is the expected form for one scheme.
func usage(scheme string) string {
	switch scheme {
	case "vault":
		return "want vault://HOST[:PORT]/MOUNT/PATH (e.g. vault://vault.example.com:8200/secret/twilio)"
	case "aws-sm":
		return "want aws-sm://SECRET_ID?region=REGION (e.g. aws-sm://prod/twilio?region=us-east-1)"
	case "conjur":
		return "want conjur://HOST[:PORT]/ACCOUNT/VARIABLE-PATH (e.g. conjur://conjur.example.com/myorg/prod/twilio)"
	case "exec":
		return "want exec:COMMAND (run with sh -c, the value on stdin)"
	}
	return "want " + scheme + ":PATH"
}

// closest returns the known word within edit distance 2 of s, if any.
func closest(s string, words []string) string {
	best, bestD := "", 3
	for _, w := range words {
		if d := distance(s, w); d < bestD {
			best, bestD = w, d
		}
	}
	return best
}

// distance is the Levenshtein distance between a and b.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
