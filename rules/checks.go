package rules

import (
	"encoding/base64"
	"hash/crc32"
	"sort"
	"strings"

	"github.com/vigilsec/vigil"
)

// checkResult is what a named check concludes about a candidate secret.
type checkResult struct {
	ok bool
	// details are facts read from the secret (never the secret itself).
	details map[string]string
	// confidence overrides the rule's confidence when set.
	confidence vigil.Confidence
}

// checkEnv is what a check may consult besides the secret.
type checkEnv struct {
	now int64 // unix seconds, for expiry
}

type checkFunc func(secret string, env checkEnv) checkResult

// lookupCheck returns the named check, or nil.
func lookupCheck(name string) checkFunc {
	switch name {
	case "github-checksum":
		return checkGitHubChecksum
	case "jwt":
		return checkJWT
	case "twilio-access-token":
		return checkTwilioAccessToken
	case "private-key":
		return checkPrivateKey
	case "pypi-macaroon":
		return checkPyPI
	case "not-hex":
		return checkNotHex
	case "random-alnum":
		return checkRandomAlnum
	case "basic-auth":
		return checkBasicAuth
	case "kubernetes-token":
		return checkKubernetesToken
	case "base64-private-key":
		return checkBase64PrivateKey
	}
	return nil
}

func checkNames() []string {
	names := []string{"github-checksum", "jwt", "twilio-access-token", "private-key", "pypi-macaroon", "not-hex", "random-alnum", "basic-auth", "kubernetes-token", "base64-private-key"}
	sort.Strings(names)
	return names
}

func pass() checkResult { return checkResult{ok: true} }

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// checkGitHubChecksum validates the CRC32 checksum that GitHub (and npm)
// put in the last six characters of their tokens: base62 of the CRC32 of
// the 30 random characters after the prefix, zero-padded.
func checkGitHubChecksum(s string, _ checkEnv) checkResult {
	i := strings.IndexByte(s, '_')
	if i < 0 || len(s)-i-1 != 36 {
		return checkResult{}
	}
	body := s[i+1:]
	if base62Checksum(body[:30]) != body[30:] {
		return checkResult{}
	}
	return pass()
}

// base62Checksum encodes the CRC32 of s in six base62 digits.
func base62Checksum(s string) string {
	n := crc32.ChecksumIEEE([]byte(s))
	var out [6]byte
	for i := 5; i >= 0; i-- {
		out[i] = base62[n%62]
		n /= 62
	}
	return string(out[:])
}

// checkNotHex rejects values made only of hex digits: a base62 secret of 32
// characters is almost never all hex, while digests always are.
func checkNotHex(s string, _ checkEnv) checkResult {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return pass()
		}
	}
	return checkResult{}
}

// checkPyPI accepts PyPI API tokens whose macaroon names pypi.org.
func checkPyPI(s string, _ checkEnv) checkResult {
	body := strings.TrimPrefix(s, "pypi-")
	if len(body) > 120 {
		body = body[:120]
	}
	body = body[:len(body)/4*4]
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(body, "="))
	if err != nil {
		raw, _ = base64.URLEncoding.DecodeString(body)
	}
	if !strings.Contains(string(raw), "pypi.org") && !strings.Contains(string(raw), "test.pypi.org") {
		return checkResult{}
	}
	return pass()
}

// checkBasicAuth accepts base64 "user:password" values with a real-looking
// password.
func checkBasicAuth(s string, _ checkEnv) checkResult {
	raw, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return checkResult{}
	}
	user, pw, ok := strings.Cut(string(raw), ":")
	if !ok || pw == "" || !printable(raw) || isPlaceholder(pw) {
		return checkResult{}
	}
	return checkResult{ok: true, details: map[string]string{"username": user}}
}

func printable(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c > 0x7e {
			return false
		}
	}
	return true
}

// checkRandomAlnum accepts base62 secrets and rejects digests (all hex) and
// identifiers (camelCase words without digits), which share their shape.
func checkRandomAlnum(s string, env checkEnv) checkResult {
	if !checkNotHex(s, env).ok || camelWords(s) {
		return checkResult{}
	}
	return pass()
}

// camelWords reports whether s reads as a camelCase identifier: no digits
// and long words between capitals (getTwilioSecretFromStore), where random
// base62 has a capital every other character.
func camelWords(s string) bool {
	upper := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case '0' <= c && c <= '9':
			return false
		case 'A' <= c && c <= 'Z':
			upper++
		}
	}
	return 2*len(s) >= 7*(upper+1)
}
