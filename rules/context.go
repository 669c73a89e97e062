package rules

import (
	"bytes"
	"encoding/base64"
	"net/url"
	"path"
	"strings"

	"github.com/vigilsec/vigil"
)

// genericInput is what a reviewer sees around a generic candidate.
type genericInput struct {
	secret string
	name   string // the key it is assigned to: db_password, apiKey
	kind   string // the rule's generic kind: password, secret, token, key…
	quoted bool   // the value was written between quotes
	before []byte // the line up to the secret
	after  []byte // the line after the secret
	path   string
	// minified is set for very long lines of script or style sheets,
	// where names are mangled and assignments are not configuration.
	minified bool
}

// scoreGeneric rates a generic secret the way a reviewer would: by the
// value's shape, the name it is assigned to and where the file lives. ok is
// false when the value is plainly not a secret: a reference to an
// environment variable or template, code, a placeholder, a hash, a path.
func scoreGeneric(in genericInput) (vigil.Confidence, bool) {
	v := strings.TrimSpace(cutEscapes(in.secret))
	if v == "" || pathKind(in.path) == pathNoise || in.minified {
		return 0, false
	}
	var conf vigil.Confidence
	var ok bool
	switch in.kind {
	case "uuid":
		conf, ok = scoreUUID(in)
	case "basic":
		conf, ok = scoreBasic(v)
	case "bearer":
		conf, ok = scoreOpaque(v, 16)
	case "url":
		if dec, err := url.PathUnescape(v); err == nil {
			v = dec
		}
		if isWeakPassword(v) {
			return 0, false
		}
		conf, ok = scorePassword(v, in.name)
	case "cli":
		conf, ok = scorePassword(v, "")
	case "default", "setter":
		in.quoted = true
		conf, ok = scoreAssignment(v, in)
	default:
		conf, ok = scoreAssignment(v, in)
	}
	if !ok {
		return 0, false
	}
	if k := pathKind(in.path); k == pathDocs || k == pathTest {
		// Credentials in tests and docs are often real ones pasted in
		// (CredData labels them so); only take the edge off the surest.
		conf = min(conf, vigil.Medium)
	}
	return conf, true
}

// scoreAssignment scores "name = value" for the password, secret, token,
// key and auth kinds.
func scoreAssignment(v string, in genericInput) (vigil.Confidence, bool) {
	words := nameWords(in.name)
	if !in.quoted && proseFollows(in.after) {
		return 0, false // "password: PostgreSQL instance password" is documentation
	}
	if !in.quoted && insideString(in.before) {
		in.quoted = true // "db.password=xyz" inside a string literal is a literal
	}
	if publicBefore(in.before, in.name) || insideARN(in.before) {
		return 0, false // "public key: …", arn:aws:…:secret:prod/db
	}
	if !nameIsSecret(words) || isReference(v) || isLiteralKeyword(v) || looksLikeCode(v, in) ||
		isPlaceholder(v) || echoesName(v, words) || isNonSecretValue(v) || namesASecret(v) || isConstantName(v) || isRegexy(v) {
		return 0, false
	}
	if len(words) == 1 && (words[0] == "key" || words[0] == "keys") {
		// A bare "key" is a map or table key far more often than an API
		// key: only a random token counts, and in source code only a
		// clearly random one.
		floor := vigil.Medium
		if isSourceFile(in.path) {
			floor = vigil.High
		}
		if c, ok := scoreOpaque(v, 16); !ok || c < floor || !isTokenChars(v) || identLike(v) || !hasDigitAndLetter(v) {
			return 0, false
		}
	}
	if onlyAlgorithmWords(words) {
		// "encryption: aes256-cbc", "cipher = AES": a choice of algorithm
		// unless the value is a long random token.
		if c, ok := scoreOpaque(v, 16); !ok || c < vigil.Medium || len(v) < 16 || !isTokenChars(v) || identLike(v) || !hasDigitAndLetter(v) {
			return 0, false
		}
	}
	if len(words) == 1 && words[0] == "pass" && (strings.ContainsAny(v, "/ ") || identLike(v) || isCamelCase(v) || capitalizedWord(v)) {
		return 0, false // "--- PASS: TestVet/2": a test status, not a password
	}
	if startsTemplate(in.after) {
		return 0, false // v1-source-{{ .Branch }}: the value goes on as a template
	}
	if structuredToken(v) || encodedPlaceholder(v) {
		return 0, false
	}
	if !isASCII(v) {
		// Human-language text ("キーをここに入力"): secrets are ASCII.
		if nameKind(words) == "password" {
			return vigil.Low, true
		}
		return 0, false
	}
	if nameKind(words) == "password" {
		return scorePassword(v, in.name)
	}
	if isWordLike(v) || wordPath(v) || wholeIdentifier(v) {
		return 0, false // ETag, Content-Type, ENTER_KEY_VALUE, testRSA2048PrivateKey: words, not keys
	}
	if isWeakPassword(v) {
		return vigil.Low, true
	}
	if nameKind(words) == "secret" {
		return scoreOpaque(v, 6)
	}
	return scoreOpaque(v, 8)
}

