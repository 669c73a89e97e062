package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/vigilsec/vigil/internal/fakecred"
	"github.com/vigilsec/vigil/internal/secretstore"
	"github.com/vigilsec/vigil/internal/secretstore/awssm/awssmtest"
	"github.com/vigilsec/vigil/internal/secretstore/conjur/conjurtest"
	"github.com/vigilsec/vigil/internal/secretstore/vault/vaulttest"
	"github.com/vigilsec/vigil/internal/testenv"
)

// killPoint is where a rotation is killed: after its journal records
// step:phase, or in the middle of the store write ("torn"). lost also
// cuts that last record off the journal: the step took effect but the
// process died before it could say so.
type killPoint struct {
	at   string
	lost bool
}

func (k killPoint) String() string {
	if k.lost {
		return k.at + "(lost)"
	}
	return k.at
}

// killPoints are every step of an API key rotation (with --yes, no wait).
// Three records are left out because a kill after them leaves the same
// store, account and recovery path as a kill after the record before:
// verify:begin (as store:done), revoke:begin (as confirm:done) and
// cleanup:done (as drop:begin, the store and keys are final).
var killPoints = []killPoint{
	{at: "plan:done"}, {at: "backup:begin"}, {at: "backup:done", lost: true}, {at: "backup:done"},
	{at: "create:begin"}, {at: "create:done", lost: true}, {at: "create:done"},
	{at: "store:begin"}, {at: "torn"}, {at: "store:done", lost: true}, {at: "store:done"},
	{at: "verify:done"}, {at: "confirm:done"},
	{at: "revoke:done", lost: true}, {at: "revoke:done"},
	{at: "drop:begin"},
}

// revoked reports whether the old key is gone at this point, so that
// --rollback must refuse and --resume finish.
func (k killPoint) revoked() bool {
	return k.at == "revoke:done" || k.at == "drop:begin"
}

// faultStore is one kind of secret store holding the old key, as the app
// reads it.
type faultStore struct {
	name string
	// perField stores write one field at a time: a kill can tear them.
	perField bool
	// setup puts the old key in a new store and returns its URI and the
	// environment vigil needs for it; arm makes the next write of
	// TWILIO_API_KEY kill the process (perField stores).
	setup func(t *testing.T, e *rotEnv) (uri string, arm func(kill func()))
	// leftovers lists backups left in the store.
	leftovers func(t *testing.T, e *rotEnv) []string
	// only, when set, limits the kill points (to keep the table's time
	// within CI's budget for a store whose every call costs a dozen
	// processes).
	only []string
}

// TestRotateFaultTable kills a real vigil at every step of an API key
// rotation, in every kind of store, then finishes it with --resume or
// undoes it with --rollback. Each case must end with the app's store
// holding a key the emulator accepts, exactly one key in the account (no
// orphan), no backup left, and the journal closed; right after the kill
// too, the store must hold a working key, except in the middle of a write
// that a per-field store cannot make whole.
func TestRotateFaultTable(t *testing.T) {
	stores := faultStores(t)
	var mu sync.Mutex
	table := map[string]map[string]string{}
	t.Cleanup(func() {
		if testing.Verbose() {
			printFaultTable(t, table)
		}
	})
	for _, fs := range stores {
		for _, kp := range killPoints {
			if kp.at == "torn" && !fs.perField || fs.only != nil && !slices.Contains(fs.only, kp.String()) {
				continue
			}
			for _, mode := range []string{"--resume", "--rollback"} {
				t.Run(fs.name+"/"+kp.String()+"/"+mode, func(t *testing.T) {
					t.Parallel()
					outcome := runFaultCase(t, fs, kp, mode)
					mu.Lock()
					if table[kp.String()] == nil {
						table[kp.String()] = map[string]string{}
					}
					table[kp.String()][fs.name+" "+mode] = outcome
					mu.Unlock()
				})
			}
		}
	}
}

