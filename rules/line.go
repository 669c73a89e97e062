package rules

import (
	"bytes"
	"path"
	"strings"
)

// insideString reports whether the text before a value leaves an open
// double-quoted string: "spring.datasource.password=xyz" in Java source.
func insideString(before []byte) bool {
	n := bytes.Count(before, []byte{'"'}) - bytes.Count(before, []byte{'\\', '"'}) // quotes not escaped
	return n%2 == 1
}

// calledWith returns the function a quoted value is passed to, when the
// text before the value ends with one: Some("…"), new Secret("…"),
// base64.b64decode(b"…"). Array openers ([, []string{, array() give
// "[".
func calledWith(before []byte) (string, bool) {
	t := strings.TrimRight(string(before), "\"'`")
	t = strings.TrimRight(t, "\\")
	t = strings.TrimRight(strings.TrimRight(t, "bruf@"), " \t")
	switch {
	case strings.HasSuffix(t, "["), strings.HasSuffix(t, "{"), strings.HasSuffix(t, "array("):
		return "[", true
	case !strings.HasSuffix(t, "("):
		return "", false
	}
	t = t[:len(t)-1]
	i := len(t)
	for i > 0 && (isNameChar(t[i-1]) || t[i-1] == ':' || t[i-1] == '[' || t[i-1] == ']') {
		i--
	}
	callee := t[i:]
	if strings.HasSuffix(strings.TrimRight(t[:i], " \t"), "new") {
		callee = "new " + callee
	}
	return callee, callee != ""
}

// literalWrapper reports whether a function wraps the literal it is given
// as the value (a constructor, a type conversion, a decoder) rather than
// looking a value up by it (getenv, get, T, lookup).
func literalWrapper(callee string) bool {
	if callee == "[" || strings.HasPrefix(callee, "new ") {
		return true
	}
	low := strings.ToLower(callee)
	for _, d := range []string{"hex", "base64", "b64", "decode", "atob", "unhex"} {
		if strings.Contains(low, d) {
			return true
		}
	}
	last := callee
	if i := strings.LastIndexAny(callee, ".:]"); i >= 0 {
		last = callee[i+1:]
	}
	switch last {
	case "new", "str", "bytes", "byte", "string", "from", "utf8", "Some", "Ok":
		return true
	case "":
		return false
	}
	if !isUpper(last[0]) || len(last) < 2 {
		return false // get(…), t(…), T(…): calls that look a value up
	}
	for _, verb := range []string{"Get", "Read", "Load", "Lookup", "Fetch", "Find", "Parse", "Hash", "Encrypt",
		"Decrypt", "Format", "Print", "Log", "Assert", "Expect", "Check", "Validate", "Verify", "Compare",
		"Equal", "Contains", "Has", "Is", "Translate", "Env", "Must", "Sprint", "Error", "New"} {
		if strings.HasPrefix(last, verb) {
			return false
		}
	}
	return true
}

// jsonInString returns the most random string member of a JSON object
// written inside a string ({\"user\":\"ci\",\"sig\":\"…\"}), the part of
// such a value that can be a secret.
func jsonInString(v string) (string, bool) {
	if !strings.HasPrefix(v, `{\"`) || !strings.HasSuffix(v, "}") {
		return "", false
	}
	best := ""
	for _, part := range strings.Split(v, `\"`) {
		part = strings.TrimSpace(part)
		if len(part) >= 8 && isTokenChars(part) && entropy(part) > entropy(best) {
			best = part
		}
	}
	return best, best != ""
}

// ternaryBefore reports whether the quoted name is the first branch of a
// conditional expression (ok ? "pass" : "fail"), not a key.
func ternaryBefore(before []byte, name string) bool {
	t := string(before)
	i := strings.LastIndex(t, name)
	if i < 0 {
		return false
	}
	t = t[:i]
	if !strings.HasSuffix(t, `"`) && !strings.HasSuffix(t, "'") {
		return false // ?token=…: a URL's query, not a string
	}
	t = strings.TrimRight(t[:len(t)-1], " \t")
	return strings.HasSuffix(t, "?")
}

