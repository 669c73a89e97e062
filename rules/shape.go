package rules

import (
	"strings"
	"unicode"
)

func isASCII(v string) bool {
	for i := 0; i < len(v); i++ {
		if v[i] >= 0x80 {
			return false
		}
	}
	return true
}

func hasDigitAndLetter(v string) bool {
	return strings.ContainsAny(v, "0123456789") && strings.IndexFunc(v, func(r rune) bool {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z'
	}) >= 0
}

// isTokenChars reports whether v uses only the characters of generated
// tokens (base64, base64url, hex) with padding only at the end.
func isTokenChars(v string) bool {
	t := strings.TrimRight(v, "=")
	for i := 0; i < len(t); i++ {
		c := t[i]
		if !(isUpper(c) || isLowerByte(c) || '0' <= c && c <= '9' || c == '+' || c == '/' || c == '_' || c == '-') {
			return false
		}
	}
	return t != ""
}

func isHexString(v string) bool {
	for i := 0; i < len(v); i++ {
		if !isHexDigit(v[i]) {
			return false
		}
	}
	return len(v) > 0
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

// randomToken reports whether v is clearly a generated token: high entropy,
// mixed character classes, token characters only, and not built from words.
func randomToken(v string) bool {
	return entropy(v) >= 3.5 && hasMix(v) && isTokenChars(v) && !identLike(v)
}

// humanText reports whether a non-ASCII value is written in a human
// language: spaces between words, or two or more characters of scripts
// written without an alphabet of few letters (Han, kana, Hangul).
func humanText(v string) bool {
	if strings.ContainsAny(v, " \t") {
		return true
	}
	n := 0
	for _, r := range v {
		if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) {
			n++
		}
	}
	return n >= 2
}

// distinctBytes counts the different bytes of s.
func distinctBytes(s string) int {
	var seen [256]bool
	n := 0
	for i := 0; i < len(s); i++ {
		if !seen[s[i]] {
			seen[s[i]] = true
			n++
		}
	}
	return n
}
