package rules

import (
	"encoding/base64"
	"strings"
)

// isLiteralKeyword is a language literal, not a value.
func isLiteralKeyword(v string) bool {
	low := strings.ToLower(strings.Trim(v, `"'`))
	switch strings.TrimRight(low, "0123456789") {
	case "int", "uint", "float", "bytes", "bits":
		return low != "int" // int128, uint32, float64: sized types
	}
	switch low {
	case "null", "nil", "none", "true", "false", "undefined", "empty", "blank", "string", "str",
		"required", "optional", "n/a", "na", "tbd", "todo", "secret", "password", "token", "key",
		"auth", "credential", "credentials", "login", "pass", "pwd", "passwd", "user", "username", "email",
		// type names, in schemas and type annotations (password:string)
		"int", "long", "bytes", "bool", "boolean", "double", "float", "number", "object", "function",
		"symbol", "void", "char", "any",
		// keywords that start an expression (password = await hash(…))
		"await", "new", "this", "self", "return", "async", "lambda", "typeof",
		// fetch's credentials modes (credentials: 'include')
		"include", "omit", "same-origin",
		// character encodings (password.decode("utf-8"))
		"utf-8", "utf8", "utf-16", "ascii", "latin-1", "latin1", "iso-8859-1":
		return true
	}
	return false
}

// isAlgorithmName reports whether v names algorithms, not a secret:
// scram-sha-256, ssh-ed25519, aes-256-cbc, kerberosv5, OAUTHBEARER.
func isAlgorithmName(v string) bool {
	parts := strings.FieldsFunc(strings.ToLower(v), func(r rune) bool { return r == '-' || r == '_' || r == '.' || r == '/' })
	named := false
	for _, p := range parts {
		if strings.Trim(p, "0123456789") == "" {
			continue // 256, 128
		}
		named = true
		switch strings.TrimRight(p, "0123456789") {
		case "sha", "md", "aes", "rsa", "dsa", "ecdsa", "ed", "x", "hmac", "scram", "pbkdf", "bcrypt", "scrypt",
			"argon", "argon2id", "des", "3des", "rc", "cbc", "gcm", "ctr", "ecb", "cfb", "ofb", "ssh", "kerberos",
			"kerberosv", "krb", "plain", "gssapi", "oauthbearer", "ntlm", "sasl", "chacha", "poly", "blake",
			"nistp", "secp", "prime", "curve", "ecdh", "dh", "cert", "v":
		default:
			return false
		}
	}
	return named
}

// markupPlaceholder reports whether v is a placeholder in a notation people
// use for values to fill in or that a tool has hidden: ###ORACLE_PWD###,
// [FILTERED], %DB.USER%, @word(6).
func markupPlaceholder(v string) bool {
	switch {
	case len(v) > 4 && strings.HasPrefix(v, "##") && strings.HasSuffix(v, "##"):
		return true
	case len(v) > 2 && v[0] == '[' && v[len(v)-1] == ']' && strings.Trim(v[1:len(v)-1], "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_- ") == "":
		return true
	case len(v) > 2 && v[0] == '%' && v[len(v)-1] == '%' && isConstantName(strings.Trim(v, "%")):
		return true
	case len(v) > 2 && v[0] == '@' && strings.HasSuffix(v, ")") && strings.Contains(v, "("):
		return true
	}
	return false
}

// wordsNotKey reports whether a value without digits reads as words or an
// identifier (dubboApplication, googleID, shipit:deferred_touches) by its
// letter pairs: the name of a thing, where a generated key reads as noise.
func wordsNotKey(v string) bool {
	if strings.ContainsAny(v, "0123456789") {
		return false
	}
	if englishPairs(v, 4, 0.75) {
		return true
	}
	// Judge each word of an identifier on its own: most of the letters
	// must be in parts that read as words (dubbo+Application, google+ID).
	letters, inWords, long := 0, 0, false
	for _, part := range nameParts(v) {
		letters += len(part)
		switch {
		case len(part) <= 2 && strings.ToUpper(part) == part:
			inWords += len(part) // ID, IO: an acronym
		case len(part) >= 3 && englishPairs(part, 2, 0.66):
			inWords += len(part)
			long = long || len(part) >= 5
		}
	}
	return long && letters > 0 && 10*inWords >= 7*letters
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
	case strings.Contains(v, "|") && (strings.Contains(low, "required") || strings.Contains(low, "min:") || strings.Contains(low, "max:")):
		return true // 'required|min:8': validation rules
	case strings.HasPrefix(v, "flags.") && strings.Contains(v, "?"):
		return true // password_missing:flags.3?true: a TL schema's field type
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
	return !randomToken(v)
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

// namesASecret reports whether a value spells out the kind of secret it
// stands for (rootpassword, test_password, randomSecretString,
// your-api-token): a placeholder, not a credential.
func namesASecret(v string) bool {
	return containsAnyFold(v, []string{"password", "passwd", "secret", "apikey", "api_key", "api-key", "token", "-key", "_key", "key_", "key-"})
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

// isRegexy reports whether v is a regular expression, not a value.
func isRegexy(v string) bool {
	for _, p := range []string{`\s`, `\S`, `\d`, `\w`, `\r?`, `\n?`, ".+", ".*", "[a-", "[A-", "[0-", "]{", "]+", "(?", "+?", "*?"} {
		if strings.Contains(v, p) {
			return true
		}
	}
	return false
}
