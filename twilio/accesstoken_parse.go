package twilio

import (
	"bytes"
	"crypto/hmac"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
)

// MaxAccessTokenLen bounds what ParseAccessToken reads; real tokens are well
// under 4 KiB.
const MaxAccessTokenLen = 64 << 10

// Errors from ParseAccessToken and Verify.
var (
	ErrNotAccessToken = errors.New("not a Twilio Access Token")
	ErrBadSignature   = errors.New("access token signature does not match")
)

// AccessToken is a decoded Twilio Access Token. Decoding needs no key;
// Verify checks the signature.
type AccessToken struct {
	Algorithm   string // header alg, HS256 for tokens Twilio accepts
	ContentType string // header cty, twilio-fpa;v=1
	Type        string // header typ, JWT
	Region      string // header twr, if the token is pinned to a region

	ID         string    // jti: <API key SID>-<unix time>
	KeySID     string    // iss: the API key that signed it
	AccountSID string    // sub: the account it acts for
	NotBefore  time.Time // nbf; zero if absent
	Expires    time.Time // exp; zero if absent
	Identity   string    // grants.identity

	// Grants maps each grant key other than identity to its decoded JSON
	// value (an object for every grant Twilio defines).
	Grants map[string]any

	signingInput string
	signature    []byte
}

// ParseAccessToken decodes a compact JWT and checks that it is a Twilio
// Access Token (cty twilio-fpa;v=1). It does not check the signature or
// the times; see Verify and Remaining.
func ParseAccessToken(s string) (*AccessToken, error) {
	if len(s) > MaxAccessTokenLen {
		return nil, fmt.Errorf("%w: %d bytes is longer than any real token", ErrNotAccessToken, len(s))
	}
	s = strings.TrimSpace(s)
	hEnc, rest, ok1 := strings.Cut(s, ".")
	pEnc, sEnc, ok2 := strings.Cut(rest, ".")
	if !ok1 || !ok2 || strings.Contains(sEnc, ".") {
		return nil, fmt.Errorf("%w: a JWT has three dot-separated parts", ErrNotAccessToken)
	}
	var h tokenHeader
	if err := decodeSegment("header", hEnc, &h); err != nil {
		return nil, err
	}
	if h.Cty != AccessTokenContentType {
		return nil, fmt.Errorf("%w: header cty is %q, want %q", ErrNotAccessToken, h.Cty, AccessTokenContentType)
	}
	var p struct {
		Exp    *json.Number               `json:"exp"`
		Grants map[string]json.RawMessage `json:"grants"`
		Iss    string                     `json:"iss"`
		Jti    string                     `json:"jti"`
		Nbf    *json.Number               `json:"nbf"`
		Sub    string                     `json:"sub"`
	}
	if err := decodeSegment("claims", pEnc, &p); err != nil {
		return nil, err
	}
	sig, err := decodeB64(sEnc)
	if err != nil {
		return nil, fmt.Errorf("%w: signature: %v", ErrNotAccessToken, err)
	}
	t := &AccessToken{
		Algorithm: h.Alg, ContentType: h.Cty, Type: h.Typ, Region: h.Twr,
		ID: p.Jti, KeySID: p.Iss, AccountSID: p.Sub,
		Grants:       make(map[string]any, len(p.Grants)),
		signingInput: hEnc + "." + pEnc,
		signature:    sig,
	}
	if t.NotBefore, err = unixTime("nbf", p.Nbf); err != nil {
		return nil, err
	}
	if t.Expires, err = unixTime("exp", p.Exp); err != nil {
		return nil, err
	}
	for k, raw := range p.Grants {
		if k == "identity" {
			if err := json.Unmarshal(raw, &t.Identity); err != nil {
				return nil, fmt.Errorf("%w: grants.identity is not a string", ErrNotAccessToken)
			}
			continue
		}
		var v any
		if err := json.Unmarshal(raw, &v); err != nil {
			return nil, fmt.Errorf("%w: grant %q: %v", ErrNotAccessToken, k, err)
		}
		t.Grants[k] = v
	}
	return t, nil
}

func decodeSegment(what, enc string, v any) error {
	raw, err := decodeB64(enc)
	if err != nil {
		return fmt.Errorf("%w: %s: %v", ErrNotAccessToken, what, err)
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if err := d.Decode(v); err != nil {
		return fmt.Errorf("%w: %s is not a JSON object: %v", ErrNotAccessToken, what, err)
	}
	if d.More() {
		return fmt.Errorf("%w: %s has data after the JSON object", ErrNotAccessToken, what)
	}
	return nil
}

// decodeB64 reads unpadded base64url, tolerating padding some encoders add.
func decodeB64(s string) ([]byte, error) {
	return base64.RawURLEncoding.Strict().DecodeString(strings.TrimRight(s, "="))
}

func unixTime(name string, n *json.Number) (time.Time, error) {
	if n == nil {
		return time.Time{}, nil
	}
	f, err := n.Float64()
	// Beyond ±2^53 seconds a time is meaningless and Unix would overflow.
	if err != nil || math.IsNaN(f) || math.Abs(f) > 1<<53 {
		return time.Time{}, fmt.Errorf("%w: %s %q is not a Unix time", ErrNotAccessToken, name, n.String())
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)).UTC(), nil
}

// Verify checks the token's HS256 signature with the API key secret. Any
// other algorithm is refused.
func (t *AccessToken) Verify(secret string) error {
	if t.Algorithm != "HS256" {
		return fmt.Errorf("%w: algorithm %q, want HS256", ErrBadSignature, t.Algorithm)
	}
	if !hmac.Equal(sign([]byte(secret), t.signingInput), t.signature) {
		return ErrBadSignature
	}
	return nil
}

// Lifetime is how long the token was made to last (exp − nbf), or zero when
// either is absent.
func (t *AccessToken) Lifetime() time.Duration {
	if t.NotBefore.IsZero() || t.Expires.IsZero() {
		return 0
	}
	return t.Expires.Sub(t.NotBefore)
}

// Remaining is how long the token stays valid after now; zero or negative
// once it has expired.
func (t *AccessToken) Remaining(now time.Time) time.Duration {
	if t.Expires.IsZero() {
		return 0
	}
	return t.Expires.Sub(now)
}

// GrantKeys lists the token's grant keys, sorted.
func (t *AccessToken) GrantKeys() []string {
	keys := make([]string, 0, len(t.Grants))
	for k := range t.Grants {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