// scorePassword scores a value that a name says is a password. Short and
// plain values are real passwords too (CredData counts them), unless they
// are the defaults and examples everyone writes.
func scorePassword(v, name string) (vigil.Confidence, bool) {
	if isReference(v) || isLiteralKeyword(v) || isPlaceholder(v) || echoesName(v, nameWords(name)) {
		return 0, false
	}
	switch {
	case namesASecret(v), isConstantName(v), strings.Contains(v, " ") && isWordLike(v), isCamelCase(v), isRegexy(v),
		capsWord(v), wordPath(v):
		return 0, false // "Invalid Password", SECRET_ACCESS_KEY, ResetPassword, (.+?)
	case isWeakPassword(v), englishLike(v):
		return vigil.Low, true
	case len(v) < 4, strings.Count(v, " ") >= 2:
		return vigil.Low, true
	case len(v) >= 12 && entropy(v) >= 3.3 && hasMix(v):
		return vigil.High, true
	}
	return vigil.Medium, true
}

// scoreOpaque scores a value that should be random: an API key, token or
// secret. minLen is the shortest value that counts as more than a guess.
func scoreOpaque(v string, minLen int) (vigil.Confidence, bool) {
	if isReference(v) || isPlaceholder(v) || isLiteralKeyword(v) {
		return 0, false
	}
	e := entropy(v)
	switch {
	case len(v) < minLen || e < 2.5 || strings.Contains(v, " "):
		return vigil.Low, true
	case len(v) >= 20 && e >= 3.5 && (hasMix(v) || isHexString(v)):
		return vigil.High, true
	case englishLike(v):
		return vigil.Low, true
	}
	return vigil.Medium, true
}

// scoreUUID scores a UUID by the name it is given: a UUID assigned to a
// key, token or secret is an API key; one named as an identifier is
// reported (CredData labels them credentials) but a step lower; a bare one
// is low.
func scoreUUID(in genericInput) (vigil.Confidence, bool) {
	if isPlaceholder(strings.ReplaceAll(in.secret, "-", "")) {
		return 0, false
	}
	words := nameWords(in.name)
	switch {
	case len(words) == 0:
		return vigil.Low, true
	case hasWord(words, "public", "pub"):
		return 0, false
	case nameIsSecret(words), hasWord(words, "license", "licence", "access", "subscription", "tenant", "client"),
		containsSecretWord(in.name):
		return vigil.High, true
	case len(words) == 1 && (words[0] == "uuid" || words[0] == "guid"):
		return vigil.Low, true // declared a UUID: an identifier by its own name
	case identifierName(words):
		return vigil.Medium, true
	}
	return vigil.Low, true
}

