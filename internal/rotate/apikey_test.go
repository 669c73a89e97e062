package rotate

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vigilsec/vigil/internal/secretstore/dotenv"
	"github.com/vigilsec/vigil/internal/secretstore/execstore"
	"github.com/vigilsec/vigil/twilio/twiliotest"
)

func TestRotateKey(t *testing.T) {
	for _, seed := range []twiliotest.KeySeed{
		{Type: twiliotest.KeyStandard},
		{Type: twiliotest.KeyRestricted, Policy: []string{"/twilio/messaging/messages/read", "/twilio/voice/applications/read"}},
		{Type: twiliotest.KeyRestricted, Policy: []string{"/twilio/voice/applications/read"}}, // no read vigil knows: 70051 proves it
	} {
		t.Run(string(seed.Type)+strings.Join(seed.Policy, ","), func(t *testing.T) {
			e := newEnv(t, seed)
			r := e.runner(t)
			plan, err := r.RotateKey(context.Background(), KeyRequest{Key: e.old.SID})
			if err != nil {
				t.Fatal(err)
			}
			k := e.checkWorking(t)
			if k.SID == e.old.SID || k.Type != seed.Type || !slices.Equal(k.Policy, seed.Policy) {
				t.Errorf("new key %+v, want a new %s key with policy %v", k, seed.Type, seed.Policy)
			}
			if _, ok := e.srv.Key(e.old.SID); ok {
				t.Error("the old key still exists")
			}
			if got := e.keys(); len(got) != 1 {
				t.Errorf("keys %v, want only the new one", got)
			}
			if !strings.HasPrefix(k.FriendlyName, "deploy-bot (vigil ") || plan.NewName != k.FriendlyName {
				t.Errorf("new key name %q (plan %q)", k.FriendlyName, plan.NewName)
			}
			st := e.state(t)
			if !st.Closed() || !st.Did(StepFinish) || st.Last.Stored != "new" || !slices.Equal(st.Last.Working, []string{k.SID}) {
				t.Errorf("journal state %+v", st.Last)
			}
			if b, _ := os.ReadFile(e.journal); strings.Contains(string(b), k.Secret.Reveal()) || strings.Contains(string(b), e.old.Secret.Reveal()) {
				t.Error("the journal holds a secret")
			}
		})
	}
}

