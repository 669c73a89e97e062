package webhook

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/url"
	"slices"
	"sort"
	"strings"
)

// SignatureHeader is the request header that carries Twilio's signature.
const SignatureHeader = "X-Twilio-Signature"

// bodyHashParam is the query parameter Twilio adds to the URL of a JSON
// webhook.
const bodyHashParam = "bodySHA256"

// StringToSign returns what the official SDKs sign: the full URL followed,
// for each parameter name in byte order, by name+value for each distinct
// value of that name, the values also in byte order (the Python and Node
// SDKs sign a value repeated under one name once). Pass nil params for GET
// and JSON webhooks, whose parameters are in the URL.
func StringToSign(rawURL string, params url.Values) string {
	var b strings.Builder
	b.WriteString(rawURL)
	b.WriteString(paramSuffix(params, true))
	return b.String()
}

// paramSuffix is the part of the string to sign that follows the URL:
// every name+value pair in order, or, with distinct, each pair once.
func paramSuffix(params url.Values, distinct bool) string {
	if len(params) == 0 {
		return ""
	}
	names := make([]string, 0, len(params))
	size := 0
	for name, values := range params {
		names = append(names, name)
		for _, v := range values {
			size += len(name) + len(v)
		}
	}
	sort.Strings(names)
	var b strings.Builder
	b.Grow(size)
	for _, name := range names {
		values := params[name]
		if len(values) > 1 {
			values = append([]string(nil), values...)
			sort.Strings(values)
			if distinct {
				values = slices.Compact(values)
			}
		}
		for _, v := range values {
			b.WriteString(name)
			b.WriteString(v)
		}
	}
	return b.String()
}

// Sign returns the X-Twilio-Signature for a request to rawURL with the
// given POST form parameters (nil for GET and JSON), signed with token, as
// the official SDKs compute it (see StringToSign).
func Sign(token, rawURL string, params url.Values) string {
	return signString(token, rawURL, paramSuffix(params, true))
}

// signString is Base64(HMAC-SHA1(token, rawURL+suffix)).
func signString(token, rawURL, suffix string) string {
	mac := hmac.New(sha1.New, []byte(token))
	mac.Write([]byte(rawURL))
	mac.Write([]byte(suffix))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// BodySHA256 returns the lower-case hex SHA-256 of a JSON webhook body, the
// value Twilio puts in the bodySHA256 query parameter.
func BodySHA256(body []byte) string {
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}

// WithBodySHA256 appends the bodySHA256 query parameter for body to rawURL,
// as Twilio does before signing a JSON webhook.
func WithBodySHA256(rawURL string, body []byte) string {
	frag := ""
	if i := strings.IndexByte(rawURL, '#'); i >= 0 {
		rawURL, frag = rawURL[:i], rawURL[i:]
	}
	sep := "?"
	if i := strings.IndexByte(rawURL, '?'); i >= 0 {
		sep = "&"
		if i == len(rawURL)-1 || strings.HasSuffix(rawURL, "&") {
			sep = ""
		}
	}
	return rawURL + sep + bodyHashParam + "=" + BodySHA256(body) + frag
}

// SignJSON returns the URL Twilio requests for a JSON webhook (rawURL with
// bodySHA256 added) and the signature it sends with it.
func SignJSON(token, rawURL string, body []byte) (signedURL, signature string) {
	signedURL = WithBodySHA256(rawURL, body)
	return signedURL, Sign(token, signedURL, nil)
}

// Validate reports whether signature is the X-Twilio-Signature of a request
// to rawURL with the given POST form parameters (nil for GET and JSON)
// under token, trying every URL variant (see URLVariants) and both ways of
// signing a repeated value: once per occurrence, or once (see
// StringToSign). The comparison takes constant time.
func Validate(token, rawURL string, params url.Values, signature string) bool {
	suffixes := [][]byte{[]byte(paramSuffix(params, false))}
	if d := paramSuffix(params, true); d != string(suffixes[0]) {
		suffixes = append(suffixes, []byte(d))
	}
	_, _, ok := matchSignature(NewKeyring(token).macs(""), rawURL, suffixes, signature)
	return ok
}

// ValidateJSON reports whether signature and body match a JSON webhook to
// rawURL under token: the signature must cover rawURL, which must carry a
// bodySHA256 parameter equal to the SHA-256 of body.
func ValidateJSON(token, rawURL string, body []byte, signature string) bool {
	hash, ok, err := queryParam(rawURL, bodyHashParam)
	if err != nil || !ok || !bodyHashMatches(hash, body) {
		return false
	}
	return Validate(token, rawURL, nil, signature)
}
