package twiliotest

import (
	"crypto/subtle"
	"slices"
	"strings"
)

// KeyType is the kind of an API key.
type KeyType string

// API key types. Main keys act like the Auth Token; Standard keys reach
// everything but Accounts, Keys and Auth Tokens; Restricted keys reach only
// what their policy allows.
const (
	KeyMain       KeyType = "main"
	KeyStandard   KeyType = "standard"
	KeyRestricted KeyType = "restricted"
)

// ClientValidationHeader is the header an account that enforces Public Key
// Client Validation requires on every request. The emulator checks that it
// is present, not the JWT's signature.
const ClientValidationHeader = "Twilio-Client-Validation"

// principal is who authenticated.
type principal struct {
	acct *account
	key  *key // nil for an Auth Token
}

// isAdmin reports whether the credential may use Accounts, Keys and
// AuthTokens: an Auth Token or a Main key.
func (p *principal) isAdmin() bool { return p.key == nil || p.key.typ == KeyMain }

// authenticate checks HTTP Basic credentials against the state.
func (e *Emulator) authenticate(c *call) (*principal, apiError, bool) {
	user, pass, ok := c.r.BasicAuth()
	if !ok || user == "" {
		return nil, errNoCredentials(), false
	}
	switch {
	case strings.HasPrefix(user, "AC"):
		a := e.accounts[user]
		if a == nil || pass == "" {
			return nil, errInvalidUsername(), false
		}
		if equal(pass, a.token) || (a.secondary != "" && equal(pass, a.secondary)) {
			return &principal{acct: a}, apiError{}, true
		}
	case strings.HasPrefix(user, "SK"):
		k := e.keys[user]
		if k != nil && pass != "" && equal(pass, k.secret) {
			return &principal{acct: e.accounts[k.account], key: k}, apiError{}, true
		}
	}
	return nil, errInvalidUsername(), false
}

func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// authorize decides whether the call may proceed and finds its target
// account. It runs under e.mu.
func (e *Emulator) authorize(c *call, rt *route) (apiError, bool) {
	p, apiErr, ok := e.authenticate(c)
	if !ok {
		return apiErr, false
	}
	c.who = p
	root := e.root(p.acct)
	if (p.acct.pkcv || root.pkcv) && c.r.Header.Get(ClientValidationHeader) == "" {
		return newError(401, CodeClientValidationNeeded, "Public Key Client Validation Required For Account"), false
	}
	if refused, ok := e.statusRefusal(p.acct, root); !ok {
		return refused, false
	}
	if rt.guard == guardAdmin && !p.isAdmin() {
		return errInvalidUsername(), false
	}
	if p.key != nil && p.key.typ == KeyRestricted && rt.guard != guardAdmin && !slices.Contains(p.key.policy, rt.perm) {
		return newError(403, CodeAuthorizationFailed, "Authorization Failed"), false
	}
	target, apiErr, ok := e.target(c, rt)
	if !ok {
		return apiErr, false
	}
	if target.status != "active" && !rt.anyStatus {
		return errForbidden(), false
	}
	c.acct = target
	return apiError{}, true
}

// statusRefusal refuses credentials of a suspended or closed account (or
// of a subaccount whose parent is).
func (e *Emulator) statusRefusal(a, root *account) (apiError, bool) {
	status := a.status
	if root.status != "active" {
		status = root.status
	}
	switch status {
	case "active":
		return apiError{}, true
	case "suspended":
		if e.opts.SuspendedAs == AuthFailure {
			return errInvalidUsername(), false
		}
		return errForbidden(), false
	default: // closed
		return errInvalidUsername(), false
	}
}

// target finds the account a call acts on and checks the credential
// reaches it.
func (e *Emulator) target(c *call, rt *route) (*account, apiError, bool) {
	from := c.who.acct
	var sid string
	switch rt.target {
	case targetPrincipal:
		return from, apiError{}, true
	case targetPath:
		sid = c.params["AccountSid"]
	case targetParam:
		sid = c.param("AccountSid")
		if sid == "" {
			return nil, errParam("Missing required parameter AccountSid in the post body"), false
		}
	case targetKeySID:
		k := e.keys[c.params["Sid"]]
		if k == nil || !reaches(from, e.accounts[k.account]) {
			return nil, errNotFound(notFoundPath(c.host, c.path)), false
		}
		return e.accounts[k.account], apiError{}, true
	}
	a := e.accounts[sid]
	if a == nil || !reaches(from, a) {
		return nil, errInvalidUsername(), false
	}
	return a, apiError{}, true
}
