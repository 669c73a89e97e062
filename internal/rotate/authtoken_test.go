package rotate

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/vigilsec/vigil/twilio/twiliotest"
)

// tokenEnv stores the Auth Token in the dotenv store.
func tokenEnv(t *testing.T) *env {
	e := newEnv(t, twiliotest.KeySeed{})
	if err := os.WriteFile(e.store, []byte("# app settings\nAPP_PORT=8080\nTWILIO_AUTH_TOKEN="+e.acct.AuthToken.Reveal()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return e
}

// checkToken asserts that the store holds the account's primary token.
func (e *env) checkToken(t *testing.T) string {
	t.Helper()
	a, _ := e.srv.Account(e.acct.SID)
	if got := e.stored(t, "TWILIO_AUTH_TOKEN"); got != a.AuthToken.Reveal() {
		t.Fatalf("the store does not hold the primary Auth Token")
	}
	return a.AuthToken.Reveal()
}

func TestRotateToken(t *testing.T) {
	e := tokenEnv(t)
	if _, err := e.runner(t).RotateToken(context.Background(), TokenRequest{}); err != nil {
		t.Fatal(err)
	}
	if tok := e.checkToken(t); tok == e.acct.AuthToken.Reveal() {
		t.Error("the token did not change")
	}
	a, _ := e.srv.Account(e.acct.SID)
	if !a.SecondaryAuthToken.IsZero() {
		t.Error("a secondary token is left")
	}
	var types []string
	for _, ev := range e.srv.Events(e.acct.SID) {
		types = append(types, ev.Type)
	}
	if strings.Join(types, ",") != "account-auth-token.secondary-created,account-auth-token.promoted" {
		t.Errorf("events %v", types)
	}
}

func TestRotateTokenFaults(t *testing.T) {
	for _, tt := range []struct {
		name   string
		fault  twiliotest.Fault
		want   string
		closed bool
	}{
		{"create refused", twiliotest.Fault{Kind: twiliotest.FaultStatus, Status: 503, Path: "/v1/AuthTokens/Secondary", Method: "POST"}, "create the secondary", true},
		{"create answer lost", twiliotest.Fault{Kind: twiliotest.FaultReset, Path: "/v1/AuthTokens/Secondary", Method: "POST", Phase: twiliotest.AfterHandling}, "create the secondary", true},
		{"does not verify", twiliotest.Fault{Kind: twiliotest.FaultStatus, Status: 401, Path: "/2010-04-01/Accounts/*/Usage/Records/Today.json"}, "does not work", true},
		{"promote refused", twiliotest.Fault{Kind: twiliotest.FaultStatus, Status: 404, Path: "/v1/AuthTokens/Promote"}, "promote", true},
		{"promote unavailable", twiliotest.Fault{Kind: twiliotest.FaultStatus, Status: 500, Path: "/v1/AuthTokens/Promote"}, "promote", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := tokenEnv(t)
			h := e.srv.Inject(tt.fault)
			_, err := e.runner(t).RotateToken(context.Background(), TokenRequest{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			errState(t, err)
			if h.Hits() == 0 {
				t.Fatal("the fault never struck")
			}
			st := e.state(t)
			if st.Closed() {
				e.checkToken(t)
			} else if a, _ := e.srv.Account(e.acct.SID); e.stored(t, "TWILIO_AUTH_TOKEN") != a.SecondaryAuthToken.Reveal() {
				t.Fatal("the store holds neither the primary nor the secondary token")
			}
			if st.Closed() != tt.closed {
				t.Fatalf("closed %v, want %v: %s", st.Closed(), tt.closed, st.Summary())
			}
			a, _ := e.srv.Account(e.acct.SID)
			if tt.closed {
				if !a.SecondaryAuthToken.IsZero() || a.AuthToken.Reveal() != e.acct.AuthToken.Reveal() {
					t.Error("rolled back, but the tokens changed")
				}
				return
			}
			e.srv.ClearFaults()
			recs, _, err := LoadFor(e.journal, e.acct.SID)
			if err != nil {
				t.Fatal(err)
			}
			if err := e.runner(t).Resume(context.Background(), recs); err != nil {
				t.Fatalf("resume: %v", err)
			}
			if e.checkToken(t) == e.acct.AuthToken.Reveal() {
				t.Error("not promoted after resume")
			}
		})
	}
}

// TestPromoteAnswerLost: the promotion goes through but its answer is
// lost; vigil checks with the new token and carries on.
func TestPromoteAnswerLost(t *testing.T) {
	e := tokenEnv(t)
	e.srv.Inject(twiliotest.Fault{Kind: twiliotest.FaultReset, Path: "/v1/AuthTokens/Promote", Phase: twiliotest.AfterHandling, Times: 1})
	if _, err := e.runner(t).RotateToken(context.Background(), TokenRequest{}); err != nil {
		t.Fatal(err)
	}
	if e.checkToken(t) == e.acct.AuthToken.Reveal() {
		t.Error("not promoted")
	}
	if st := e.state(t); !st.Did(StepFinish) {
		t.Error(st.Summary())
	}
}

func TestRollbackToken(t *testing.T) {
	e := tokenEnv(t)
	e.answers = []bool{false}
	if _, err := e.runner(t).RotateToken(context.Background(), TokenRequest{}); err == nil || !strings.Contains(err.Error(), "not confirmed") {
		t.Fatalf("want not confirmed, got %v", err)
	}
	if e.stored(t, "TWILIO_AUTH_TOKEN") == e.acct.AuthToken.Reveal() {
		t.Fatal("the store should hold the secondary token by now")
	}
	recs, _, _ := LoadFor(e.journal, e.acct.SID)
	if err := e.runner(t).Rollback(context.Background(), recs); err != nil {
		t.Fatal(err)
	}
	if e.checkToken(t) != e.acct.AuthToken.Reveal() {
		t.Error("the token changed")
	}
	if a, _ := e.srv.Account(e.acct.SID); !a.SecondaryAuthToken.IsZero() {
		t.Error("the secondary token is left")
	}
}

func TestRotateTokenBadInput(t *testing.T) {
	e := tokenEnv(t)
	r := e.runner(t)
	r.Acting = e.client(t, e.old.SID, e.old.Secret) // a Standard key
	_, err := r.RotateToken(context.Background(), TokenRequest{})
	if err == nil || !strings.Contains(err.Error(), "cannot manage the Auth Token") {
		t.Fatalf("standard key: %v", err)
	}
	_ = os.WriteFile(e.store, []byte("TWILIO_AUTH_TOKEN=somethingelse\n"), 0o600)
	_, err = e.runner(t).RotateToken(context.Background(), TokenRequest{})
	if err == nil || !strings.Contains(err.Error(), "is not "+e.acct.SID+"'s current Auth Token") {
		t.Fatalf("store mismatch: %v", err)
	}
}
