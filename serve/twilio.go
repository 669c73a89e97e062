package serve

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/fleet/store"
	"github.com/vigilsec/vigil/internal/rotate"
	"github.com/vigilsec/vigil/internal/secretstore"
	"github.com/vigilsec/vigil/twilio"
	"github.com/vigilsec/vigil/twilio/rest"
)

// Twilio is what the console needs to act on Twilio accounts.
type Twilio struct {
	// OpenStore opens a secret store by URI (secretstore.Open with the
	// console's environment).
	OpenStore func(ctx context.Context, uri string) (rotate.Store, error)
	// Getenv reads the credentials to act with when a rotation target
	// names no credentials store (TWILIO_ACCOUNT_SID with
	// TWILIO_AUTH_TOKEN, or with TWILIO_API_KEY and TWILIO_API_SECRET).
	Getenv func(string) string
	// BaseURL sends every Twilio request elsewhere (the emulator).
	BaseURL string
	// JournalDir holds the journals of rotations started here.
	JournalDir string
	// HealthInterval is the pause between health polls (tests).
	HealthInterval time.Duration
}

// twilioCred is what the console knows of a Twilio credential from its
// incident: its kind, its account and (a key) its SID, learnt from the
// verifications. The secret itself is never known here.
type twilioCred struct {
	Kind    rotate.Kind `json:"kind"`
	Account string      `json:"account,omitempty"`
	Key     string      `json:"key,omitempty"`
}

// twilioCredOf says whether an incident is a Twilio credential the
// console can rotate.
func twilioCredOf(in store.Incident, vs []store.Verification) *twilioCred {
	var c twilioCred
	switch in.Rule {
	case "twilio-api-key":
		c.Kind = rotate.KindKey
	case "twilio-auth-token":
		c.Kind = rotate.KindToken
	default:
		return nil
	}
	for i := len(vs) - 1; i >= 0; i-- {
		f := vs[i].Facts
		if c.Account == "" {
			for _, k := range []string{"account", "paired_account"} {
				if twilio.IsAccountSID(f[k]) {
					c.Account = f[k]
					break
				}
			}
		}
		if c.Key == "" && twilio.IsKeySID(f["key"]) {
			c.Key = f["key"]
		}
	}
	return &c
}

// scopes are the rotation settings that may apply to an incident, most
// specific first: each repository it was found in, then its account.
func scopes(in store.Incident, account string) []string {
	var out []string
	seen := map[int64]bool{}
	for _, o := range in.Occurrences {
		if !seen[o.RepositoryID] {
			seen[o.RepositoryID] = true
			out = append(out, fmt.Sprintf("repository:%d", o.RepositoryID))
		}
	}
	if account != "" {
		out = append(out, "account:"+account)
	}
	return out
}

// targetFor finds the rotation settings of an incident.
func (s *Server) targetFor(ctx context.Context, in store.Incident, account string) (store.RotationTarget, error) {
	for _, sc := range scopes(in, account) {
		t, err := s.st.RotationTarget(ctx, sc)
		if err == nil {
			return t, nil
		}
		if !errors.Is(err, store.ErrNotFound) {
			return t, err
		}
	}
	return store.RotationTarget{}, &problem{Status: 409, Title: "No secret store is configured for this credential",
		Detail: "An admin must say where this credential lives (its secret store, per repository or per account) under Settings → Rotation before it can be rotated from the console."}
}

// creds are the credentials a rotation or an exposure check acts with.
type creds struct {
	account, username string
	secret            vigil.Secret
	baseURL           string
}

// loadCreds reads the credentials to act with for an account: from the
// target's credentials store, else the console's environment.
func (t *Twilio) loadCreds(ctx context.Context, credStore, account string) (creds, error) {
	var src secretstore.Getter
	from := "the console's environment"
	if credStore != "" {
		st, err := t.OpenStore(ctx, credStore)
		if err != nil {
			return creds{}, err
		}
		src, from = st, st.String()
	}
	vals, err := secretstore.Fields(ctx, src, t.Getenv, "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_API_KEY", "TWILIO_API_SECRET")
	if err != nil {
		return creds{}, err
	}
	c := creds{account: vals["TWILIO_ACCOUNT_SID"], baseURL: t.BaseURL}
	switch {
	case !twilio.IsAccountSID(c.account):
		return c, badRequest("no valid TWILIO_ACCOUNT_SID in %s: the console cannot act on Twilio", from)
	case vals["TWILIO_AUTH_TOKEN"] != "":
		c.username, c.secret = c.account, vigil.NewSecret(vals["TWILIO_AUTH_TOKEN"])
	case twilio.IsKeySID(vals["TWILIO_API_KEY"]) && vals["TWILIO_API_SECRET"] != "":
		c.username, c.secret = vals["TWILIO_API_KEY"], vigil.NewSecret(vals["TWILIO_API_SECRET"])
	default:
		return c, badRequest("no Twilio credentials (an Auth Token or a Main key) in %s", from)
	}
	if account != "" {
		c.account = account // a subaccount, with its parent's credentials
	}
	return c, nil
}

func (c creds) client(username string, secret vigil.Secret) (*rest.Client, error) {
	return rest.New(rest.Config{AccountSID: c.account, Username: username, Password: secret, BaseURL: c.baseURL})
}
