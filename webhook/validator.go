package webhook

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/vigilsec/vigil"
)

// Defaults for the Validator's limits.
const (
	DefaultMaxBody   = 1 << 20 // bytes; Twilio's webhooks are a few KiB
	DefaultMaxParams = 1000    // form parameters; Twilio sends a few dozen
)

// Validator checks webhook requests against the tokens of a TokenSource.
// The zero value of every field but Keys is usable. A Validator is safe for
// concurrent use.
type Validator struct {
	// Keys supplies the Auth Tokens. Required.
	Keys TokenSource
	// PublicURL returns the URL Twilio requested, which the signature
	// covers. Nil means RequestURL, right when the app is reached directly;
	// behind a proxy or load balancer, return the public URL.
	PublicURL func(*http.Request) string
	// MaxBody caps the body read, in bytes (0: DefaultMaxBody).
	MaxBody int64
	// MaxParams caps the number of form parameters (0: DefaultMaxParams).
	MaxParams int
	// Logger receives one line per refused request from Middleware (nil:
	// no logging). It never sees tokens, signatures or bodies.
	Logger *slog.Logger
}

// Request is a webhook request read and parsed, ready to be verified
// against one or more candidate URLs.
type Request struct {
	// Signature is the X-Twilio-Signature header.
	Signature string
	// Form holds the parameters of a form-encoded body, nil otherwise.
	Form url.Values
	// Body is the raw body.
	Body []byte
}

// Match tells how a request was verified.
type Match struct {
	// AccountSid is the request's AccountSid parameter, if any.
	AccountSid string
	// Token is the index of the token that matched among the tokens tried:
	// 0 for the current token, 1 or more for an outgoing one.
	Token int
	// URL is the URL variant the signature was computed over.
	URL string
}

// RequestURL rebuilds the URL of r as its client requested it: the scheme
// (https when r came over TLS), the Host header and the request URI exactly
// as received.
func RequestURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	uri := r.RequestURI
	if uri == "" || uri[0] != '/' {
		uri = r.URL.RequestURI()
	}
	return scheme + "://" + r.Host + uri
}

// Check reads r's signature and body, verifies them against the public URL
// and returns how they matched. The body stays readable: r.Body is replaced
// by a reader over the bytes read.
func (v *Validator) Check(r *http.Request) (Match, error) {
	req, err := v.Parse(r)
	if err != nil {
		return Match{}, err
	}
	u := RequestURL(r)
	if v.PublicURL != nil {
		u = v.PublicURL(r)
	}
	return v.Verify(req, u)
}

// Parse reads the signature header and the body of r (at most MaxBody
// bytes) and parses a form-encoded body. r.Body is replaced by a reader
// over the bytes read, so the next handler can read it again.
func (v *Validator) Parse(r *http.Request) (*Request, error) {
	sigs := r.Header.Values(SignatureHeader)
	switch {
	case len(sigs) == 0:
		return nil, ErrMissingSignature
	case len(sigs) > 1:
		return nil, ErrDuplicateSignature
	}
	req := &Request{Signature: sigs[0]}
	body, err := v.readBody(r)
	if err != nil {
		return nil, err
	}
	req.Body = body
	if len(body) > 0 && isForm(r.Header.Get("Content-Type")) {
		if req.Form, err = v.parseForm(body); err != nil {
			return nil, err
		}
	}
	return req, nil
}

func (v *Validator) readBody(r *http.Request) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	limit := v.MaxBody
	if limit <= 0 {
		limit = DefaultMaxBody
	}
	if r.ContentLength > limit {
		return nil, fmt.Errorf("%w: Content-Length %d exceeds %d bytes", ErrBodyTooLarge, r.ContentLength, limit)
	}
	var buf bytes.Buffer
	if r.ContentLength > 0 {
		buf.Grow(int(r.ContentLength))
	}
	n, err := buf.ReadFrom(io.LimitReader(r.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%w: read body: %w", ErrMalformed, err)
	}
	if n > limit {
		return nil, fmt.Errorf("%w: over %d bytes", ErrBodyTooLarge, limit)
	}
	body := buf.Bytes()
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	return body, nil
}

func isForm(contentType string) bool {
	if contentType == "application/x-www-form-urlencoded" {
		return true
	}
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && mt == "application/x-www-form-urlencoded"
}

func (v *Validator) parseForm(body []byte) (url.Values, error) {
	limit := v.MaxParams
	if limit <= 0 {
		limit = DefaultMaxParams
	}
	n := bytes.Count(body, []byte("&")) + 1
	if n > limit {
		return nil, fmt.Errorf("%w: %d form parameters, at most %d allowed", ErrMalformed, n, limit)
	}
	form, err := parseQuery(string(body), n)
	if err != nil {
		return nil, fmt.Errorf("%w: form body: %w", ErrMalformed, err)
	}
	return form, nil
}

