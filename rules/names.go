package rules

import "strings"

// nameWords splits an identifier into lower-case words: dbPassword,
// DB_PASSWORD and db-password all give [db password].
func nameWords(name string) []string {
	words := nameParts(name)
	for i, w := range words {
		words[i] = strings.ToLower(w)
	}
	return words
}

// nameParts splits an identifier into its words as written: dbPassword
// gives [db Password], RSAKey [RSA Key].
func nameParts(name string) []string {
	var words []string
	var cur []byte
	flush := func() {
		if len(cur) > 0 {
			words = append(words, string(cur))
			cur = cur[:0]
		}
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
			cur = append(cur, c)
		case 'A' <= c && c <= 'Z':
			// A capital starts a word unless it continues an acronym.
			if len(cur) > 0 && (!isUpper(name[i-1]) || i+1 < len(name) && isLowerByte(name[i+1])) {
				flush()
			}
			cur = append(cur, c)
		default:
			flush()
		}
	}
	flush()
	return words
}

func isUpper(c byte) bool { return 'A' <= c && c <= 'Z' }

func isLowerByte(c byte) bool { return 'a' <= c && c <= 'z' }

func hasWord(words []string, want ...string) bool {
	for _, w := range words {
		for _, x := range want {
			if w == x {
				return true
			}
		}
	}
	return false
}

// secretWords are words that make a name a secret's name.
func isSecretWord(w string) bool {
	switch w {
	case "password", "passwd", "passphrase", "pwd", "pass", "pw", "passcode", "secret", "secrets",
		"token", "tokens", "key", "apikey", "api", "auth", "authorization", "credential", "credentials",
		"cred", "creds", "bearer", "session", "cookie", "salt", "nonce", "signing", "encryption",
		"encrypt", "cipher", "hmac", "seed", "otp", "totp", "pin", "access", "refresh", "sid",
		"jwt", "oauth", "consumer", "master", "license", "licence":
		return true
	}
	for _, s := range []string{"password", "passwd", "pwd", "pass", "secret", "token", "key"} {
		if strings.HasSuffix(w, s) {
			return true
		}
	}
	return strings.HasPrefix(w, "pass")
}

// nameIsSecret reports whether a name says its value is a secret: it holds
// a secret word, its last word is not one that makes it metadata about a
// secret (password_length, token_type, secret_name), and it does not say
// the value is public.
func nameIsSecret(words []string) bool {
	if len(words) == 0 {
		return false
	}
	found := false
	for _, w := range words {
		if isSecretWord(w) {
			found = true
		}
		switch w {
		case "public", "pub", "publishable", "passport", "passenger", "passive", "bypass", "compass",
			"keyboard", "keycode", "keystroke", "keyframe", "keyframes", "keyword", "keywords", "monkey",
			"turkey", "donkey", "hockey", "jockey", "tokenizer", "tokenize", "tokenized", "tokens_used",
			"passthrough", "passes", "passed", "passing", "passage":
			return false
		}
		if describesSecret(w) {
			return false
		}
	}
	if !found {
		return false
	}
	for len(words) > 1 && strings.Trim(words[len(words)-1], "0123456789") == "" {
		words = words[:len(words)-1] // PuTTY-User-Key-File-3: judge by "file"
	}
	last := words[len(words)-1]
	if last != "file" && strings.HasSuffix(last, "file") {
		last = "file" // passwordfile, keyfile: a file that holds it
	}
	switch last {
	case "length", "len", "size", "count", "min", "max", "type", "types", "name", "names", "file",
		"files", "path", "dir", "url", "uri", "endpoint", "field", "fields", "label", "hint", "prompt",
		"placeholder", "policy", "regex", "pattern", "format", "header", "param", "params", "env",
		"var", "enabled", "required", "expiry", "expires", "expiration", "ttl", "timeout", "version",
		"mode", "hash", "hashed", "digest", "prefix", "suffix", "error", "errors", "message", "msg",
		"text", "title", "description", "reset", "changed", "updated", "at", "by", "validator",
		"strategy", "provider", "backend", "store", "storage", "manager", "service", "config",
		"settings", "option", "options", "flag", "method", "algorithm", "alg", "scheme", "mechanism",
		"generator", "factory", "handler", "callback", "fn", "func", "class", "id", "ids", "index",
		"location", "ref", "reference", "arn", "parameter", "input", "column", "table", "attribute",
		"attr", "property", "prop", "props", "strength", "rules", "rule", "retries",
		"attempts", "sent", "used", "valid", "invalid", "check", "verify", "verified", "exists",
		"available", "source", "target", "bytes", "bits", "mask", "encoding", "charset", "spec",
		"action", "char", "chars", "complexity", "form", "view", "page", "screen", "button",
		"link", "template", "event", "request", "response", "result", "status", "state", "kind":
		return false
	}
	keyKind := last == "key" || last == "keys"
	for _, w := range words {
		switch w {
		case "sort", "primary", "foreign", "partition", "row", "composite", "range", "unique", "group", "map":
			if keyKind {
				return false // a database or map key (sort_key, unique_key), not a secret
			}
		case "cache", "dict", "lookup", "routing", "i18n", "translation", "locale", "shortcut", "hot", "csrf",
			"xsrf", "page", "next", "continuation", "pagination", "cursor", "sync", "idempotency":
			return false
		}
	}
	return true
}

