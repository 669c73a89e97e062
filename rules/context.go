// The generic scores: how a reviewer rates a value found by a generic rule,
// from its shape, its name, the line around it and the file it is in. What
// each judges lives beside: names.go (the name a value is given),
// values.go and words.go (the value itself), shape.go (its characters),
// line.go (the text around it on its line),
// paths.go (the file).

package rules

import (
	"encoding/base64"
	"net/url"
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
	case "scheme":
		if isWordLike(v) || isPlaceholder(v) {
			return 0, false
		}
		conf, ok = scoreOpaque(v, 8)
	case "url":
		if dec, err := url.PathUnescape(v); err == nil {
			v = dec
		}
		if isWeakPassword(v) && !isLiteralKeyword(v) && !isPlaceholder(v) {
			// admin:admin@host: a default password, where it is deployed a
			// real risk; the README promises these at low.
			return vigil.Low, true
		}
		conf, ok = scorePassword(v, in.name)
	case "cli":
		if !strings.Contains(v, "(") {
			v = strings.TrimRight(v, ");,") // %w(--password 1234)
		}
		if rest, ok := strings.CutPrefix(v, "pass:"); ok {
			v = rest // openssl -password pass:…
		} else if strings.HasPrefix(v, "env:") || strings.HasPrefix(v, "file:") || strings.HasPrefix(v, "fd:") {
			return 0, false // openssl -pass env:VAR: a reference
		}
		if identLike(v) || lettersOnly(strings.ToLower(v)) == strings.ToLower(v) && proseFollows(in.after) {
			return 0, false // "--password   Force password prompt.": usage text
		}
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
	if pathKind(in.path) == pathMessages && !randomToken(v) {
		return 0, false // the word for "password" in another language, not a password
	}
	if k := pathKind(in.path); k == pathDocs || k == pathTest {
		// Credentials in tests and docs are often real ones pasted in
		// (CredData labels them so); only take the edge off the surest.
		// The weak ones there (test, admin123, a dictionary word) are the
		// fixtures and examples everyone writes: where they are deployed
		// they are a risk, so only URLs keep them (at low).
		if conf == vigil.Low && in.kind != "url" {
			return 0, false
		}
		conf = min(conf, vigil.Medium)
	}
	return conf, true
}

// scoreAssignment scores "name = value" for the password, secret, token,
// key and auth kinds.
func scoreAssignment(v string, in genericInput) (vigil.Confidence, bool) {
	words := nameWords(in.name)
	if inner, ok := jsonInString(v); ok {
		v = inner // "Apitoken": "{\"name\": \"…\", \"sig\": \"…\"}": judge its most random member
	}
	if !in.quoted && proseFollows(in.after) {
		return 0, false // "password: PostgreSQL instance password" is documentation
	}
	if !in.quoted && strings.HasSuffix(v, "=") && isIdent(strings.ReplaceAll(strings.TrimSuffix(v, "="), "-", "_")) &&
		len(in.after) > 0 && (in.after[0] == '"' || in.after[0] == '\'') {
		return 0, false // <Field name="password" :rules="…">: the next attribute's name
	}
	if !in.quoted && insideString(in.before) {
		in.quoted = true // "db.password=xyz" inside a string literal is a literal
	}
	if publicBefore(in.before, in.name) || insideARN(in.before) || ternaryBefore(in.before, in.name) {
		return 0, false // "public key: …", arn:aws:…:secret:prod/db, ok ? "pass" : "fail"
	}
	if callee, ok := calledWith(in.before); ok && isAssignmentKind(in.kind) && (!in.quoted || !literalWrapper(callee)) {
		// os.getenv("API_KEY"), T("password"): the argument names the
		// secret; getenv(API_KEY), ENC(…): an expression or ciphertext.
		return 0, false
	}
	if !nameIsSecret(words) || pathName(in.before, in.name) || isReference(v) || isLiteralKeyword(v) || looksLikeCode(v, in) ||
		isPlaceholder(v) || markupPlaceholder(v) || echoesName(v, words) || isNonSecretValue(v) || namesASecret(v) ||
		isConstantName(v) || isRegexy(v) || isAlgorithmName(v) {
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
		// Human-language text ("キーをここに入力", "新密码") is a prompt or a
		// label; a password may still hold a symbol or letter from outside
		// ASCII (£, §, ə).
		if nameKind(words) != "password" || humanText(v) {
			return 0, false
		}
	}
	if nameKind(words) == "password" {
		return scorePassword(v, in.name)
	}
	if isWordLike(v) || wordPath(v) || wholeIdentifier(v) || wordsNotKey(v) {
		return 0, false // ETag, Content-Type, ENTER_KEY_VALUE, testRSA2048PrivateKey: words, not keys
	}
	if strings.Trim(v, "0123456789") == "" {
		return vigil.Low, true // a number: an ID, a code or a constant far more often than a key
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
	case isWeakPassword(v), englishLike(v), selfDescribing(v):
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
// key, token or secret is an API key, and high; any other random UUID may
// be one (many services issue UUIDs as keys, and CredData labels them
// credentials) and is medium. Placeholders, the class IDs of COM objects
// and UUIDs named public are not reported.
func scoreUUID(in genericInput) (vigil.Confidence, bool) {
	if isPlaceholder(strings.ReplaceAll(in.secret, "-", "")) || uuidPlaceholder(in.secret) || classID(in.before) {
		return 0, false
	}
	words := nameWords(in.name)
	switch {
	case len(words) == 0:
		return vigil.Medium, true
	case hasWord(words, "public", "pub"):
		return 0, false
	case nameIsSecret(words), hasWord(words, "license", "licence", "access", "subscription", "tenant", "client"),
		containsSecretWord(in.name):
		return vigil.High, true
	}
	return vigil.Medium, true
}

// uuidPlaceholder reports whether a UUID is written by hand: three or more
// of its groups made of one or two characters (00001111-2222-3333-…), or
// counting digits in most groups (12345678-1234-1234-…).
func uuidPlaceholder(u string) bool {
	plain, counting := 0, 0
	for _, g := range strings.Split(u, "-") {
		if distinctBytes(g) <= 2 {
			plain++
		}
		if strings.HasPrefix("1234567890", g[:min(4, len(g))]) || strings.HasPrefix("abcdef", strings.ToLower(g[:min(4, len(g))])) {
			counting++
		}
	}
	return plain >= 3 || counting >= 3
}

// classID reports whether the text before a UUID names it a COM class or
// interface ID (clsid:, CLSID\, IID_): a constant of the platform.
func classID(before []byte) bool {
	t := strings.ToLower(string(before[max(0, len(before)-12):]))
	t = strings.TrimRight(t, "{\"'= ")
	return strings.HasSuffix(t, "clsid:") || strings.HasSuffix(t, "clsid") || strings.HasSuffix(t, "iid")
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
	case strings.HasSuffix(v, "=") && len(v)%4 == 0, len(v) >= 12 && hasMix(v):
		// Encoder output that does not decode to user:password here
		// (padded, or random with mixed case and digits) is still shaped
		// like a credential.
		return vigil.Medium, true
	}
	return vigil.Low, true
}