// pathName reports whether a name is the last part of a file path
// ("lib/puppet/type/apt_key.rb": a checksum's key), not a setting.
func pathName(before []byte, name string) bool {
	t := string(before)
	i := strings.LastIndex(t, name)
	if i < 2 || t[i-1] != '/' || !isNameByte(t[i-2]) {
		return false // "//x.Password": a comment
	}
	ext := path.Ext(name)
	return len(ext) >= 2 && len(ext) <= 5 && isIdent(ext[1:])
}

// insideARN reports whether the name is part of an AWS ARN (the
// whitespace-delimited token before the value starts with arn:).
func insideARN(before []byte) bool {
	t := before
	if i := bytes.LastIndexAny(t, " \t\"'`"); i >= 0 {
		t = t[i+1:]
	}
	return bytes.HasPrefix(t, []byte("arn:")) || bytes.Contains(t, []byte(":arn:")) || bytes.Contains(t, []byte("/arn:"))
}

// publicBefore reports whether the word before a name says the value is
// public ("public key: …", "pub key = …").
func publicBefore(before []byte, name string) bool {
	if words := nameWords(name); len(words) > 0 && words[0] != "key" && words[0] != "keys" && words[0] != "token" {
		return false // public $privateKey, public apiKey = …: a member's visibility
	}
	t := bytes.TrimRight(before, " \t\"'`:=")
	if i := lastIndexFold(t, name); i >= 0 {
		t = t[:i]
	}
	t = bytes.TrimRight(t, " \t_-")
	return hasSuffixFold(t, "public") || hasSuffixFold(t, " pub")
}

// lastIndexFold is the last index of s in b, ignoring ASCII case, or -1.
// It reads b from its end, so a name right before a value costs little
// however long its line.
func lastIndexFold(b []byte, s string) int {
	for i := len(b) - len(s); i >= 0; i-- {
		if hasPrefixFold(b[i:], s) {
			return i
		}
	}
	return -1
}

func hasPrefixFold(b []byte, s string) bool {
	return len(b) >= len(s) && bytesEqualFold(b[:len(s)], s)
}

func hasSuffixFold(b []byte, s string) bool {
	return len(b) >= len(s) && bytesEqualFold(b[len(b)-len(s):], s)
}

// bytesEqualFold reports whether b and s are equal ignoring ASCII case.
func bytesEqualFold(b []byte, s string) bool {
	for i := range len(s) {
		if foldByte(b[i]) != foldByte(s[i]) {
			return false
		}
	}
	return true
}

// startsTemplate reports whether the text right after a value opens a
// template expression, so the value is only its literal prefix.
func startsTemplate(after []byte) bool {
	return bytes.HasPrefix(after, []byte("{")) || bytes.HasPrefix(after, []byte("${")) || bytes.HasPrefix(after, []byte("<%"))
}

// proseFollows reports whether an unquoted value is followed by more words
// on its line, as in documentation: "password: the password of the user".
func proseFollows(after []byte) bool {
	t := bytes.TrimLeft(after, " \t")
	if len(t) == len(after) || len(t) == 0 {
		return false
	}
	n := 0
	for n < len(t) && (isLowerByte(t[n]) || isUpper(t[n])) {
		n++
	}
	if n < len(t) && strings.IndexByte("=:-_.", t[n]) >= 0 {
		return false // another key=value pair, not prose
	}
	return n >= 2
}

// cutEscapes ends a value at the first \n, \r, \t or \x escape: what
// follows is the rest of a string literal, not the secret.
func cutEscapes(v string) string {
	for i := 0; i+1 < len(v); i++ {
		if v[i] == '\\' {
			switch v[i+1] {
			case 'n', 'r', 't', 'x', 'u':
				return v[:i]
			}
		}
	}
	return v
}
