package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigilsec/vigil/internal/secretstore/dotenv"
	"github.com/vigilsec/vigil/twilio/rest"
	"github.com/vigilsec/vigil/twilio/twiliotest"
)

// rotEnv is an emulated account with a Standard key held in a dotenv
// store, and the environment vigil acts with (the Auth Token).
type rotEnv struct {
	srv     *twiliotest.Server
	acct    twiliotest.AccountInfo
	old     twiliotest.KeyInfo
	dir     string
	store   string
	journal string
	env     map[string]string
}

func newRotEnv(t *testing.T) *rotEnv {
	t.Helper()
	srv := twiliotest.NewServer(t, twiliotest.Options{})
	acct := srv.AddAccount(twiliotest.AccountSeed{Keys: []twiliotest.KeySeed{{FriendlyName: "deploy-bot"}}})
	dir := t.TempDir()
	e := &rotEnv{srv: srv, acct: acct, old: acct.Keys[0], dir: dir, store: filepath.Join(dir, ".env"), journal: filepath.Join(dir, "j.jsonl")}
	e.env = map[string]string{"TWILIO_ACCOUNT_SID": acct.SID, "TWILIO_AUTH_TOKEN": acct.AuthToken.Reveal(), rest.BaseURLEnv: srv.URL}
	e.write(t, "TWILIO_API_KEY="+e.old.SID+"\nTWILIO_API_SECRET="+e.old.Secret.Reveal()+"\nTWILIO_AUTH_TOKEN="+acct.AuthToken.Reveal()+"\n")
	return e
}

