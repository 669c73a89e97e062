package rules

import "strings"

// isCamelCase reports whether v is a camelCase or PascalCase identifier
// made of words: ResetPassword, defaultValue, Base32EncodedKey.
func isCamelCase(v string) bool {
	capitals := false
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case isUpper(c):
			capitals = capitals || i > 0
		case isLowerByte(c), '0' <= c && c <= '9':
		default:
			return false
		}
	}
	return capitals && identLike(v)
}

// capsWord reports whether v is an upper-case English word (PATH, VALUE,
// COMMAND): a placeholder in usage text.
func capsWord(v string) bool {
	for i := 0; i < len(v); i++ {
		if !isUpper(v[i]) {
			return false
		}
	}
	return len(v) >= 3 && englishWord(v)
}

// wordPath reports whether v is a relative path of words (twilio/prod,
// config/db): a name, not a secret.
func wordPath(v string) bool {
	if !strings.Contains(v, "/") {
		return false
	}
	for _, seg := range strings.Split(v, "/") {
		if seg == "" || !(isWordLike(seg) || englishWord(strings.ToLower(seg))) {
			return false
		}
	}
	return true
}

// capitalizedWord reports whether v is a capitalised run of letters
// (TestAscii, Ready): a name or a heading, not a password.
func capitalizedWord(v string) bool {
	if len(v) < 2 || !isUpper(v[0]) || !isLowerByte(v[1]) {
		return false
	}
	for i := 0; i < len(v); i++ {
		if !isUpper(v[i]) && !isLowerByte(v[i]) {
			return false
		}
	}
	return true
}

// identLike reports whether v is built from words, as identifiers are
// (testRSA2048PrivateKey, maxCompilerConcurrency): two or more of its
// camelCase or snake_case parts read as English or name a secret.
func identLike(v string) bool {
	n := 0
	for _, w := range nameWords(v) {
		w = strings.TrimRight(w, "0123456789")
		if len(w) >= 3 && (englishWord(w) || isSecretWord(w) || commonShortWord(w)) {
			n++
		}
	}
	return n >= 2
}

// wholeIdentifier reports whether v is a camelCase identifier whose parts
// are words or acronyms, all but one at most recognised as words
// (testRSA2048PrivateKey, defaultSigningKeyV2): the name of a variable
// holding a key, not a key. Random mixed-case keys have several parts like
// "Vr" or "Jh8" and do not pass.
func wholeIdentifier(v string) bool {
	if !isCamelCase(v) {
		return false
	}
	words, unknown := 0, 0
	for _, part := range nameParts(v) {
		w := strings.TrimRight(part, "0123456789")
		lw := strings.ToLower(w)
		switch {
		case w == "":
		case len(w) <= 5 && strings.ToUpper(w) == w:
			// an acronym (RSA, ID, HMAC) or a version's letter (V2)
		case len(lw) >= 3 && (englishWord(lw) || isSecretWord(lw) || commonShortWord(lw)):
			words++
		case len(lw) >= 4 && !strings.ContainsAny(lw, "0123456789") && strings.ContainsAny(lw, "aeiouy") && unknown == 0:
			unknown++ // a word the letter-pair test misses: default, Rocks
		default:
			return false
		}
	}
	return words >= 2
}

// commonShortWord lists three-letter words common in identifiers, too short
// for the letter-pair test.
func commonShortWord(w string) bool {
	switch w {
	case "key", "new", "old", "max", "min", "get", "set", "put", "add", "del", "num", "len", "buf", "ctx",
		"err", "msg", "req", "res", "url", "uri", "api", "app", "cfg", "env", "var", "val", "str", "int",
		"out", "src", "dst", "tmp", "pos", "end", "row", "col", "map", "net", "run", "use", "raw", "sum":
		return true
	}
	return false
}

// isWordLike reports whether v reads as words or an identifier (Content-Type,
// ENTER_KEY_VALUE, camelCase, plain words) rather than random characters:
// letters only, and either joined by separators, camelCase, or with the
// vowels and short consonant runs of real words.
func isWordLike(v string) bool {
	lower, upper := 0, 0
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case 'a' <= c && c <= 'z':
			lower++
		case 'A' <= c && c <= 'Z':
			upper++
		case c == '_' || c == '.' || c == '-' || c == ' ' || c == '|':
		default:
			return false
		}
	}
	switch {
	case lower+upper == 0:
		return false
	case strings.ContainsAny(v, "_.- |"), isCamelCase(v):
		return true
	case lower == 0 || upper == 0:
		return englishLike(v)
	}
	return false
}
