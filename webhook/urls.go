package webhook

import "strings"

// URLVariants returns the URLs a signature for rawURL may have been computed
// over, most likely first: rawURL as given, then with its port removed, then
// with the scheme's default port added (Twilio's signing is inconsistent
// about ports, and every official SDK tries these), then each of those with
// apostrophes in the query percent-encoded or decoded (the Node SDK accepts
// both). The list has no duplicates. The URL is handled as text: nothing
// else in it is re-encoded or normalised, since Twilio signs it verbatim.
func URLVariants(rawURL string) []string {
	out := make([]string, 0, 6)
	add := func(s string) {
		for _, v := range out {
			if v == s {
				return
			}
		}
		out = append(out, s)
	}
	add(rawURL)
	if u, ok := splitURL(rawURL); ok {
		add(u.withoutPort())
		add(u.withDefaultPort())
	}
	for _, v := range out[:len(out):len(out)] {
		add(quoteEncoded(v))
		add(quoteDecoded(v))
	}
	return out
}

// urlParts is an absolute URL cut into the pieces port handling needs.
type urlParts struct {
	scheme   string // as written, without "://"
	userinfo string // with its trailing "@", or ""
	host     string // IPv6 literals keep their brackets
	port     string // digits only, or "" when absent
	hasColon bool   // the authority ends in ":" with an empty port
	rest     string // path, query and fragment
}

// splitURL cuts an absolute http(s)-style URL. It reports false for text
// that has no "scheme://" prefix or whose port is not made of digits.
func splitURL(raw string) (urlParts, bool) {
	var u urlParts
	i := strings.Index(raw, "://")
	if i <= 0 || strings.ContainsAny(raw[:i], "/?#") {
		return u, false
	}
	u.scheme = raw[:i]
	after := raw[i+3:]
	end := strings.IndexAny(after, "/?#")
	if end < 0 {
		end = len(after)
	}
	authority := after[:end]
	u.rest = after[end:]
	if at := strings.LastIndexByte(authority, '@'); at >= 0 {
		u.userinfo = authority[:at+1]
		authority = authority[at+1:]
	}
	hostEnd := 0
	if strings.HasPrefix(authority, "[") {
		close := strings.IndexByte(authority, ']')
		if close < 0 {
			return u, false
		}
		hostEnd = close + 1
	} else if c := strings.LastIndexByte(authority, ':'); c >= 0 {
		hostEnd = c
	} else {
		hostEnd = len(authority)
	}
	u.host = authority[:hostEnd]
	tail := authority[hostEnd:]
	switch {
	case tail == "":
	case tail == ":":
		u.hasColon = true
	case tail[0] == ':' && allDigits(tail[1:]):
		u.port = tail[1:]
	default:
		return u, false
	}
	if u.host == "" || u.host[0] != '[' && strings.IndexByte(u.host, ':') >= 0 {
		return u, false
	}
	return u, true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func (u urlParts) build(port string) string {
	s := u.scheme + "://" + u.userinfo + u.host
	if port != "" {
		s += ":" + port
	}
	return s + u.rest
}

// withoutPort drops any port, default or not, as the SDKs do.
func (u urlParts) withoutPort() string { return u.build("") }

// withDefaultPort adds the scheme's default port when the URL has none; a
// URL with an explicit port is left as it is.
func (u urlParts) withDefaultPort() string {
	if u.port != "" {
		return u.build(u.port)
	}
	switch strings.ToLower(u.scheme) {
	case "https":
		return u.build("443")
	case "http":
		return u.build("80")
	}
	return u.build("")
}

// queryBounds returns where the query of raw starts (after '?') and ends
// (before '#'), or -1, -1 when it has none.
func queryBounds(raw string) (start, end int) {
	end = len(raw)
	if h := strings.IndexByte(raw, '#'); h >= 0 {
		end = h
	}
	q := strings.IndexByte(raw[:end], '?')
	if q < 0 {
		return -1, -1
	}
	return q + 1, end
}

// quoteEncoded percent-encodes apostrophes in the query, as a WHATWG URL
// parser does.
func quoteEncoded(raw string) string {
	s, e := queryBounds(raw)
	if s < 0 || !strings.Contains(raw[s:e], "'") {
		return raw
	}
	return raw[:s] + strings.ReplaceAll(raw[s:e], "'", "%27") + raw[e:]
}

// quoteDecoded turns %27 in the query back into apostrophes, as Node's
// legacy querystring module does when it re-encodes a query.
func quoteDecoded(raw string) string {
	s, e := queryBounds(raw)
	if s < 0 {
		return raw
	}
	q := raw[s:e]
	if !strings.Contains(q, "%27") {
		return raw
	}
	return raw[:s] + strings.ReplaceAll(q, "%27", "'") + raw[e:]
}