// scoreBasic scores the base64 of an HTTP Basic header.
func scoreBasic(v string) (vigil.Confidence, bool) {
	raw, err := base64.StdEncoding.DecodeString(padBase64(v))
	if err == nil && printable(raw) {
		user, pw, ok := strings.Cut(string(raw), ":")
		if !ok {
			return vigil.Low, true
		}
		if isPlaceholder(pw) || isWeakPassword(pw) || pw == user {
			return 0, false
		}
		return vigil.High, true
	}
	switch {
	case isWordLike(v) || entropy(v) < 3.0:
		return 0, false
	case strings.HasSuffix(v, "=") && len(v)%4 == 0:
		// Encoder output (padded) that does not decode to user:password
		// here: still shaped like a credential.
		return vigil.Medium, true
	}
	return vigil.Low, true
}

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

func isUpper(c byte) bool     { return 'A' <= c && c <= 'Z' }
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
		"cred", "creds", "bearer", "session", "cookie", "salt", "signing", "encryption",
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
			"turkey", "donkey", "hockey", "jockey", "tokenizer", "tokenize", "tokenized", "tokens_used":
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
		"attr", "property", "prop", "props", "confirmation", "strength", "rules", "rule", "retries",
		"attempts", "sent", "used", "valid", "invalid", "check", "verify", "verified", "exists",
		"available", "source", "target", "bytes", "bits", "mask", "encoding", "charset", "spec",
		"action", "code", "char", "chars", "complexity", "form", "view", "page", "screen", "button",
		"link", "template", "event", "request", "response", "result", "status", "state":
		return false
	}
	for _, w := range words {
		switch w {
		case "sort", "primary", "foreign", "cache", "partition", "row", "map", "dict", "lookup", "group",
			"unique", "composite", "routing", "i18n", "translation", "locale", "shortcut", "hot", "csrf",
			"xsrf", "page", "next", "continuation", "pagination", "cursor", "sync", "idempotency":
			return false
		}
	}
	return true
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
		case w == "secret" || w == "secrets" || w == "private" || w == "salt" || w == "signing" ||
			w == "encryption" || w == "encrypt" || w == "cipher" || w == "hmac" || strings.HasSuffix(w, "secret"):
			return "secret"
		case w == "auth" || w == "authorization" || w == "credential" || w == "credentials" ||
			w == "cred" || w == "creds" || strings.HasPrefix(w, "auth"):
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

// isLiteralKeyword is a language literal, not a value.
func isLiteralKeyword(v string) bool {
	switch strings.ToLower(strings.Trim(v, `"'`)) {
	case "null", "nil", "none", "true", "false", "undefined", "empty", "blank", "string", "str",
		"required", "optional", "n/a", "na", "tbd", "todo", "secret", "password", "token", "key",
		"auth", "credential", "credentials", "login", "pass", "pwd", "passwd", "user", "username", "email":
		return true
	}
	return false
}