func TestRotateKeyDryRun(t *testing.T) {
	e := newEnv(t, twiliotest.KeySeed{})
	before, _ := os.ReadFile(e.store)
	e.srv.ResetRequests()
	plan, err := e.runner(t).RotateKey(context.Background(), KeyRequest{Key: e.old.SID, DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if n := e.srv.RequestCount(func(r twiliotest.Request) bool { return r.Method != "GET" }); n != 0 {
		t.Errorf("dry run made %d changing requests", n)
	}
	if after, _ := os.ReadFile(e.store); string(after) != string(before) {
		t.Error("dry run changed the store")
	}
	if _, err := os.Stat(e.journal); err == nil {
		t.Error("dry run wrote a journal")
	}
	if d := strings.Join(plan.Describe(), "\n"); !strings.Contains(d, "delete the old key "+e.old.SID) {
		t.Errorf("plan:\n%s", d)
	}
}

// TestRotateKeyFaults injects a failure at each step and checks that the
// store always holds a working key, and what the journal says.
func TestRotateKeyFaults(t *testing.T) {
	for _, tt := range []struct {
		name    string
		fault   twiliotest.Fault
		store   string // "exec-fail": a store whose writes fail; "exec-blind": and whose reads too
		next    string // in the next step, when the rotation did not end
		answers []bool
		want    string // in the error
		closed  bool   // the rotation ended (rolled back)
		oldLive bool
	}{
		{name: "create refused", fault: twiliotest.Fault{Kind: twiliotest.FaultStatus, Status: 500, Method: "POST", Path: "/v1/Keys"},
			want: "create the new key", closed: true, oldLive: true},
		{name: "create answer lost", fault: twiliotest.Fault{Kind: twiliotest.FaultReset, Method: "POST", Path: "/v1/Keys", Phase: twiliotest.AfterHandling, Times: 1},
			want: "create the new key", closed: true, oldLive: true},
		{name: "store write fails", store: "exec-fail", want: "keep the old values", closed: true, oldLive: true},
		{name: "new key does not verify", fault: twiliotest.Fault{Kind: twiliotest.FaultStatus, Status: 401, Path: "/2010-04-01/Accounts/*/Usage/Records/Today.json", Skip: 1},
			want: "does not work", closed: true, oldLive: true},
		{name: "delete fails", fault: twiliotest.Fault{Kind: twiliotest.FaultStatus, Status: 500, Method: "DELETE"},
			want: "delete the old key", oldLive: true},
		{name: "declined", answers: []bool{false}, want: "not confirmed", oldLive: true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, twiliotest.KeySeed{})
			e.answers = tt.answers
			r := e.runner(t)
			switch tt.store {
			case "exec-fail": // reads the dotenv file, cannot write
				r.Store = execstore.New(`[ "$VIGIL_SECRET_OP" = get ] && sed -n "s/^$VIGIL_SECRET_FIELD=//p" "$STORE"; [ "$VIGIL_SECRET_OP" = get ]`,
					append(os.Environ(), "STORE="+e.store))
			}
			var h *twiliotest.FaultHandle
			if tt.fault.Kind != twiliotest.NoFault {
				h = e.srv.Inject(tt.fault)
			}
			_, err := r.RotateKey(context.Background(), KeyRequest{Key: e.old.SID})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			re := errState(t, err)
			if h != nil && h.Hits() == 0 {
				t.Fatal("the fault never struck")
			}
			_, live := e.srv.Key(e.old.SID)
			if live != tt.oldLive {
				t.Errorf("old key live %v, want %v", live, tt.oldLive)
			}
			e.checkWorking(t)
			st := e.state(t)
			if st.Closed() != tt.closed {
				t.Errorf("journal closed %v, want %v (%s)", st.Closed(), tt.closed, st.Summary())
			}
			if tt.closed {
				if got := e.keys(); !slices.Equal(got, []string{e.old.SID}) {
					t.Errorf("keys %v, want only the old one after the rollback", got)
				}
				return
			}
			if tt.next != "" {
				if !strings.Contains(re.Next, tt.next) {
					t.Errorf("next step %q, want %q", re.Next, tt.next)
				}
				return
			}
			// Not closed: the user can resume once the fault is gone.
			if !strings.Contains(re.Next, "--resume") {
				t.Errorf("next step %q, want --resume", re.Next)
			}
			e.srv.ClearFaults()
			recs, st2, err := LoadFor(e.journal, e.acct.SID)
			if err != nil {
				t.Fatal(err)
			}
			_ = st2
			if err := e.runner(t).Resume(context.Background(), recs); err != nil {
				t.Fatalf("resume: %v", err)
			}
			k := e.checkWorking(t)
			if got := e.keys(); !slices.Equal(got, []string{k.SID}) {
				t.Errorf("keys after resume %v", got)
			}
		})
	}
}

// TestRollbackKey undoes a rotation stopped with the new key in the
// store: the backup made before anything changed puts the old key back.
func TestRollbackKey(t *testing.T) {
	e := newEnv(t, twiliotest.KeySeed{})
	e.answers = []bool{false}
	if _, err := e.runner(t).RotateKey(context.Background(), KeyRequest{Key: e.old.SID}); err == nil {
		t.Fatal("want not confirmed")
	}
	if got := e.stored(t, "TWILIO_API_KEY"); got == e.old.SID {
		t.Fatal("the store does not hold the new key after the decline")
	}
	recs, _, err := LoadFor(e.journal, e.acct.SID)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.runner(t).Rollback(context.Background(), recs); err != nil {
		t.Fatal(err)
	}
	if got := e.keys(); !slices.Equal(got, []string{e.old.SID}) {
		t.Errorf("keys %v after rollback", got)
	}
	if k := e.checkWorking(t); k.SID != e.old.SID {
		t.Errorf("the store holds %s, want the old key", k.SID)
	}
	if st := e.state(t); !st.Did(StepRollback) {
		t.Errorf("journal: %s", st.Summary())
	}
	if m, _ := filepath.Glob(filepath.Join(e.dir, ".*vigil-backup*")); len(m) != 0 {
		t.Errorf("backups left: %v", m)
	}
}