func runFaultCase(t *testing.T, fs faultStore, kp killPoint, mode string) string {
	e := newRotEnv(t)
	uri, arm := fs.setup(t, e)
	oldSID, oldSecret := e.old.SID, e.old.Secret.Reveal()
	journal := filepath.Join(e.dir, "j.jsonl")
	args := []string{"-v", "twilio", "rotate", "api-key", "--key", oldSID, "--store", uri, "--yes", "--journal", journal}
	var cmd *exec.Cmd
	var out *bytes.Buffer
	if kp.at == "torn" {
		var mu sync.Mutex
		arm(func() {
			mu.Lock()
			defer mu.Unlock()
			if cmd != nil {
				_ = cmd.Process.Kill()
			}
		})
		mu.Lock()
		cmd, out = e.startVigil(t, args...)
		mu.Unlock()
	} else {
		e.env["VIGIL_TEST_KILL_AT"] = kp.at
		cmd, out = e.startVigil(t, args...)
		delete(e.env, "VIGIL_TEST_KILL_AT")
	}
	_ = cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != -1 {
		t.Fatalf("vigil was not killed at %s: exit %d\n%s", kp, code, out)
	}
	delete(e.env, "TORN_MARK")
	if p, ok := e.env["PATH"]; ok && strings.Contains(p, e.dir) {
		delete(e.env, "PATH")
	}
	if kp.lost {
		cutLastRecord(t, journal)
	}
	if kp.at != "torn" {
		e.storeWorks(t, uri)
	}
	outcome := "ok"
	code, stdout, errOut := e.run(t, "", "twilio", "rotate", mode, "--yes", "--journal", journal)
	if mode == "--rollback" && kp.revoked() {
		if code != 3 || !strings.Contains(errOut, "already deleted") {
			t.Fatalf("rollback after the revoke: exit %d, want 3 and a refusal\n%s%s", code, stdout, errOut)
		}
		outcome = "refused: old key deleted; resume ok"
		mode = "--resume"
		code, stdout, errOut = e.run(t, "", "twilio", "rotate", mode, "--yes", "--journal", journal)
	}
	if code != 0 {
		t.Fatalf("%s: exit %d\n%s%s", mode, code, stdout, errOut)
	}
	sid, secret := e.storeWorks(t, uri)
	switch {
	case mode == "--resume" && sid == oldSID:
		t.Errorf("after --resume the store holds the old key")
	case mode == "--rollback" && (sid != oldSID || secret != oldSecret):
		t.Errorf("after --rollback the store holds %s, want the old key back", sid)
	}
	if n := e.keyCount(); n != 1 {
		t.Errorf("%d keys after %s, want 1 (no orphan)", n, mode)
	}
	if left := fs.leftovers(t, e); len(left) > 0 {
		t.Errorf("backups left after %s: %v", mode, left)
	}
	if b, _ := os.ReadFile(journal); !strings.Contains(string(b), `"step":"finish"`) && !strings.Contains(string(b), `"step":"rollback","phase":"done"`) {
		t.Errorf("the journal did not end:\n%s", b)
	}
	return outcome
}

// cutLastRecord removes the journal's last line: the record of a step
// that took effect while the process died before writing it.
func cutLastRecord(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := strings.TrimSuffix(string(b), "\n")
	if err := os.WriteFile(path, []byte(s[:strings.LastIndexByte(s, '\n')+1]), 0o600); err != nil {
		t.Fatal(err)
	}
}

// storeWorks reads the store as the app does and asserts it holds a key
// the emulator accepts; it returns the key.
func (e *rotEnv) storeWorks(t *testing.T, uri string) (string, string) {
	t.Helper()
	st, err := secretstore.Open(context.Background(), uri, secretstore.Options{Getenv: func(k string) string { return e.env[k] }, Environ: e.environ()})
	if err != nil {
		t.Fatal(err)
	}
	sid, err1 := st.Get(context.Background(), "TWILIO_API_KEY")
	secret, err2 := st.Get(context.Background(), "TWILIO_API_SECRET")
	if err1 != nil || err2 != nil {
		t.Fatalf("read %s: %v %v", uri, err1, err2)
	}
	k, ok := e.srv.Key(sid.Reveal())
	if !ok || k.Secret.Reveal() != secret.Reveal() {
		t.Fatalf("the store holds %s, which the emulator does not accept (exists %v)", sid.Reveal(), ok)
	}
	return sid.Reveal(), secret.Reveal()
}

// faultStores are the stores of the table.
func faultStores(t *testing.T) []faultStore {
	stores := []faultStore{
		{name: "dotenv", setup: func(t *testing.T, e *rotEnv) (string, func(func())) { return "dotenv:" + e.store, nil },
			leftovers: func(t *testing.T, e *rotEnv) []string {
				m, _ := filepath.Glob(filepath.Join(e.dir, ".*vigil-backup*"))
				return m
			}},
		{name: "exec", perField: true, setup: setupExecStore, leftovers: func(t *testing.T, e *rotEnv) []string {
			m, _ := filepath.Glob(filepath.Join(e.env["STORE_DIR"], "VIGIL_BACKUP_*"))
			return m
		}},
		{name: "vault", setup: setupVault, leftovers: noLeftovers},
		{name: "aws-sm", setup: setupAWS, leftovers: noLeftovers},
		{name: "conjur", perField: true, setup: setupConjur, leftovers: noLeftovers},
	}
	return append(stores, passKit(t))
}

func noLeftovers(*testing.T, *rotEnv) []string { return nil }

