package rules

import (
	"math"
	"strings"
)

// entropy is the Shannon entropy of s in bits per byte.
func entropy(s string) float64 {
	if s == "" {
		return 0
	}
	var counts [256]int
	for i := 0; i < len(s); i++ {
		counts[s[i]]++
	}
	n := float64(len(s))
	var h float64
	for _, c := range counts {
		if c > 0 {
			p := float64(c) / n
			h -= p * math.Log2(p)
		}
	}
	return h
}

// placeholderWords mark values written by people for people: documentation,
// templates and tests. Matched case-insensitively inside the value.
var placeholderWords = [...]string{
	"xxxx", "****", "...", "…", "<", ">", "${", "{{", "}}", "%s", "[%d", "%v", "%q", "%w", "%(", "$(",
	"example", "placeholder", "changeme", "change_me", "change-me", "dummy",
	"sample", "insert", "replace", "your_", "your-", "yourkey",
	"yourtoken", "yoursecret", "<your", "fake", "notreal", "not_real",
	"not-a-real", "secret_here", "key_here", "token_here", "here_",
	"abcdef0123", "0123456789", "1234567890", "abcdefghij", "qwerty",
	"lorem", "ipsum", "test123", "password123", "foobar", "deadbeef", "todo", "redact", "_here", "abcd1234", "1234abcd", "{}",
}

// isPlaceholder reports whether a secret value is obviously not real: a
// template, a documentation example, or too regular to be random.
func isPlaceholder(v string) bool {
	if v == "" {
		return true
	}
	low := strings.ToLower(v)
	for _, w := range placeholderWords {
		if strings.Contains(low, w) {
			return true
		}
	}
	return hasBraceTemplate(v) || tooRegular(v)
}

// hasBraceTemplate reports whether v holds a {name} or {name:arg} template
// field, as format strings and vigil's own rule examples do.
func hasBraceTemplate(v string) bool {
	for {
		i := strings.IndexByte(v, '{')
		if i < 0 {
			return false
		}
		v = v[i+1:]
		j := strings.IndexByte(v, '}')
		if j < 0 {
			return false
		}
		name, _, _ := strings.Cut(v[:j], ":")
		if name != "" && isTemplateName(name) {
			return true
		}
	}
}

func isTemplateName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c == '-' || c == '.' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// tooRegular catches values with very few distinct characters
// (aaaa…, 0000…, abababab) and long arithmetic runs (abcdefgh, 98765432).
func tooRegular(v string) bool {
	distinct := distinctBytes(v)
	if len(v) >= 8 && distinct <= 3 {
		return true
	}
	if len(v) >= 24 && distinct <= 5 {
		return true
	}
	if strings.Contains(v, "00000000") {
		return true // a zeroed example (…-0000-0000-000000000000)
	}
	run := 1
	for i := 1; i < len(v); i++ {
		d := int(v[i]) - int(v[i-1])
		if d == 1 || d == -1 {
			run++
			if run >= 8 {
				return true
			}
		} else {
			run = 1
		}
	}
	return repeatsUnit(v)
}

// repeatsUnit reports whether v is a short unit repeated (abcabcabc).
func repeatsUnit(v string) bool {
	n := len(v)
	for u := 1; u <= 4 && u*3 <= n; u++ {
		ok := true
		for i := u; i < n; i++ {
			if v[i] != v[i-u] {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// containsAnyFold reports whether s contains any of words (lower-case)
// ignoring ASCII case.
func containsAnyFold(s string, words []string) bool {
	if len(words) == 0 {
		return false
	}
	low := strings.ToLower(s)
	for _, w := range words {
		if strings.Contains(low, w) {
			return true
		}
	}
	return false
}
