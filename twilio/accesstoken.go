package twilio

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"
)

// Lifetimes of an Access Token.
const (
	// DefaultTTL is the lifetime of a token whose Claims leave TTL zero.
	DefaultTTL = 10 * time.Minute
	// MaxTTL is the longest lifetime Twilio accepts (error 20157 beyond).
	MaxTTL = 24 * time.Hour
)

// AccessTokenContentType is the "cty" header that marks a Twilio Access Token.
const AccessTokenContentType = "twilio-fpa;v=1"

// Errors from Mint. Each returned error wraps one of them.
var (
	ErrInvalidTTL   = errors.New("invalid token lifetime")
	ErrUnknownGrant = errors.New("unknown grant")
	ErrSigningKey   = errors.New("invalid signing key")
)

// SigningKey is what signs Access Tokens: an Account SID, the SID of an API
// key (Standard or Main; Restricted keys cannot mint tokens) and that key's
// secret. The secret never prints, logs or marshals.
type SigningKey struct {
	AccountSID string // AC…
	KeySID     string // SK…
	secret     []byte
}

// NewSigningKey checks the SIDs' shape and keeps the secret. Use the API key
// secret, not the Auth Token: Twilio rejects tokens signed with the Auth
// Token (error 20003).
func NewSigningKey(accountSID, keySID, secret string) (SigningKey, error) {
	switch {
	case !IsAccountSID(accountSID):
		return SigningKey{}, fmt.Errorf("%w: account SID must be AC followed by 32 hex digits", ErrSigningKey)
	case IsAccountSID(keySID):
		return SigningKey{}, fmt.Errorf("%w: the key SID is an Account SID; tokens are signed with an API key (SK…) and its secret", ErrSigningKey)
	case !IsKeySID(keySID):
		return SigningKey{}, fmt.Errorf("%w: API key SID must be SK followed by 32 hex digits", ErrSigningKey)
	case secret == "":
		return SigningKey{}, fmt.Errorf("%w: the API key secret is empty", ErrSigningKey)
	}
	return SigningKey{AccountSID: accountSID, KeySID: keySID, secret: []byte(secret)}, nil
}

// String shows the SIDs and hides the secret.
func (k SigningKey) String() string {
	return fmt.Sprintf("twilio.SigningKey{AccountSID: %s, KeySID: %s, secret: ****}", k.AccountSID, k.KeySID)
}

// GoString hides the secret from %#v.
func (k SigningKey) GoString() string { return k.String() }

// Format hides the secret from every fmt verb.
func (k SigningKey) Format(f fmt.State, _ rune) { fmt.Fprint(f, k.String()) }

// LogValue hides the secret from slog.
func (k SigningKey) LogValue() slog.Value {
	return slog.GroupValue(slog.String("account_sid", k.AccountSID), slog.String("key_sid", k.KeySID))
}

// MarshalJSON writes the SIDs only.
func (k SigningKey) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]string{"account_sid": k.AccountSID, "key_sid": k.KeySID})
}

// Claims say whom a token is for, what it grants and for how long.
type Claims struct {
	// Identity names the user of the token; Voice, Video, Chat and
	// Conversations need one.
	Identity string
	// Grants lists what the token allows; at least one, each kind once.
	Grants []Grant
	// TTL is the lifetime in whole seconds: zero means DefaultTTL, more
	// than MaxTTL or less than zero is refused. Any lifetime is honoured
	// exactly (the SDK raises those under an hour to an hour).
	TTL time.Duration
	// NotBefore is when the token starts to be valid; zero means now.
	NotBefore time.Time
	// Region pins the token to a Twilio region (header "twr"), if set.
	Region string
}

// lifetime applies the TTL rules.
func (c Claims) lifetime() (time.Duration, error) {
	ttl := c.TTL
	switch {
	case ttl == 0:
		return DefaultTTL, nil
	case ttl < 0:
		return 0, fmt.Errorf("%w: %v is not a positive duration", ErrInvalidTTL, ttl)
	case ttl > MaxTTL:
		return 0, fmt.Errorf("%w: %v is longer than Twilio's maximum of 24h", ErrInvalidTTL, ttl)
	case ttl%time.Second != 0:
		return 0, fmt.Errorf("%w: %v is not a whole number of seconds", ErrInvalidTTL, ttl)
	}
	return ttl, nil
}

type tokenHeader struct {
	Alg string `json:"alg"`
	Cty string `json:"cty"`
	Twr string `json:"twr,omitempty"`
	Typ string `json:"typ"`
}

// tokenPayload lists the claims in the order encoding/json gives a map, the
// order twilio-go produces.
type tokenPayload struct {
	Exp    int64          `json:"exp"`
	Grants map[string]any `json:"grants"`
	Iss    string         `json:"iss"`
	Jti    string         `json:"jti"`
	Nbf    int64          `json:"nbf"`
	Sub    string         `json:"sub"`
}

// Mint signs an Access Token for c and returns it in compact JWT form.
func (k SigningKey) Mint(c Claims) (string, error) {
	tok, _, err := k.mint(c)
	return tok, err
}

func (k SigningKey) mint(c Claims) (string, time.Time, error) {
	if _, err := NewSigningKey(k.AccountSID, k.KeySID, string(k.secret)); err != nil {
		return "", time.Time{}, err
	}
	ttl, err := c.lifetime()
	if err != nil {
		return "", time.Time{}, err
	}
	grants, err := grantsPayload(c.Grants)
	if err != nil {
		return "", time.Time{}, err
	}
	if c.Identity != "" {
		grants["identity"] = c.Identity
	}
	nbf := c.NotBefore
	if nbf.IsZero() {
		nbf = time.Now()
	}
	nbf = nbf.Truncate(time.Second)
	exp := nbf.Add(ttl)
	header, err := json.Marshal(tokenHeader{Alg: "HS256", Cty: AccessTokenContentType, Twr: c.Region, Typ: "JWT"})
	if err != nil {
		return "", time.Time{}, fmt.Errorf("encode token header: %w", err)
	}
	payload, err := json.Marshal(tokenPayload{
		Exp:    exp.Unix(),
		Grants: grants,
		Iss:    k.KeySID,
		Jti:    k.KeySID + "-" + strconv.FormatInt(nbf.Unix(), 10),
		Nbf:    nbf.Unix(),
		Sub:    k.AccountSID,
	})
	if err != nil {
		return "", time.Time{}, fmt.Errorf("encode token claims: %w", err)
	}
	input := b64(header) + "." + b64(payload)
	return input + "." + b64(sign(k.secret, input)), exp, nil
}

func grantsPayload(gs []Grant) (map[string]any, error) {
	if len(gs) == 0 {
		return nil, fmt.Errorf("%w: a token needs at least one grant", ErrUnknownGrant)
	}
	out := make(map[string]any, len(gs)+1)
	for _, g := range gs {
		if g == nil {
			return nil, fmt.Errorf("%w: nil grant", ErrUnknownGrant)
		}
		key := g.Key()
		if spec := lookupGrant(key); spec == nil || spec.key != key {
			return nil, fmt.Errorf("%w %q (known: %s)", ErrUnknownGrant, key, knownGrantNames())
		}
		if _, dup := out[key]; dup {
			return nil, fmt.Errorf("grant %q given twice", key)
		}
		out[key] = g.Payload()
	}
	return out, nil
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func sign(secret []byte, input string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(input))
	return m.Sum(nil)
}
