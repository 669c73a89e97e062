package webhook

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"hash"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/vigilsec/vigil"
)

// TokenSource gives the tokens to check signatures with. It is asked once
// per request, so an implementation can change its answer at run time.
type TokenSource interface {
	// Keyring returns the current tokens; nil or an empty keyring makes
	// every request fail with ErrNoToken.
	Keyring() *Keyring
}

// Keyring is an immutable set of Auth Tokens: the account's own tokens
// (the current one first, then any outgoing one during a rotation) and
// per-subaccount tokens keyed by Account SID. A *Keyring is a TokenSource
// that always returns itself.
type Keyring struct {
	tokens   []*keyedMAC
	accounts map[string][]*keyedMAC
}

// keyedMAC is a token and HMAC-SHA1 keyed with it, the key's padded blocks
// already hashed (FIPS 198-1 §6 allows this precomputation), so that a
// request costs a reset to that state rather than hmac.New and two extra
// SHA-1 blocks. Keyed states are kept in a pool between requests. The
// state is as secret as the token and is never printed.
type keyedMAC struct {
	token vigil.Secret
	mac   hash.Cloner
	pool  sync.Pool // of *macState
}

// macState is a keyed HMAC-SHA1 with scratch room for the message and
// the sum, taken from a keyedMAC's pool for one check.
type macState struct {
	h   hash.Hash
	msg []byte
	sum []byte
}

func newKeyedMAC(token string) *keyedMAC {
	mac := hmac.New(sha1.New, []byte(token))
	mac.Reset() // makes crypto/hmac save the keyed state, which clones share
	c, ok := mac.(hash.Cloner)
	if !ok {
		c = nil // not with GOFIPS140=v1.0.0: new falls back to hmac.New
	}
	return &keyedMAC{token: vigil.NewSecret(token), mac: c}
}

// new returns a fresh HMAC-SHA1 under the token.
func (k *keyedMAC) new() hash.Hash {
	if k.mac != nil {
		if h, err := k.mac.Clone(); err == nil {
			return h
		}
	}
	return hmac.New(sha1.New, []byte(k.token.Reveal()))
}

// signs reports, in constant time, whether want is the Base64
// HMAC-SHA1 of u followed by suffix under the token.
func (k *keyedMAC) signs(u string, suffix, want []byte) bool {
	st, _ := k.pool.Get().(*macState)
	if st == nil {
		st = &macState{h: k.new(), sum: make([]byte, 0, sha1.Size)}
	}
	defer k.pool.Put(st)
	st.msg = append(append(st.msg[:0], u...), suffix...)
	var enc [28]byte
	st.h.Reset() // back to the keyed state
	st.h.Write(st.msg)
	st.sum = st.h.Sum(st.sum[:0])
	base64.StdEncoding.Encode(enc[:], st.sum)
	return hmac.Equal(enc[:], want)
}

// NewKeyring returns a keyring holding the given account tokens, current
// first. Empty strings are ignored.
func NewKeyring(tokens ...string) *Keyring {
	k := &Keyring{}
	k.tokens = appendTokens(nil, tokens)
	return k
}

// WithAccount returns a copy of k that also holds tokens for the (sub)account
// accountSid. Requests whose AccountSid parameter is accountSid are checked
// against these tokens only, since Twilio signs a subaccount's webhooks with
// the subaccount's own token.
func (k *Keyring) WithAccount(accountSid string, tokens ...string) *Keyring {
	c := &Keyring{tokens: k.tokens, accounts: make(map[string][]*keyedMAC, len(k.accounts)+1)}
	for sid, ts := range k.accounts {
		c.accounts[sid] = ts
	}
	c.accounts[accountSid] = appendTokens(c.accounts[accountSid], tokens)
	return c
}

// Merge returns a keyring holding the tokens of k followed by those of o.
func (k *Keyring) Merge(o *Keyring) *Keyring {
	c := &Keyring{tokens: append(slices.Clip(k.tokens), o.tokens...)}
	for _, src := range []*Keyring{k, o} {
		for sid, ts := range src.accounts {
			if c.accounts == nil {
				c.accounts = map[string][]*keyedMAC{}
			}
			c.accounts[sid] = append(slices.Clip(c.accounts[sid]), ts...)
		}
	}
	return c
}

func appendTokens(dst []*keyedMAC, tokens []string) []*keyedMAC {
	dst = slices.Clip(dst)
	for _, t := range tokens {
		if t = strings.TrimSpace(t); t != "" {
			dst = append(dst, newKeyedMAC(t))
		}
	}
	return dst
}

// Keyring returns k itself.
func (k *Keyring) Keyring() *Keyring { return k }

// Tokens returns the tokens to try for a request whose AccountSid parameter
// is accountSid ("" when it has none): that subaccount's tokens when the
// keyring has any, else the account's own tokens.
func (k *Keyring) Tokens(accountSid string) []vigil.Secret {
	var out []vigil.Secret
	for _, m := range k.macs(accountSid) {
		out = append(out, m.token)
	}
	return out
}

// macs is Tokens with each token's keyed MAC.
func (k *Keyring) macs(accountSid string) []*keyedMAC {
	if k == nil {
		return nil
	}
	if ts, ok := k.accounts[accountSid]; ok && accountSid != "" {
		return ts
	}
	return k.tokens
}

// Len is the number of tokens held, subaccount tokens included.
func (k *Keyring) Len() int {
	if k == nil {
		return 0
	}
	n := len(k.tokens)
	for _, ts := range k.accounts {
		n += len(ts)
	}
	return n
}

// Accounts is the number of subaccounts with tokens of their own.
func (k *Keyring) Accounts() int {
	if k == nil {
		return 0
	}
	return len(k.accounts)
}

// LiveKeyring is a TokenSource whose keyring can be replaced atomically
// while requests are being checked, for example when a token file is
// reloaded. The zero value holds no tokens.
type LiveKeyring struct {
	p atomic.Pointer[Keyring]
}

// NewLiveKeyring returns a LiveKeyring holding k.
func NewLiveKeyring(k *Keyring) *LiveKeyring {
	l := &LiveKeyring{}
	l.Store(k)
	return l
}

// Keyring returns the keyring in force.
func (l *LiveKeyring) Keyring() *Keyring { return l.p.Load() }

// Store puts k in force for every request that starts after it returns.
func (l *LiveKeyring) Store(k *Keyring) { l.p.Store(k) }