// parseQuery is url.ParseQuery with the map sized up front: the same
// rules (semicolons refused, '+' is a space, strict percent-encoding),
// fewer allocations on the hot path.
func parseQuery(q string, n int) (url.Values, error) {
	form := make(url.Values, n)
	for q != "" {
		var kv string
		kv, q, _ = strings.Cut(q, "&")
		if strings.IndexByte(kv, ';') >= 0 {
			return nil, errors.New("invalid semicolon separator in query")
		}
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		k, err := unescape(k)
		if err != nil {
			return nil, err
		}
		if v, err = unescape(v); err != nil {
			return nil, err
		}
		form[k] = append(form[k], v)
	}
	return form, nil
}

// unescape skips url.QueryUnescape when there is nothing to decode.
func unescape(s string) (string, error) {
	if strings.IndexByte(s, '%') < 0 && strings.IndexByte(s, '+') < 0 {
		return s, nil
	}
	return url.QueryUnescape(s)
}

// Verify checks req against publicURL, the URL Twilio requested, trying
// each of its URLVariants with each token the keyring holds for the
// request's account. A bodySHA256 parameter in publicURL makes it a JSON
// webhook: the signature covers the URL alone and the body must hash to
// that value. Otherwise a body must be form-encoded.
func (v *Validator) Verify(req *Request, publicURL string) (Match, error) {
	var params url.Values
	hash, hasHash, err := queryParam(publicURL, bodyHashParam)
	switch {
	case err != nil:
		return Match{}, err
	case hasHash:
		if !bodyHashMatches(hash, req.Body) {
			return Match{}, ErrBodyHash
		}
	case req.Form != nil:
		params = req.Form
	case len(req.Body) > 0:
		return Match{}, ErrUnsignedBody
	}
	m := Match{AccountSid: params.Get("AccountSid")}
	if m.AccountSid == "" && params == nil {
		m.AccountSid, _, _ = queryParam(publicURL, "AccountSid")
	}
	var keys *Keyring
	if v.Keys != nil {
		keys = v.Keys.Keyring()
	}
	tokens := keys.Tokens(m.AccountSid)
	if len(tokens) == 0 {
		return Match{}, ErrNoToken
	}
	i, u, ok := matchSignature(tokens, URLVariants(publicURL), paramSuffix(params), req.Signature)
	if !ok {
		return Match{}, ErrSignature
	}
	m.Token, m.URL = i, u
	return m, nil
}

// matchSignature tries every token over every URL variant and returns the
// first pair under which sig is the signature of url+suffix.
func matchSignature(tokens []vigil.Secret, variants []string, suffix, sig string) (token int, u string, ok bool) {
	if len(sig) != base64.StdEncoding.EncodedLen(sha1.Size) {
		return 0, "", false
	}
	want := []byte(sig)
	var sum [sha1.Size]byte
	var enc [28]byte
	for i, t := range tokens {
		mac := hmac.New(sha1.New, []byte(t.Reveal()))
		for _, u := range variants {
			mac.Reset()
			io.WriteString(mac, u)
			io.WriteString(mac, suffix)
			base64.StdEncoding.Encode(enc[:], mac.Sum(sum[:0]))
			if hmac.Equal(enc[:], want) {
				return i, u, true
			}
		}
	}
	return 0, "", false
}

// bodyHashMatches compares the hex SHA-256 of body with want in constant
// time; want may be in either case.
func bodyHashMatches(want string, body []byte) bool {
	w, err := hex.DecodeString(want)
	if err != nil || len(w) != sha256.Size {
		return false
	}
	got := sha256.Sum256(body)
	return subtle.ConstantTimeCompare(w, got[:]) == 1
}

// queryParam returns the decoded value of the query parameter name in
// rawURL. It reports ErrMalformed when name appears more than once or its
// value cannot be decoded.
func queryParam(rawURL, name string) (value string, ok bool, err error) {
	s, e := queryBounds(rawURL)
	if s < 0 {
		return "", false, nil
	}
	for q := rawURL[s:e]; q != ""; {
		var part string
		part, q, _ = strings.Cut(q, "&")
		k, val, _ := strings.Cut(part, "=")
		if dk, err := url.QueryUnescape(k); err == nil {
			k = dk
		}
		if k != name {
			continue
		}
		if ok {
			return "", false, fmt.Errorf("%w: %s appears more than once in the URL", ErrMalformed, name)
		}
		if value, err = url.QueryUnescape(val); err != nil {
			return "", false, fmt.Errorf("%w: %s: %w", ErrMalformed, name, err)
		}
		ok = true
	}
	return value, ok, nil
}
