package webhook

import (
	"bytes"
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
	"slices"
	"strings"
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

// Request is a webhook request read and parsed by Parse, ready to be
// verified against one or more candidate URLs.
type Request struct {
	// Signature is the X-Twilio-Signature header.
	Signature string
	// Body is the raw body.
	Body []byte
	// form is set for a form-encoded body (isForm).
	form   formParams
	isForm bool
}

// Form returns the parameters of a form-encoded body, nil for any other
// body.
func (r *Request) Form() url.Values {
	if !r.isForm {
		return nil
	}
	form, _ := parseQuery(string(r.Body)) // parsed once already: no error
	return form
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
		limit := v.MaxParams
		if limit <= 0 {
			limit = DefaultMaxParams
		}
		if req.form, err = parseForm(body, limit); err != nil {
			return nil, err
		}
		req.isForm = true
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
	size := 512
	if r.ContentLength >= 0 {
		size = int(r.ContentLength) + 1 // +1: see EOF without growing
	}
	body, err := readAtMost(r.Body, make([]byte, 0, size), limit)
	switch {
	case errors.Is(err, errTooLong):
		return nil, fmt.Errorf("%w: over %d bytes", ErrBodyTooLarge, limit)
	case err != nil:
		return nil, fmt.Errorf("%w: read body: %w", ErrMalformed, err)
	}
	r.Body = &bodyReader{*bytes.NewReader(body)}
	r.ContentLength = int64(len(body))
	r.GetBody = func() (io.ReadCloser, error) { return &bodyReader{*bytes.NewReader(body)}, nil }
	return body, nil
}

// bodyReader is io.NopCloser(bytes.NewReader(b)) in one allocation.
type bodyReader struct{ bytes.Reader }

func (*bodyReader) Close() error { return nil }

var errTooLong = errors.New("too long")

// readAtMost appends what r holds to buf, failing with errTooLong past
// limit bytes.
func readAtMost(r io.Reader, buf []byte, limit int64) ([]byte, error) {
	for {
		if len(buf) == cap(buf) {
			buf = slices.Grow(buf, 1)
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > limit {
			return nil, errTooLong
		}
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

func isForm(contentType string) bool {
	if contentType == "application/x-www-form-urlencoded" {
		return true
	}
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && mt == "application/x-www-form-urlencoded"
}

// Verify checks req against publicURL, the URL Twilio requested, trying
// each of its URLVariants with each token the keyring holds for the
// request's account. A bodySHA256 parameter in publicURL makes it a JSON
// webhook: the signature covers the URL alone and the body must hash to
// that value. Otherwise a body must be form-encoded.
func (v *Validator) Verify(req *Request, publicURL string) (Match, error) {
	var form *formParams
	hash, hasHash, err := queryParam(publicURL, bodyHashParam)
	switch {
	case err != nil:
		return Match{}, err
	case hasHash:
		if !bodyHashMatches(hash, req.Body) {
			return Match{}, ErrBodyHash
		}
	case req.isForm:
		form = &req.form
	case len(req.Body) > 0:
		return Match{}, ErrUnsignedBody
	}
	var m Match
	suffixes := [][]byte{nil}
	if form != nil {
		m.AccountSid, suffixes = form.accountSid, form.suffixes()
	} else {
		m.AccountSid, _, _ = queryParam(publicURL, "AccountSid")
	}
	var keys *Keyring
	if v.Keys != nil {
		keys = v.Keys.Keyring()
	}
	macs := keys.macs(m.AccountSid)
	if len(macs) == 0 {
		return Match{}, ErrNoToken
	}
	i, u, ok := matchSignature(macs, publicURL, suffixes, req.Signature)
	if !ok {
		return Match{}, ErrSignature
	}
	m.Token, m.URL = i, u
	return m, nil
}

// matchSignature tries every token, first over rawURL as given, then over
// its other URLVariants, and returns the first pair under which sig is the
// signature of url+suffix for one of suffixes (a form's parameters signed
// either way; one nil suffix when none are signed). The variants are only
// built when rawURL fails, which a correctly configured public URL never
// does.
func matchSignature(macs []*keyedMAC, rawURL string, suffixes [][]byte, sig string) (token int, u string, ok bool) {
	if len(sig) != base64.StdEncoding.EncodedLen(sha1.Size) {
		return 0, "", false
	}
	var want [28]byte
	copy(want[:], sig)
	try := func(u string) (int, bool) {
		for _, suffix := range suffixes {
			for i, k := range macs {
				if k.signs(u, suffix, want[:]) {
					return i, true
				}
			}
		}
		return 0, false
	}
	if i, ok := try(rawURL); ok {
		return i, rawURL, true
	}
	for _, u := range URLVariants(rawURL)[1:] {
		if i, ok := try(u); ok {
			return i, u, true
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
