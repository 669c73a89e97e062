package webhook

import (
	"strings"
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
	tokens   []vigil.Secret
	accounts map[string][]vigil.Secret
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
	c := &Keyring{tokens: k.tokens, accounts: make(map[string][]vigil.Secret, len(k.accounts)+1)}
	for sid, ts := range k.accounts {
		c.accounts[sid] = ts
	}
	c.accounts[accountSid] = appendTokens(c.accounts[accountSid], tokens)
	return c
}

// Merge returns a keyring holding the tokens of k followed by those of o.
func (k *Keyring) Merge(o *Keyring) *Keyring {
	c := &Keyring{tokens: append(append([]vigil.Secret(nil), k.tokens...), o.tokens...)}
	for _, src := range []*Keyring{k, o} {
		for sid, ts := range src.accounts {
			if c.accounts == nil {
				c.accounts = map[string][]vigil.Secret{}
			}
			c.accounts[sid] = append(append([]vigil.Secret(nil), c.accounts[sid]...), ts...)
		}
	}
	return c
}

func appendTokens(dst []vigil.Secret, tokens []string) []vigil.Secret {
	for _, t := range tokens {
		if t = strings.TrimSpace(t); t != "" {
			dst = append(dst, vigil.NewSecret(t))
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
