package rotate

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/internal/secretstore/dotenv"
	"github.com/vigilsec/vigil/twilio/rest"
	"github.com/vigilsec/vigil/twilio/twiliotest"
)

// env is an emulated account with a key, a dotenv store holding it, and a
// runner acting with the Auth Token.
type env struct {
	srv     *twiliotest.Server
	acct    twiliotest.AccountInfo
	old     twiliotest.KeyInfo
	dir     string
	store   string // dotenv path
	journal string
	answers []bool // confirmations to give, in order
}

func newEnv(t *testing.T, keySeed twiliotest.KeySeed) *env {
	t.Helper()
	srv := twiliotest.NewServer(t, twiliotest.Options{Clock: twiliotest.NewClock(time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)).Now})
	if keySeed.FriendlyName == "" {
		keySeed.FriendlyName = "deploy-bot"
	}
	acct := srv.AddAccount(twiliotest.AccountSeed{Keys: []twiliotest.KeySeed{keySeed}})
	dir := t.TempDir()
	e := &env{srv: srv, acct: acct, old: acct.Keys[0], dir: dir, store: filepath.Join(dir, ".env"), journal: filepath.Join(dir, "journal.jsonl")}
	content := "# app settings\nAPP_PORT=8080\nTWILIO_ACCOUNT_SID=" + acct.SID + "\nTWILIO_API_KEY=" + e.old.SID + "\nTWILIO_API_SECRET=" + e.old.Secret.Reveal() + "\n"
	if err := os.WriteFile(e.store, []byte(content), 0o640); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *env) client(t *testing.T, user string, secret vigil.Secret) *rest.Client {
	t.Helper()
	c, err := rest.New(rest.Config{AccountSID: e.acct.SID, Username: user, Password: secret, BaseURL: e.srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (e *env) runner(t *testing.T) *Runner {
	t.Helper()
	return &Runner{
		Acting: e.client(t, e.acct.SID, e.acct.AuthToken),
		Client: func(u string, s vigil.Secret) (*rest.Client, error) {
			return rest.New(rest.Config{AccountSID: e.acct.SID, Username: u, Password: s, BaseURL: e.srv.URL})
		},
		Store:       dotenv.New(e.store),
		JournalPath: e.journal,
		Confirm: func(context.Context, string) (bool, error) {
			if len(e.answers) == 0 {
				return true, nil
			}
			a := e.answers[0]
			e.answers = e.answers[1:]
			return a, nil
		},
	}
}

// stored reads a field of the dotenv store.
func (e *env) stored(t *testing.T, field string) string {
	t.Helper()
	v, err := dotenv.New(e.store).Get(context.Background(), field)
	if err != nil {
		t.Fatal(err)
	}
	return v.Reveal()
}

// keys lists the account's key SIDs.
func (e *env) keys() []string {
	a, _ := e.srv.Account(e.acct.SID)
	var out []string
	for _, k := range a.Keys {
		out = append(out, k.SID)
	}
	return out
}

// checkWorking asserts the invariant: the store holds a key that exists
// and whose secret is the one stored.
func (e *env) checkWorking(t *testing.T) twiliotest.KeyInfo {
	t.Helper()
	sid, secret := e.stored(t, "TWILIO_API_KEY"), e.stored(t, "TWILIO_API_SECRET")
	k, ok := e.srv.Key(sid)
	if !ok || k.Secret.Reveal() != secret {
		t.Fatalf("the store holds %s, which does not work (exists %v); keys now %v", sid, ok, e.keys())
	}
	if b, _ := os.ReadFile(e.store); !strings.HasPrefix(string(b), "# app settings\nAPP_PORT=8080\n") {
		t.Errorf("the rest of the store changed:\n%s", b)
	}
	return k
}

func (e *env) state(t *testing.T) State {
	t.Helper()
	recs, err := Load(e.journal)
	if err != nil {
		t.Fatal(err)
	}
	return Derive(recs)
}

func errState(t *testing.T, err error) *Error {
	t.Helper()
	re, ok := err.(*Error)
	if !ok {
		t.Fatalf("error %T %v, want *rotate.Error", err, err)
	}
	if re.State == "" || re.Next == "" && !strings.Contains(re.State, "nothing was changed") {
		t.Errorf("error without state or next step: %+v", re)
	}
	return re
}