func TestRotateKeyBadInput(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, twiliotest.KeySeed{})
	std, _ := e.srv.AddKey(e.acct.SID, twiliotest.KeySeed{FriendlyName: "std", Type: twiliotest.KeyStandard})
	main, _ := e.srv.AddKey(e.acct.SID, twiliotest.KeySeed{FriendlyName: "main", Type: twiliotest.KeyMain})
	for _, tt := range []struct {
		name  string
		setup func(*Runner, *KeyRequest)
		want  string
	}{
		{"unknown key", func(_ *Runner, q *KeyRequest) { q.Key = "SK" + strings.Repeat("0", 32) }, "no API key SK000"},
		{"standard key acting", func(r *Runner, _ *KeyRequest) { r.Acting = e.client(t, std.SID, std.Secret) }, "cannot manage API keys"},
		{"main key", func(r *Runner, q *KeyRequest) {
			q.Key = main.SID
			_ = os.WriteFile(e.store, []byte("TWILIO_API_KEY="+main.SID+"\nTWILIO_API_SECRET="+main.Secret.Reveal()+"\n"), 0o600)
		}, "is a Main key"},
		{"main key acting on itself", func(r *Runner, q *KeyRequest) { q.Key = main.SID; r.Acting = e.client(t, main.SID, main.Secret) }, "is a Main key"},
		{"store holds another key", func(_ *Runner, q *KeyRequest) { q.Key = std.SID }, "not the key being replaced"},
		{"unreadable store", func(r *Runner, _ *KeyRequest) { r.Store = dotenv.New(e.dir) }, "cannot read the secret store"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := e.runner(t)
			q := KeyRequest{Key: e.old.SID}
			tt.setup(r, &q)
			_, err := r.RotateKey(ctx, q)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			if re := errState(t, err); re.State != "nothing was changed" {
				t.Errorf("state %q", re.State)
			}
			if len(e.keys()) != 3 {
				t.Errorf("keys changed: %v", e.keys())
			}
		})
	}
}

// TestResumeNeverPilesUpKeys reproduces issue 19: a store that fails on
// every call once the new key exists must not make each --resume create
// one more key. Resumes stop before creating anything while the store
// cannot be read; once it works, one resume finishes with one key.
func TestResumeNeverPilesUpKeys(t *testing.T) {
	e := newEnv(t, twiliotest.KeySeed{})
	broken := filepath.Join(e.dir, "broken")
	// A dotenv-backed exec store that fails every call while "broken" exists.
	script := `[ -e "$BROKEN" ] && exit 9
f="$STORE"; case "$VIGIL_SECRET_OP" in
get) sed -n "s/^$VIGIL_SECRET_FIELD=//p" "$f" | tail -1 ;;
put) v=$(cat); grep -v "^$VIGIL_SECRET_FIELD=" "$f" > "$f.tmp"; printf '%s=%s\n' "$VIGIL_SECRET_FIELD" "$v" >> "$f.tmp"; mv "$f.tmp" "$f"; [ "$VIGIL_SECRET_FIELD" = TWILIO_API_SECRET ] && touch "$BROKEN"; true ;;
delete) grep -v "^$VIGIL_SECRET_FIELD=" "$f" > "$f.tmp"; mv "$f.tmp" "$f" ;;
esac`
	env := append(os.Environ(), "STORE="+e.store, "BROKEN="+broken)
	runner := func() *Runner {
		r := e.runner(t)
		r.Store = execstore.New(script, env)
		return r
	}
	// Writing the new secret breaks the store for good.
	if _, err := runner().RotateKey(context.Background(), KeyRequest{Key: e.old.SID}); err == nil {
		t.Fatal("the rotation went through a broken store")
	}
	if st := e.state(t); st.Closed() || !st.Did(StepCreate) {
		t.Fatalf("the store broke before the new key: %s", st.Summary())
	}
	before := len(e.keys())
	for i := range 3 {
		recs, _, err := LoadFor(e.journal, e.acct.SID)
		if err != nil {
			t.Fatal(err)
		}
		if err := runner().Resume(context.Background(), recs); err == nil || !strings.Contains(err.Error(), "no new key was created") {
			t.Fatalf("resume %d: %v, want a stop before creating", i+1, err)
		}
		if n := len(e.keys()); n != before {
			t.Fatalf("resume %d: %d keys, was %d: a resume created a key", i+1, n, before)
		}
	}
	_ = os.Remove(broken)
	recs, _, err := LoadFor(e.journal, e.acct.SID)
	if err != nil {
		t.Fatal(err)
	}
	if err := runner().Resume(context.Background(), recs); err != nil {
		t.Fatalf("resume once the store works: %v", err)
	}
	if k := e.checkWorking(t); k.SID == e.old.SID || len(e.keys()) != 1 {
		t.Errorf("keys at the end %v, want only the new one", e.keys())
	}
}