// echoesName reports whether the value repeats its own name (password:
// password, API_KEY=api_key), as templates do.
func echoesName(v string, words []string) bool {
	lv := strings.ToLower(strings.Trim(v, "_-. "))
	joined := strings.Join(words, "")
	if lv == strings.Join(words, "_") || lv == joined || lv == strings.Join(words, "-") {
		return true
	}
	// generateKey: "generateKey1024": the value is the name with a suffix.
	if len(joined) >= 6 && strings.HasPrefix(lettersAndDigits(lv), joined) {
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

// isNonSecretValue recognises values with a shape that is never a secret:
// paths, URLs, file names, password hashes, sentences.
func isNonSecretValue(v string) bool {
	low := strings.ToLower(v)
	switch {
	case looksLikePath(v):
		return true
	case strings.Contains(low, "://"):
		return true
	case isHashFormat(v):
		return true
	case strings.HasPrefix(v, "$2a$") || strings.HasPrefix(v, "$2b$") || strings.HasPrefix(v, "$2y$") ||
		strings.HasPrefix(v, "$argon2") || strings.HasPrefix(v, "$pbkdf2") || strings.HasPrefix(v, "$6$") ||
		strings.HasPrefix(v, "$5$") || strings.HasPrefix(v, "$1$") || strings.HasPrefix(v, "{crypt}") ||
		strings.HasPrefix(low, "{ssha") || strings.HasPrefix(low, "{sha"):
		return true
	case strings.Count(v, " ") >= 3:
		return true
	case hasVersion(v):
		return true // io.jsonwebtoken:jjwt-api:0.11.2
	}
	for _, ext := range []string{".pem", ".key", ".crt", ".cer", ".p12", ".pfx", ".jks", ".json", ".yaml", ".yml", ".txt", ".env", ".conf"} {
		if strings.HasSuffix(low, ext) {
			return true
		}
	}
	return false
}

// looksLikePath reports whether v is a file path (/etc/ssl/key.pem,
// ./secrets/token): rooted or relative, with segments that read as names
// rather than base64.
func looksLikePath(v string) bool {
	sep := "/"
	switch {
	case strings.HasPrefix(v, "/"), strings.HasPrefix(v, "./"), strings.HasPrefix(v, "~/"), strings.HasPrefix(v, "../"):
	case strings.Count(v, `\`) >= 2 && !strings.Contains(v, "/"):
		sep = `\` // C:\Users\me, SOFTWARE\Microsoft\OneDrive
	default:
		return false
	}
	for _, seg := range strings.Split(v, sep) {
		if len(seg) > 12 && hasMix(seg) && entropy(seg) > 3.5 {
			return false
		}
	}
	return true
}

// hasVersion reports whether v holds a dotted version number (1.2.3,
// v0.11), as package coordinates do.
func hasVersion(v string) bool {
	for i := 0; i+4 < len(v); i++ {
		if '0' <= v[i] && v[i] <= '9' && v[i+1] == '.' && '0' <= v[i+2] && v[i+2] <= '9' {
			j := i + 3
			for j < len(v) && '0' <= v[j] && v[j] <= '9' {
				j++
			}
			if j < len(v) && v[j] == '.' && j+1 < len(v) && '0' <= v[j+1] && v[j+1] <= '9' {
				return true
			}
		}
	}
	return false
}

// isHashFormat recognises modular-crypt and Django-style password hashes
// (algo$iterations$salt$hash): a hash of a password, not the password.
func isHashFormat(v string) bool {
	if strings.HasPrefix(v, "{") {
		if i := strings.IndexByte(v, '}'); i > 0 {
			v = v[i+1:] // {CRYPT}, {SSHA}
		}
	}
	parts := strings.Split(v, "$")
	if len(parts) < 4 {
		return false
	}
	algo := parts[0]
	if algo == "" {
		algo = parts[1]
	}
	return isIdent(strings.ReplaceAll(algo, "-", "_")) && len(parts[len(parts)-1]) >= 16
}

// looksLikeCode reports whether an unquoted value in a source file is an
// expression (a variable, a call, a member) rather than a literal.
func looksLikeCode(v string, in genericInput) bool {
	if strings.HasPrefix(v, "+") || strings.HasSuffix(v, "+") {
		return true // "KEY="+cfg.Key+"\n": string concatenation
	}
	if !in.quoted && (strings.ContainsAny(v, "()[]{}") || strings.HasPrefix(v, "&") || strings.HasPrefix(v, "*") || arithmetic(v)) {
		return true
	}
	if isDottedName(v) && (!in.quoted || strings.Count(v, ".") >= 2) {
		return true // settings.CLIENT_SECRET, allauth.account.forms.ChangePasswordForm
	}
	if in.quoted || !isSourceFile(in.path) {
		return false
	}
	// In code an unquoted value is an expression, unless it is clearly a
	// random token.
	return !(entropy(v) >= 3.5 && hasMix(v) && isTokenChars(v) && !identLike(v))
}

// isSourceFile reports whether a path is program source, where unquoted
// values are expressions; config files (.env, .yaml, .properties) hold
// literals.
func isSourceFile(p string) bool {
	switch strings.ToLower(path.Ext(p)) {
	case ".go", ".py", ".js", ".mjs", ".cjs", ".ts", ".tsx", ".jsx", ".java", ".kt", ".kts", ".rb",
		".php", ".cs", ".c", ".h", ".cc", ".cpp", ".hpp", ".rs", ".swift", ".scala", ".groovy", ".vue",
		".m", ".mm", ".pl", ".lua", ".dart", ".ex", ".exs", ".clj", ".cljs", ".cljc", ".r", ".jl", ".fs", ".vb":
		return true
	}
	return false
}

// insideString reports whether the text before a value leaves an open
// double-quoted string: "spring.datasource.password=xyz" in Java source.
func insideString(before []byte) bool {
	n := bytes.Count(before, []byte{'"'}) - bytes.Count(before, []byte{'\\', '"'}) // quotes not escaped
	return n%2 == 1
}

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

// isRegexy reports whether v is a regular expression, not a value.
func isRegexy(v string) bool {
	for _, p := range []string{`\s`, `\S`, `\d`, `\w`, `\r?`, `\n?`, ".+", ".*", "[a-", "[A-", "[0-", "]{", "]+", "(?", "+?", "*?"} {
		if strings.Contains(v, p) {
			return true
		}
	}
	return false
}

// structuredToken reports whether v is base64url JSON that carries no
// secret: an unsigned JWT (alg none, or an empty signature) or a lone JSON
// header segment.
func structuredToken(v string) bool {
	if !strings.HasPrefix(v, "eyJ") {
		return false
	}
	segs := strings.Split(v, ".")
	switch {
	case len(segs) == 1:
		if len(v) < 24 {
			return true // a fragment of a JSON header
		}
		var obj map[string]any
		return decodeSegment(segs[0], &obj) == nil && len(v) < 100
	case len(segs) == 3 && segs[2] == "":
		return true
	case len(segs) == 3:
		var hdr map[string]any
		if decodeSegment(segs[0], &hdr) == nil {
			alg, _ := hdr["alg"].(string)
			return strings.EqualFold(alg, "none")
		}
	}
	return false
}

// encodedPlaceholder reports whether v is the base64 of a placeholder or a
// weak default (cGFzc3dvcmQ= is "password"), as Kubernetes manifests and
// examples write them. The base64 of a real password is still reported.
func encodedPlaceholder(v string) bool {
	if len(v) < 8 || len(v)%4 != 0 {
		return false
	}
	raw, err := base64.StdEncoding.DecodeString(v)
	if err != nil || len(raw) < 4 || !printable(raw) {
		return false
	}
	d := string(raw)
	return isPlaceholder(d) || isWeakPassword(d) || namesASecret(d) || strings.Count(d, "-") >= 3 && isWordLike(d)
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

// namesASecret reports whether a value spells out the kind of secret it
// stands for (rootpassword, test_password, randomSecretString,
// your-api-token): a placeholder, not a credential.
func namesASecret(v string) bool {
	low := strings.ToLower(v)
	for _, w := range []string{"password", "passwd", "secret", "apikey", "api_key", "api-key", "token", "-key", "_key", "key_", "key-"} {
		if strings.Contains(low, w) {
			return true
		}
	}
	return false
}

// isConstantName reports whether v is an UPPER_SNAKE_CASE name such as
// SECRET_ACCESS_KEY or SERPENT:FRAMES: the name of a variable, setting or
// key, not its value.
func isConstantName(v string) bool {
	if !strings.ContainsAny(v, "_:.") {
		return false
	}
	letters := 0
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case isUpper(c):
			letters++
		case c == '_' || c == ':' || c == '.' || '0' <= c && c <= '9':
		default:
			return false
		}
	}
	return letters >= 3
}

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

// arithmetic reports whether v holds an operator between names or numbers
// (memoryMap.pc*1024, a+b): an expression.
func arithmetic(v string) bool {
	for i := 1; i+1 < len(v); i++ {
		if strings.IndexByte("*%^", v[i]) >= 0 && isNameChar(v[i-1]) && isNameChar(v[i+1]) {
			return true
		}
	}
	return false
}

func isNameChar(c byte) bool {
	return isLowerByte(c) || isUpper(c) || '0' <= c && c <= '9' || c == '_' || c == '.'
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

// isDottedName reports whether v is a chain of identifiers joined by dots
// (a member access), not a random value.
func isDottedName(v string) bool {
	if !strings.Contains(v, ".") {
		return false
	}
	for _, seg := range strings.Split(v, ".") {
		if !isIdent(seg) {
			return false
		}
	}
	return entropy(v) < 4.0 || !hasMix(v)
}

func isHexString(v string) bool {
	for i := 0; i < len(v); i++ {
		if !isHexDigit(v[i]) {
			return false
		}
	}
	return len(v) > 0
}

// isReference reports whether v names a secret instead of holding one:
// environment variables, templates, function calls, config lookups.
func isReference(v string) bool {
	if v == "" || v == "?" {
		return true
	}
	low := strings.ToLower(v)
	for _, p := range []string{"${", "$(", "{{", "}}", "%(", "#{", "<%", "%>", "process.env", "os.getenv", "os.environ",
		"getenv(", "env[", "env.", "system.getenv", "secrets.", "vault:", "ssm:", "arn:aws:secretsmanager",
		"{$", "@{", "$env:", "%env", "[[", "]]"} {
		if strings.Contains(low, p) {
			return true
		}
	}
	if strings.IndexByte("$%@:", v[0]) >= 0 && len(v) > 1 && isIdent(strings.Trim(v[1:], "%")) {
		return true
	}
	if v[0] == '$' && len(v) > 1 && (isLowerByte(v[1]) || isUpper(v[1]) || v[1] == '_') {
		return true // $this->token, $config['secret']: a PHP or shell variable
	}
	if shellVar(v) {
		return true
	}
	return strings.HasPrefix(v, "<") && strings.HasSuffix(v, ">")
}

// shellVar reports whether v holds a shell or batch variable ($RANDOM,
// $DB_PASS, %RANDOM%), so its real value is elsewhere.
func shellVar(v string) bool {
	for i := 0; i+1 < len(v); i++ {
		if v[i] != '$' && v[i] != '%' {
			continue
		}
		j := i + 1
		for j < len(v) && (isUpper(v[j]) || v[j] == '_' || j > i+1 && '0' <= v[j] && v[j] <= '9') {
			j++
		}
		if j-i-1 >= 3 && (v[i] == '$' || j < len(v) && v[j] == '%') {
			return true
		}
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

type pathClass int

const (
	pathNormal pathClass = iota
	pathTest             // tests, fixtures, examples
	pathDocs             // documentation
	pathNoise            // lock files, minified bundles, source maps
)

// pathKind classifies a path the way a reviewer would discount it.
func pathKind(p string) pathClass {
	low := strings.ToLower(p)
	base := path.Base(low)
	switch {
	case strings.HasSuffix(base, ".lock"), strings.HasSuffix(base, "-lock.json"), strings.HasSuffix(base, ".lock.json"),
		base == "go.sum", base == "pnpm-lock.yaml", strings.HasSuffix(base, ".min.js"),
		strings.HasSuffix(base, ".min.css"), strings.HasSuffix(base, ".map"), strings.HasSuffix(base, ".snap"):
		return pathNoise
	}
	switch path.Ext(base) {
	case ".md", ".rst", ".adoc", ".txt", ".html", ".htm":
		return pathDocs
	}
	for _, seg := range strings.Split(low, "/") {
		switch seg {
		case "docs", "doc", "documentation":
			return pathDocs
		case "test", "tests", "testdata", "__tests__", "spec", "specs", "fixtures", "fixture",
			"examples", "example", "samples", "sample", "mocks", "mock", "testing":
			return pathTest
		}
	}
	if strings.Contains(base, "_test.") || strings.Contains(base, ".test.") || strings.Contains(base, ".spec.") ||
		strings.HasPrefix(base, "test_") || strings.Contains(base, "example") || strings.Contains(base, "sample") {
		return pathTest
	}
	return pathNormal
}
