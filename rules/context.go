package rules

import (
	"path"
	"strings"

	"github.com/vigilsec/vigil"
)

// genericInput is what a reviewer sees around a generic candidate.
type genericInput struct {
	secret string
	before []byte // the line up to the secret
	after  []byte // the line after the secret
	path   string
}

// scoreGeneric rates a generic secret (a password, token or key found by
// its name rather than its format) the way a reviewer would: by the value's
// shape, the name it is assigned to and where the file lives. ok is false
// when the value is plainly not a secret.
func scoreGeneric(in genericInput) (vigil.Confidence, bool) {
	v := in.secret
	if isReference(v) || isReference(string(in.before)) && len(v) < 8 {
		return 0, false
	}
	score := 0
	switch e := entropy(v); {
	case e >= 4.0 && len(v) >= 20:
		score += 2
	case e >= 3.0 && len(v) >= 10:
		score++
	case e < 2.0:
		score--
	}
	if hasMix(v) {
		score++
	}
	if isWordLike(v) {
		score--
	}
	switch pathKind(in.path) {
	case pathNoise:
		return 0, false
	case pathTest:
		score--
	}
	switch {
	case score >= 3:
		return vigil.High, true
	case score >= 1:
		return vigil.Medium, true
	}
	return vigil.Low, true
}

// isReference reports whether v names a secret instead of holding one:
// environment variables, templates, function calls, config lookups.
func isReference(v string) bool {
	low := strings.ToLower(v)
	for _, p := range []string{"${", "$(", "{{", "%(", "#{", "<%", "process.env", "os.getenv", "os.environ", "getenv(", "env[", "env.", "system.getenv", "secrets.", "vault:", "ssm:", "arn:aws:secretsmanager"} {
		if strings.Contains(low, p) {
			return true
		}
	}
	if strings.HasPrefix(v, "$") && len(v) > 1 && isIdent(v[1:]) {
		return true
	}
	return false
}

func isIdent(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || i > 0 && '0' <= c && c <= '9') {
			return false
		}
	}
	return s != ""
}

// hasMix reports whether v mixes at least three of lower, upper, digit and
// symbol characters, as generated secrets do.
func hasMix(v string) bool {
	var lo, up, di, sy bool
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case 'a' <= c && c <= 'z':
			lo = true
		case 'A' <= c && c <= 'Z':
			up = true
		case '0' <= c && c <= '9':
			di = true
		default:
			sy = true
		}
	}
	n := 0
	for _, b := range []bool{lo, up, di, sy} {
		if b {
			n++
		}
	}
	return n >= 3
}

// isWordLike reports whether v reads as words or an identifier
// (camelCase, snake_case, dotted names) rather than random characters.
func isWordLike(v string) bool {
	letters, digits := 0, 0
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
			letters++
		case '0' <= c && c <= '9':
			digits++
		case c == '_' || c == '.' || c == '-' || c == ' ':
		default:
			return false
		}
	}
	return digits == 0 && letters > 0
}

type pathClass int

const (
	pathNormal pathClass = iota
	pathTest             // tests, examples, fixtures, docs
	pathNoise            // lock files, minified bundles, vendored data
)

// pathKind classifies a path the way a reviewer would discount it.
func pathKind(p string) pathClass {
	low := strings.ToLower(p)
	base := path.Base(low)
	switch {
	case strings.HasSuffix(base, ".lock"), strings.HasSuffix(base, "-lock.json"),
		base == "go.sum", base == "pnpm-lock.yaml", strings.HasSuffix(base, ".min.js"),
		strings.HasSuffix(base, ".min.css"), strings.HasSuffix(base, ".map"):
		return pathNoise
	}
	for _, seg := range strings.Split(low, "/") {
		switch seg {
		case "test", "tests", "testdata", "__tests__", "spec", "specs", "fixtures", "fixture",
			"examples", "example", "samples", "sample", "docs", "doc", "mocks", "mock":
			return pathTest
		}
	}
	if strings.Contains(base, "_test.") || strings.Contains(base, ".test.") || strings.Contains(base, ".spec.") ||
		strings.HasPrefix(base, "test_") || strings.Contains(base, "example") || strings.Contains(base, "sample") {
		return pathTest
	}
	return pathNormal
}