// describesSecret reports whether a word of a name makes the value
// something about a secret other than the secret itself: a digest or
// fingerprint of it, the algorithm that uses it, a user-interface label
// for it, or a condition on it (STATUS_PASSWORD_EXPIRED, wrong_password).
func describesSecret(w string) bool {
	switch w {
	case "hash", "hashed", "hashes", "digest", "fingerprint", "checksum", "md5", "sha1", "sha2", "sha256",
		"sha512", "crypted", "encrypted", "algo", "algorithm", "algorithms", "alg", "label", "forgot", "status", "wrong",
		"incorrect", "invalid", "expired", "missing", "mismatch", "failed", "conflict", "restriction",
		"too", "must", "strength", "complexity":
		return true
	}
	return false
}

// isAssignmentKind reports whether a generic kind is found by name =
// value assignments, where the name decides which rule reports it. (The
// "xml" kind is scored the same way but has one rule for every name.)
func isAssignmentKind(kind string) bool {
	switch kind {
	case "password", "secret", "token", "key", "auth":
		return true
	}
	return false
}

// nameKind is the kind of secret a name declares, read from its last
// secret word, the head of the compound: authToken is a token, secretKey a
// key, dbPassword a password.
func nameKind(words []string) string {
	for i := len(words) - 1; i >= 0; i-- {
		switch w := words[i]; {
		case w == "password" || w == "passwd" || w == "passphrase" || w == "pwd" || w == "pw" ||
			w == "passcode" || strings.HasSuffix(w, "password") || strings.HasPrefix(w, "pass") ||
			strings.HasSuffix(w, "pass") || strings.HasSuffix(w, "pwd"):
			return "password"
		case w == "token" || w == "tokens" || w == "bearer" || w == "session" || w == "cookie" ||
			w == "jwt" || strings.HasSuffix(w, "token"):
			return "token"
		case w == "key" || w == "apikey" || strings.HasSuffix(w, "key"):
			return "key"
		case w == "secret" || w == "secrets" || w == "private" || w == "salt" || w == "nonce" || w == "seed" || w == "signing" ||
			w == "encryption" || w == "encrypt" || w == "cipher" || w == "hmac" || strings.HasSuffix(w, "secret"):
			return "secret"
		case w == "credential" || w == "credentials" || w == "cred" || w == "creds":
			return "secret"
		case w == "auth" || w == "authorization" || strings.HasPrefix(w, "auth"):
			return "auth"
		}
	}
	return ""
}

// containsSecretWord reports whether an all-in-one name (NXSESSIONID,
// apitoken) contains a secret word that camelCase splitting cannot find.
func containsSecretWord(name string) bool {
	low := strings.ToLower(name)
	for _, w := range []string{"session", "token", "secret", "apikey", "api_key", "password", "passwd", "auth"} {
		if strings.Contains(low, w) {
			return true
		}
	}
	return false
}

// identifierName reports whether a name marks its value as an identifier
// (id, uuid, collectionId) rather than a secret.
func identifierName(words []string) bool {
	last := words[len(words)-1]
	return last == "id" || last == "uuid" || last == "guid" || last == "ids"
}

// onlyAlgorithmWords reports whether the only secret words of a name are
// ones that also name algorithms and modes (encryption, cipher, signing).
func onlyAlgorithmWords(words []string) bool {
	n := 0
	for _, w := range words {
		switch w {
		case "encryption", "encrypt", "cipher", "signing":
			n++
		default:
			if isSecretWord(w) {
				return false
			}
		}
	}
	return n > 0
}

// echoesName reports whether the value repeats its own name (password:
// password, API_KEY=api_key), as templates do.
func echoesName(v string, words []string) bool {
	lv := strings.ToLower(strings.Trim(v, "_-. "))
	joined := strings.Join(words, "")
	if lv == strings.Join(words, "_") || lv == joined || lv == strings.Join(words, "-") {
		return true
	}
	// generateKey: "generateKey1024": the value is the name with a suffix;
	// "InitiateAuth": "cognito-idp:InitiateAuth": the name qualified.
	if len(joined) >= 6 && strings.HasPrefix(lettersAndDigits(lv), joined) ||
		len(joined) >= 8 && strings.Contains(lettersAndDigits(lv), joined) {
		return true
	}
	return hasWord(words, lv)
}

func lettersAndDigits(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if isLowerByte(s[i]) || '0' <= s[i] && s[i] <= '9' {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}