func (e *rotEnv) write(t *testing.T, content string) {
	t.Helper()
	if err := os.WriteFile(e.store, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func (e *rotEnv) run(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, stdio{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb,
		getenv: func(k string) string { return e.env[k] }, environ: e.environ, isTerminal: func(any) bool { return false }})
	return code, out.String(), errb.String()
}

// environ is the test process's environment with e.env over it: what
// pass and exec stores run with.
func (e *rotEnv) environ() []string {
	out := os.Environ()
	for k, v := range e.env {
		out = append(out, k+"="+v)
	}
	return out
}

func (e *rotEnv) field(t *testing.T, name string) string {
	t.Helper()
	v, err := dotenv.New(e.store).Get(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return v.Reveal()
}

// works asserts the store holds a live key, and returns it.
func (e *rotEnv) works(t *testing.T) twiliotest.KeyInfo {
	t.Helper()
	k, ok := e.srv.Key(e.field(t, "TWILIO_API_KEY"))
	if !ok || k.Secret.Reveal() != e.field(t, "TWILIO_API_SECRET") {
		t.Fatalf("the store does not hold a working key")
	}
	return k
}

func (e *rotEnv) keyCount() int {
	a, _ := e.srv.Account(e.acct.SID)
	return len(a.Keys)
}

func TestRotateKeyCommand(t *testing.T) {
	e := newRotEnv(t)
	code, out, errOut := e.run(t, "y\n", "twilio", "rotate", "api-key", "--key", e.old.SID, "--store", "dotenv:"+e.store, "--journal", e.journal)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	k := e.works(t)
	if k.SID == e.old.SID || e.keyCount() != 1 || !strings.Contains(out, "Rotated API key "+e.old.SID) {
		t.Errorf("out %q, keys %d", out, e.keyCount())
	}
	if !strings.Contains(errOut, "Delete the old key "+e.old.SID) || !strings.Contains(errOut, "vigil: created standard key") {
		t.Errorf("stderr:\n%s", errOut)
	}
	if strings.Contains(out+errOut, k.Secret.Reveal()) {
		t.Error("the new secret was printed")
	}
}

// TestRotateCredentialsStore acts with credentials read from a store,
// with nothing in the environment but the emulator's address.
func TestRotateCredentialsStore(t *testing.T) {
	e := newRotEnv(t)
	creds := filepath.Join(e.dir, "admin.env")
	if err := os.WriteFile(creds, []byte("TWILIO_ACCOUNT_SID="+e.acct.SID+"\nTWILIO_AUTH_TOKEN="+e.acct.AuthToken.Reveal()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	e.env = map[string]string{rest.BaseURLEnv: e.srv.URL}
	code, _, errOut := e.run(t, "", "twilio", "rotate", "api-key", "--key", e.old.SID, "--store", "dotenv:"+e.store,
		"--credentials-store", "dotenv:"+creds, "--journal", e.journal, "--yes")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	if k := e.works(t); k.SID == e.old.SID {
		t.Error("not rotated")
	}
}

// TestRotateSubaccountKey rotates a subaccount's key with the parent's
// credentials (--account).
func TestRotateSubaccountKey(t *testing.T) {
	e := newRotEnv(t)
	sub, err := e.srv.AddSubaccount(e.acct.SID, twiliotest.AccountSeed{Name: "staging", Keys: []twiliotest.KeySeed{{FriendlyName: "ci"}}})
	if err != nil {
		t.Fatal(err)
	}
	e.write(t, "TWILIO_API_KEY="+sub.Keys[0].SID+"\nTWILIO_API_SECRET="+sub.Keys[0].Secret.Reveal()+"\n")
	code, _, errOut := e.run(t, "", "twilio", "rotate", "api-key", "--key", sub.Keys[0].SID, "--account", sub.SID,
		"--store", "dotenv:"+e.store, "--journal", e.journal, "--yes")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	k := e.works(t)
	if k.SID == sub.Keys[0].SID || k.AccountSID != sub.SID {
		t.Errorf("new key %+v, want one in the subaccount", k)
	}
	code, _, errOut = e.run(t, "", "twilio", "rotate", "auth-token", "--account", sub.SID, "--store", "dotenv:"+e.store)
	if code != 2 || !strings.Contains(errOut, "--account does not apply to auth-token") {
		t.Errorf("auth-token --account: exit %d %s", code, errOut)
	}
}

func TestRotateKeyCommandDryRun(t *testing.T) {
	e := newRotEnv(t)
	code, out, errOut := e.run(t, "", "twilio", "rotate", "api-key", "--key", e.old.SID, "--store", "dotenv:"+e.store, "--dry-run")
	if code != 0 || !strings.Contains(out, "Plan (dry run, nothing changed)") || !strings.Contains(out, "delete the old key "+e.old.SID) {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	if e.field(t, "TWILIO_API_KEY") != e.old.SID || e.keyCount() != 1 {
		t.Error("dry run changed something")
	}
}

func TestRotateTokenCommand(t *testing.T) {
	e := newRotEnv(t)
	code, out, errOut := e.run(t, "", "twilio", "rotate", "auth-token", "--store", "dotenv:"+e.store, "--journal", e.journal, "--yes")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	a, _ := e.srv.Account(e.acct.SID)
	if e.field(t, "TWILIO_AUTH_TOKEN") != a.AuthToken.Reveal() || a.AuthToken.Reveal() == e.acct.AuthToken.Reveal() {
		t.Error("the store does not hold the new primary token")
	}
	if !strings.Contains(out, "Webhook signatures (X-Twilio-Signature) are now made with the new Auth Token") || !strings.Contains(out, "vigil webhook proxy") {
		t.Errorf("no webhook reminder:\n%s", out)
	}
}

func TestRotateCommandBadInput(t *testing.T) {
	e := newRotEnv(t)
	std, _ := e.srv.AddKey(e.acct.SID, twiliotest.KeySeed{FriendlyName: "std"})
	other := "AC" + strings.Repeat("1", 32)
	for _, tt := range []struct {
		name  string
		env   map[string]string
		setup func(*testing.T)
		args  []string
		code  int
		want  []string
	}{
		{name: "unknown key", args: []string{"api-key", "--key", "SK" + strings.Repeat("0", 32), "--store", "dotenv:" + e.store},
			code: 3, want: []string{"no API key SK000", "state: nothing was changed", "hint: check --key"}},
		{name: "malformed key", args: []string{"api-key", "--key", "SK123", "--store", "dotenv:" + e.store}, code: 2, want: []string{"--key \"SK123\""}},
		{name: "standard key cannot manage keys", env: map[string]string{"TWILIO_AUTH_TOKEN": "", "TWILIO_API_KEY": std.SID, "TWILIO_API_SECRET": std.Secret.Reveal()},
			args: []string{"api-key", "--key", e.old.SID, "--store", "dotenv:" + e.store}, code: 3,
			want: []string{"cannot manage API keys", "nothing was changed", "Main key"}},
		{name: "store typo", args: []string{"api-key", "--key", e.old.SID, "--store", "dotnev:" + e.store}, code: 2, want: []string{"did you mean dotenv:?"}},
		{name: "store without scheme", args: []string{"api-key", "--key", e.old.SID, "--store", ".env"}, code: 2, want: []string{"has no scheme"}},
		{name: "unreachable store", env: map[string]string{"VAULT_TOKEN": "x"}, args: []string{"api-key", "--key", e.old.SID, "--store", "vault://127.0.0.1:1/secret/twilio?scheme=http"},
			code: 3, want: []string{"cannot read the secret store", "nothing was changed"}},
		{name: "no credentials", env: map[string]string{"TWILIO_AUTH_TOKEN": ""}, args: []string{"auth-token", "--store", "dotenv:" + e.store}, code: 2,
			want: []string{"no Twilio credentials in the environment"}},
		{name: "no store", args: []string{"auth-token"}, code: 2, want: []string{"--store is required"}},
		{name: "nothing to do", args: []string{}, code: 2, want: []string{"--resume or --rollback"}},
		{name: "journal of another account", setup: func(t *testing.T) { e.env["TWILIO_ACCOUNT_SID"] = other },
			args: []string{"--resume", "--journal", "JOURNAL"}, code: 3, want: []string{"records a rotation in account " + e.acct.SID, "TWILIO_ACCOUNT_SID=" + e.acct.SID}},
		{name: "corrupt journal", setup: func(t *testing.T) {
			b, _ := os.ReadFile(e.journal)
			_ = os.WriteFile(e.journal, bytes.Replace(b, []byte(`"seq":2`), []byte(`"seq":7`), 1), 0o600)
		}, args: []string{"--rollback", "--journal", "JOURNAL"}, code: 3, want: []string{"line 2 is corrupt", "state: by the last readable record", "hint: check the account's API keys"}},
		{name: "no journal", args: []string{"--resume", "--journal", "/nonexistent/j"}, code: 3, want: []string{"no journal at /nonexistent/j"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			saved := e.env
			e.env = map[string]string{}
			for k, v := range saved {
				e.env[k] = v
			}
			for k, v := range tt.env {
				e.env[k] = v
			}
			defer func() { e.env = saved }()
			if tt.setup != nil {
				// An interrupted rotation to resume: declined at the prompt.
				_ = os.Remove(e.journal)
				e.write(t, "TWILIO_AUTH_TOKEN="+e.acct.AuthToken.Reveal()+"\n")
				if code, _, errOut := e.run(t, "n\n", "twilio", "rotate", "auth-token", "--store", "dotenv:"+e.store, "--journal", e.journal); code != 3 {
					t.Fatalf("setup: exit %d %s", code, errOut)
				}
				tt.setup(t)
			}
			args := []string{"twilio", "rotate"}
			for _, a := range tt.args {
				args = append(args, strings.ReplaceAll(a, "JOURNAL", e.journal))
			}
			code, _, errOut := e.run(t, "", args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d\n%s", code, tt.code, errOut)
			}
			for _, w := range tt.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr lacks %q:\n%s", w, errOut)
				}
			}
		})
	}
}

// waitFor polls cond until it holds or the bound runs out.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestRotateRefusesStoreWithoutTheKey reproduces issue 19: a store that
// does not hold the key being rotated (another file, other field names, a
// stale secret) is refused before anything changes, dry run included, and
// says what it holds; --new-store is the explicit way to write anyway.
func TestRotateRefusesStoreWithoutTheKey(t *testing.T) {
	for _, tt := range []struct {
		name    string
		content string // the store's content; "" for no file
		store   string // relative to the directory
		extra   []string
		want    []string
		ok      bool
	}{
		{name: "another file", store: ".env.prod", want: []string{"does not hold the key", "it does not exist", "--new-store"}},
		{name: "other field names", store: ".env", content: "TWILIO_KEY_SID={OLD}\nTWILIO_KEY_SECRET={SECRET}\n",
			want: []string{"it holds {OLD} under TWILIO_KEY_SID", "--sid-field TWILIO_KEY_SID"}},
		{name: "stale secret", store: ".env", content: "TWILIO_API_KEY={OLD}\nTWILIO_API_SECRET=" + strings.Repeat("x", 32) + "\n",
			want: []string{"Twilio refuses the secret stored with it"}},
		{name: "new store, explicitly", store: ".env.prod", extra: []string{"--new-store"}, ok: true},
	} {
		for _, dry := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s dry=%v", tt.name, dry), func(t *testing.T) {
				e := newRotEnv(t)
				store := filepath.Join(e.dir, tt.store)
				_ = os.Remove(e.store)
				if tt.content != "" {
					c := strings.ReplaceAll(strings.ReplaceAll(tt.content, "{OLD}", e.old.SID), "{SECRET}", e.old.Secret.Reveal())
					if err := os.WriteFile(store, []byte(c), 0o600); err != nil {
						t.Fatal(err)
					}
				}
				before, _ := os.ReadFile(store)
				args := append([]string{"twilio", "rotate", "api-key", "--key", e.old.SID, "--store", "dotenv:" + store, "--journal", e.journal, "--yes"}, tt.extra...)
				if dry {
					args = append(args, "--dry-run")
				}
				code, _, errOut := e.run(t, "", args...)
				if tt.ok {
					if code != 0 {
						t.Fatalf("exit %d\n%s", code, errOut)
					}
					return
				}
				if code != 3 || !strings.Contains(errOut, "nothing was changed") {
					t.Errorf("exit %d, want 3 and nothing changed\n%s", code, errOut)
				}
				for _, w := range tt.want {
					if w = strings.ReplaceAll(w, "{OLD}", e.old.SID); !strings.Contains(errOut, w) {
						t.Errorf("stderr lacks %q:\n%s", w, errOut)
					}
				}
				if after, _ := os.ReadFile(store); string(after) != string(before) || e.keyCount() != 1 {
					t.Errorf("the store or the keys changed (keys %d)", e.keyCount())
				}
				if strings.Contains(errOut, e.old.Secret.Reveal()) {
					t.Error("the secret was printed")
				}
			})
		}
	}
}

// TestRotateWarnsReadableStore checks that a group-readable dotenv store is
// named, with the fix, and that the rotation keeps (never widens) its mode.
func TestRotateWarnsReadableStore(t *testing.T) {
	e := newRotEnv(t)
	if err := os.Chmod(e.store, 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := e.run(t, "", "twilio", "rotate", "api-key", "--key", e.old.SID, "--store", "dotenv:"+e.store, "--journal", e.journal, "--yes")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	if !strings.Contains(errOut, "can be read by its group and everyone (mode 0644)") || !strings.Contains(errOut, "hint: chmod go-rwx "+e.store) {
		t.Errorf("no warning:\n%s", errOut)
	}
	if fi, _ := os.Stat(e.store); fi.Mode().Perm() != 0o644 {
		t.Errorf("mode %v", fi.Mode())
	}
}
