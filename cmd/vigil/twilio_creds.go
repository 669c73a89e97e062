package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/internal/secretstore"
	"github.com/vigilsec/vigil/twilio"
	"github.com/vigilsec/vigil/twilio/rest"
)

// twilioCreds are the credentials a Twilio command acts with. They come
// from the environment or a secret store, never from the command line.
type twilioCreds struct {
	account  string // the account acted on
	username string // AC… (Auth Token) or SK… (API key)
	secret   vigil.Secret
	baseURL  string
}

const credsHelp = `Credentials come from the environment, never from the command line:
TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN, or TWILIO_ACCOUNT_SID with
TWILIO_API_KEY and TWILIO_API_SECRET (a Main key); or from a secret store
holding those fields (--credentials-store URI).`

// loadTwilioCreds reads credentials from the environment, or from a store
// when credStore is set. account overrides the account acted on (a
// subaccount, with its parent's credentials).
func (a *app) loadTwilioCreds(ctx context.Context, credStore, account string) (twilioCreds, error) {
	var src secretstore.Getter
	from := "the environment"
	if credStore != "" {
		st, err := a.openStore(ctx, credStore)
		if err != nil {
			return twilioCreds{}, err
		}
		a.storeWarnings(st)
		src, from = st, st.String()
	}
	vals, err := secretstore.Fields(ctx, src, a.getenv, "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_API_KEY", "TWILIO_API_SECRET")
	if err != nil {
		return twilioCreds{}, runtimeError(err, "check --credentials-store and access to it")
	}
	c := twilioCreds{account: vals["TWILIO_ACCOUNT_SID"]}
	if raw := a.getenv(rest.BaseURLEnv); raw != "" {
		var err error
		if c.baseURL, err = a.baseURL(rest.BaseURLEnv, raw); err != nil {
			return c, err
		}
	}
	hint := "export TWILIO_ACCOUNT_SID=AC... and TWILIO_AUTH_TOKEN=... (or TWILIO_API_KEY and TWILIO_API_SECRET of a Main key)"
	switch {
	case c.account == "":
		return c, withHint(usageError(fmt.Errorf("no TWILIO_ACCOUNT_SID in %s", from)), hint)
	case !twilio.IsAccountSID(c.account):
		_, err := twilio.ParseAccountSID(c.account)
		return c, withHint(usageError(fmt.Errorf("TWILIO_ACCOUNT_SID in %s: %w", from, err)), hint)
	case vals["TWILIO_AUTH_TOKEN"] != "":
		c.username, c.secret = c.account, vigil.NewSecret(vals["TWILIO_AUTH_TOKEN"])
	case vals["TWILIO_API_KEY"] != "" && vals["TWILIO_API_SECRET"] != "":
		if _, err := twilio.ParseKeySID(vals["TWILIO_API_KEY"]); err != nil {
			return c, withHint(usageError(fmt.Errorf("TWILIO_API_KEY in %s: %w", from, err)), hint)
		}
		c.username, c.secret = vals["TWILIO_API_KEY"], vigil.NewSecret(vals["TWILIO_API_SECRET"])
	default:
		return c, withHint(usageError(fmt.Errorf("no Twilio credentials in %s", from)), hint)
	}
	if account != "" {
		if _, err := twilio.ParseAccountSID(account); err != nil {
			return c, usageError(fmt.Errorf("--account: %w", err))
		}
		c.account = account
	}
	return c, nil
}

// client builds a Twilio client for the account with another credential.
func (c twilioCreds) client(username string, secret vigil.Secret) (*rest.Client, error) {
	return rest.New(rest.Config{AccountSID: c.account, Username: username, Password: secret, BaseURL: c.baseURL})
}

// acting is the client of the credentials themselves.
func (c twilioCreds) acting() (*rest.Client, error) {
	cl, err := c.client(c.username, c.secret)
	if err != nil {
		return nil, usageError(err)
	}
	return cl, nil
}

// openStore opens a secret store from a URI; a malformed URI is a usage
// error. A relative dotenv path is made absolute, so a journal can name
// it for a --resume run from elsewhere.
func (a *app) openStore(ctx context.Context, uri string) (secretstore.Store, error) {
	var environ []string
	if a.environ != nil {
		environ = a.environ()
	}
	st, err := secretstore.Open(ctx, absStoreURI(uri), secretstore.Options{Getenv: a.getenv, Environ: environ})
	if err != nil {
		return nil, withHint(usageError(err), "secret stores: "+strings.Join(secretstore.Schemes(), ", ")+"; see 'vigil twilio rotate --help'")
	}
	return st, nil
}

// storeWarnings prints what a store says about itself, such as a file of
// secrets that others can read.
func (a *app) storeWarnings(st secretstore.Store) {
	w, ok := st.(interface{ Warnings() []string })
	if !ok {
		return
	}
	for _, msg := range w.Warnings() {
		text, hint, _ := strings.Cut(msg, "\nhint: ")
		a.warnf("warning: %s", text)
		if hint != "" {
			fmt.Fprintf(a.stderr, "hint: %s\n", hint)
		}
	}
}

// absStoreURI makes the path of a dotenv: or file: URI absolute.
func absStoreURI(uri string) string {
	wd, err := os.Getwd()
	if err != nil {
		return uri
	}
	return secretstore.Resolve(uri, wd)
}