// execStoreScript keeps each field in a file of STORE_DIR. With
// TORN_MARK set, the first write of TWILIO_API_KEY kills vigil (the
// script is sourced by vigil's sh -c, so $PPID is vigil).
const execStoreScript = `f="$STORE_DIR/$VIGIL_SECRET_FIELD"
case "$VIGIL_SECRET_OP" in
get) if [ -f "$f" ]; then cat "$f"; fi ;;
put) cat > "$f.tmp" && mv "$f.tmp" "$f" || exit 1
     if [ -n "$TORN_MARK" ] && [ "$VIGIL_SECRET_FIELD" = TWILIO_API_KEY ] && [ ! -e "$TORN_MARK" ]; then : > "$TORN_MARK"; kill -9 $PPID; fi ;;
delete) rm -f "$f" ;;
*) exit 2 ;;
esac
`

func setupExecStore(t *testing.T, e *rotEnv) (string, func(func())) {
	dir := filepath.Join(e.dir, "exec-store")
	script := filepath.Join(e.dir, "store.sh")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(script, []byte(execStoreScript), 0o600); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{"TWILIO_API_KEY": e.old.SID, "TWILIO_API_SECRET": e.old.Secret.Reveal()} {
		if err := os.WriteFile(filepath.Join(dir, k), []byte(v), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	e.env["STORE_DIR"] = dir
	return "exec:. '" + script + "'", func(func()) { e.env["TORN_MARK"] = filepath.Join(e.dir, "torn") }
}

func setupVault(t *testing.T, e *rotEnv) (string, func(func())) {
	v := vaulttest.New(t, "vault-token")
	v.Lock() // the fake serves already; vigil runs in another process
	defer v.Unlock()
	v.Versions["twilio/prod"] = []map[string]any{{"OTHER": "kept", "TWILIO_API_KEY": e.old.SID, "TWILIO_API_SECRET": e.old.Secret.Reveal()}}
	e.env["VAULT_TOKEN"] = "vault-token"
	return "vault://" + strings.TrimPrefix(v.URL, "http://") + "/secret/twilio/prod?scheme=http", nil
}

func setupAWS(t *testing.T, e *rotEnv) (string, func(func())) {
	sm := awssmtest.New(t)
	sm.Lock() // the fake serves already; vigil runs in another process
	defer sm.Unlock()
	b, _ := json.Marshal(map[string]string{"OTHER": "kept", "TWILIO_API_KEY": e.old.SID, "TWILIO_API_SECRET": e.old.Secret.Reveal()})
	sm.Secrets["prod/twilio"] = []string{string(b)}
	for k, v := range map[string]string{"AWS_ACCESS_KEY_ID": "AKIDFAKEFAKEFAKE", "AWS_SECRET_ACCESS_KEY": "fake-secret-access-key",
		"AWS_CONFIG_FILE": os.DevNull, "AWS_SHARED_CREDENTIALS_FILE": os.DevNull, "AWS_EC2_METADATA_DISABLED": "true"} {
		e.env[k] = v
	}
	return "aws-sm://prod%2Ftwilio?region=us-east-1&endpoint=" + sm.URL, nil
}

func setupConjur(t *testing.T, e *rotEnv) (string, func(func())) {
	c := conjurtest.New(t, "myorg")
	apiKey := fakecred.New(5).MustExpand("{alnum:40}")
	c.Declare("prod/twilio/TWILIO_API_KEY", "prod/twilio/TWILIO_API_SECRET")
	c.Lock() // the fake serves already; vigil runs in another process
	c.Hosts["host/vigil"] = apiKey
	c.Variables["prod/twilio/TWILIO_API_KEY"] = []string{e.old.SID}
	c.Variables["prod/twilio/TWILIO_API_SECRET"] = []string{e.old.Secret.Reveal()}
	c.Unlock()
	e.env["CONJUR_AUTHN_LOGIN"] = "host/vigil"
	e.env["CONJUR_AUTHN_API_KEY"] = apiKey
	arm := func(kill func()) {
		fired := false
		c.Lock()
		defer c.Unlock()
		c.AfterWrite = func(id string) {
			if id == "prod/twilio/TWILIO_API_KEY" && !fired {
				fired = true
				kill()
			}
		}
	}
	return "conjur://" + strings.TrimPrefix(c.URL, "http://") + "/myorg/prod/twilio?scheme=http", arm
}

// passKit is the pass store of the table, with one throwaway GPG key for
// every case; its cases skip when pass or gpg is missing (and fail in
// strict mode).
func passKit(t *testing.T) faultStore {
	home := ""
	pass, err1 := exec.LookPath("pass")
	_, err2 := exec.LookPath("gpg")
	if err1 == nil && err2 == nil {
		home = testenv.GPGHome(t)
	}
	return faultStore{name: "pass", perField: true,
		// Every point where pass is written, torn or read back in a new
		// way; the others read it as backup:done does. A pass call runs
		// bash, gpg and a dozen helpers: all 19 points would take CI's
		// budget for the whole table.
		only: []string{"backup:begin", "backup:done(lost)", "create:done", "store:begin", "torn", "store:done(lost)", "store:done",
			"confirm:done", "revoke:done", "drop:begin"},
		setup: func(t *testing.T, e *rotEnv) (string, func(func())) {
			testenv.NeedProgram(t, "pass")
			testenv.NeedProgram(t, "gpg")
			e.env["GNUPGHOME"] = home
			e.env["PASSWORD_STORE_DIR"] = filepath.Join(e.dir, "pass")
			runPass(t, e, nil, "init", testenv.GPGKeyEmail)
			runPass(t, e, []byte(e.old.SID), "insert", "--multiline", "twilio/TWILIO_API_KEY")
			runPass(t, e, []byte(e.old.Secret.Reveal()), "insert", "--multiline", "twilio/TWILIO_API_SECRET")
			uri := "pass:twilio" // vigil:allow (a store URI)
			return uri, func(func()) {
				wrap := filepath.Join(e.dir, "bin")
				_ = os.Mkdir(wrap, 0o700)
				script := "#!/bin/sh\n" + pass + " \"$@\"; rc=$?\ncase \"$*\" in *insert*/TWILIO_API_KEY) if [ ! -e \"$TORN_MARK\" ]; then : > \"$TORN_MARK\"; kill -9 $PPID; fi ;; esac\nexit $rc\n"
				if err := os.WriteFile(filepath.Join(wrap, "pass"), []byte(script), 0o700); err != nil {
					t.Fatal(err)
				}
				e.env["PATH"] = wrap + ":" + os.Getenv("PATH")
				e.env["TORN_MARK"] = filepath.Join(e.dir, "torn")
			}
		},
		leftovers: func(t *testing.T, e *rotEnv) []string {
			m, _ := filepath.Glob(filepath.Join(e.env["PASSWORD_STORE_DIR"], "twilio", "VIGIL_BACKUP_*"))
			return m
		}}
}

func runPass(t *testing.T, e *rotEnv, stdin []byte, args ...string) {
	t.Helper()
	cmd := exec.Command("pass", args...)
	cmd.Env = e.environ()
	cmd.Stdin = strings.NewReader(string(stdin))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("pass %v: %v\n%s", args, err, out)
	}
}

// printFaultTable logs the table: kill point × store and recovery.
func printFaultTable(t *testing.T, table map[string]map[string]string) {
	var b strings.Builder
	for _, kp := range killPoints {
		row := table[kp.String()]
		if row == nil {
			continue
		}
		b.WriteString(kp.String())
		for _, name := range []string{"dotenv", "exec", "pass", "vault", "aws-sm", "conjur"} {
			for _, mode := range []string{"--resume", "--rollback"} {
				if v, ok := row[name+" "+mode]; ok {
					b.WriteString(" | " + name + mode[1:4] + ": " + v)
				}
			}
		}
		b.WriteString("\n")
	}
	t.Logf("fault table:\n%s", b.String())
}

// TestRotateConjur rotates a key held in Conjur, acting with credentials
// read from Conjur too (--credentials-store), as a team that keeps both
// there would.
func TestRotateConjur(t *testing.T) {
	e := newRotEnv(t)
	uri, _ := setupConjur(t, e)
	c := conjurtest.New(t, "ops")
	c.Hosts["host/vigil"] = e.env["CONJUR_AUTHN_API_KEY"]
	c.Declare("admin/TWILIO_ACCOUNT_SID", "admin/TWILIO_AUTH_TOKEN")
	c.Variables["admin/TWILIO_ACCOUNT_SID"] = []string{e.acct.SID}
	c.Variables["admin/TWILIO_AUTH_TOKEN"] = []string{e.acct.AuthToken.Reveal()}
	delete(e.env, "TWILIO_ACCOUNT_SID")
	delete(e.env, "TWILIO_AUTH_TOKEN")
	creds := "conjur://" + strings.TrimPrefix(c.URL, "http://") + "/ops/admin?scheme=http"
	code, _, errOut := e.run(t, "", "twilio", "rotate", "api-key", "--key", e.old.SID, "--store", uri, "--credentials-store", creds,
		"--journal", filepath.Join(e.dir, "j.jsonl"), "--yes")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	if sid, _ := e.storeWorks(t, uri); sid == e.old.SID || e.keyCount() != 1 {
		t.Errorf("after the rotation the store holds %s, %d keys", sid, e.keyCount())
	}
}
