package verify

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/twilio/twiliotest"
)

// twilioWorld is an emulator with every kind of Twilio credential.
type twilioWorld struct {
	srv                               *twiliotest.Server
	prod, sub, other                  twiliotest.AccountInfo
	standard, main, restricted, usage twiliotest.KeyInfo
}

func newTwilioWorld(t *testing.T, opts twiliotest.Options) *twilioWorld {
	t.Helper()
	srv := twiliotest.NewServer(t, opts)
	w := &twilioWorld{srv: srv}
	w.prod = srv.AddAccount(twiliotest.AccountSeed{
		FriendlyName: "Acme Production", Type: "Full",
		Keys: []twiliotest.KeySeed{
			{FriendlyName: "ci", Type: twiliotest.KeyStandard},
			{FriendlyName: "console", Type: twiliotest.KeyMain},
			{FriendlyName: "sms-only", Type: twiliotest.KeyRestricted, Policy: []string{"/twilio/messaging/messages/read"}},
			{FriendlyName: "usage", Type: twiliotest.KeyRestricted, Policy: []string{"/twilio/usage/records/read"}},
		},
		Events: []twiliotest.EventSeed{{Type: "account.updated", Date: twiliotest.Ago(time.Hour)}},
	})
	w.standard, w.main, w.restricted, w.usage = w.prod.Keys[0], w.prod.Keys[1], w.prod.Keys[2], w.prod.Keys[3]
	var err error
	if w.sub, err = srv.AddSubaccount(w.prod.SID, twiliotest.AccountSeed{FriendlyName: "Acme EU", Type: "Trial"}); err != nil {
		t.Fatal(err)
	}
	w.other = srv.AddAccount(twiliotest.AccountSeed{FriendlyName: "Other"})
	return w
}

func (w *twilioWorld) verifier(t *testing.T, opts Options) (*Verifier, *fakeClock, *logBuffer) {
	opts.BaseURLs = map[string]string{"twilio": w.srv.URL}
	return newTestVerifier(t, opts)
}

func tokenFinding(sid string, tok vigil.Secret) vigil.Finding {
	if sid == "" {
		return finding("twilio", "twilio-auth-token", tok.Reveal())
	}
	return finding("twilio", "twilio-auth-token", tok.Reveal(), "account_sid", sid)
}

func keyFinding(k twiliotest.KeyInfo, sid string) vigil.Finding {
	if sid == "" {
		return finding("twilio", "twilio-api-key", k.Secret.Reveal(), "api_key_sid", k.SID)
	}
	return finding("twilio", "twilio-api-key", k.Secret.Reveal(), "api_key_sid", k.SID, "account_sid", sid)
}

func TestTwilioCredentials(t *testing.T) {
	w := newTwilioWorld(t, twiliotest.Options{})
	wrong := vigil.NewSecret(randHex(32))
	tests := []struct {
		name     string
		f        vigil.Finding
		status   vigil.Status
		facts    map[string]string
		reason   string
		requests int
	}{
		{"auth token", tokenFinding(w.prod.SID, w.prod.AuthToken), vigil.Valid, map[string]string{
			"credential": "auth token", "account": w.prod.SID, "account_name": "Acme Production",
			"account_status": "active", "account_type": "Full"}, "", 1},
		{"subaccount token", tokenFinding(w.sub.SID, w.sub.AuthToken), vigil.Valid, map[string]string{
			"account_name": "Acme EU", "account_type": "Trial", "parent_account": w.prod.SID}, "", 1},
		{"wrong token", tokenFinding(w.prod.SID, wrong), vigil.Invalid, nil, "HTTP 401, Twilio error 20003", 1},
		{"token of another account", tokenFinding(w.other.SID, w.prod.AuthToken), vigil.Invalid, nil, "20003", 1},
		{"token without SID", tokenFinding("", w.prod.AuthToken), vigil.NotVerified, nil, "Account SID", 0},
		{"standard key", keyFinding(w.standard, w.prod.SID), vigil.Valid, map[string]string{
			"credential": "api key", "key": w.standard.SID, "account": w.prod.SID, "key_type": "standard or restricted"}, "", 2},
		{"main key", keyFinding(w.main, w.prod.SID), vigil.Valid, map[string]string{
			"key_type": "main", "account_name": "Acme Production"}, "", 2},
		{"restricted key", keyFinding(w.restricted, w.prod.SID), vigil.Valid, map[string]string{
			"key_type": "restricted", "paired_account": w.prod.SID, "account": ""}, "", 1},
		{"restricted key next to another account's SID", keyFinding(w.restricted, w.other.SID), vigil.Valid, map[string]string{
			"key_type": "restricted", "paired_account": w.other.SID, "account": ""}, "", 1},
		{"restricted key with usage access", keyFinding(w.usage, w.prod.SID), vigil.Valid, map[string]string{
			"key_type": "standard or restricted"}, "", 2},
		{"key without SID", keyFinding(w.standard, ""), vigil.Valid, map[string]string{
			"account": w.prod.SID, "key_type": "standard or restricted"}, "", 2},
		{"restricted key without SID", keyFinding(w.restricted, ""), vigil.Valid, map[string]string{
			"key_type": "restricted"}, "", 1},
		{"key next to another account's SID", keyFinding(w.standard, w.other.SID), vigil.Valid, map[string]string{
			"account": w.prod.SID, "account_note": "not the Account SID found next to the key"}, "", 3},
		{"wrong key secret", finding("twilio", "twilio-api-key", randAlnum(32), "api_key_sid", w.standard.SID, "account_sid", w.prod.SID),
			vigil.Invalid, nil, "20003", 2},
		{"wrong key secret without SID", finding("twilio", "twilio-api-key", randAlnum(32), "api_key_sid", w.standard.SID),
			vigil.Invalid, nil, "20003", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, _, logs := w.verifier(t, Options{})
			got := v.Verify(context.Background(), &tt.f)
			if got.Status != tt.status || !strings.Contains(got.Reason, tt.reason) {
				t.Fatalf("verdict %+v, want %s with reason containing %q", got, tt.status, tt.reason)
			}
			for k, want := range tt.facts {
				if got.Facts[k] != want {
					t.Errorf("fact %s = %q, want %q (facts %v)", k, got.Facts[k], want, got.Facts)
				}
			}
			if v.Requests() != tt.requests {
				t.Errorf("%d requests, want %d", v.Requests(), tt.requests)
			}
			assertNoSecret(t, got, logs.String(), tt.f, w.prod.AuthToken.Reveal())
		})
	}
}

// assertNoSecret checks that neither the verdict nor the logs hold a
// secret: the finding's, or the Auth Token that Twilio's Account body
// carries.
func assertNoSecret(t *testing.T, v vigil.Verdict, logs string, f vigil.Finding, extra ...string) {
	t.Helper()
	secrets := append([]string{f.Secret.Reveal()}, extra...)
	for _, s := range secrets {
		if strings.Contains(logs, s) {
			t.Errorf("a secret is in the logs:\n%s", logs)
		}
		for k, fv := range v.Facts {
			if strings.Contains(fv, s) {
				t.Errorf("fact %s holds a secret", k)
			}
		}
		if strings.Contains(v.Reason, s) {
			t.Errorf("the reason holds a secret")
		}
	}
}

func TestTwilioAccountStates(t *testing.T) {
	for _, tt := range []struct {
		name   string
		opts   twiliotest.Options
		status string
		pkcv   bool
		want   vigil.Status
		fact   string
	}{
		{"suspended (403 20403)", twiliotest.Options{}, "suspended", false, vigil.Valid, "account_status"},
		{"suspended (401 20003)", twiliotest.Options{SuspendedAs: twiliotest.AuthFailure}, "suspended", false, vigil.Invalid, ""},
		{"closed", twiliotest.Options{}, "closed", false, vigil.Invalid, ""},
		{"client validation enforced", twiliotest.Options{}, "active", true, vigil.Valid, "client_validation"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w := newTwilioWorld(t, tt.opts)
			if err := w.srv.SetStatus(w.prod.SID, tt.status); err != nil {
				t.Fatal(err)
			}
			if err := w.srv.SetClientValidation(w.prod.SID, tt.pkcv); err != nil {
				t.Fatal(err)
			}
			for _, f := range []vigil.Finding{tokenFinding(w.prod.SID, w.prod.AuthToken), keyFinding(w.standard, w.prod.SID), keyFinding(w.standard, "")} {
				v, _, _ := w.verifier(t, Options{})
				got := v.Verify(context.Background(), &f)
				if got.Status != tt.want || (tt.fact != "" && got.Facts[tt.fact] == "") {
					t.Errorf("%s: verdict %+v, want %s with fact %s", f.RuleID, got, tt.want, tt.fact)
				}
			}
		})
	}
}

// TestTwilioFaults: whatever goes wrong between vigil and Twilio, the
// verdict is Unknown with a reason, never Invalid.
func TestTwilioFaults(t *testing.T) {
	for _, tt := range []struct {
		fault  twiliotest.Fault
		reason string
	}{
		{twiliotest.Fault{Kind: twiliotest.FaultStatus, Status: 500}, "HTTP 500"},
		{twiliotest.Fault{Kind: twiliotest.FaultStatus, Status: 503}, "HTTP 503"},
		{twiliotest.Fault{Kind: twiliotest.FaultRateLimit, RetryAfter: time.Minute}, "HTTP 429 (retry after 60)"},
		{twiliotest.Fault{Kind: twiliotest.FaultSlow, Delay: 5 * time.Second}, ReasonTimeout},
		{twiliotest.Fault{Kind: twiliotest.FaultHang}, ReasonTimeout},
		{twiliotest.Fault{Kind: twiliotest.FaultReset}, ReasonReset},
		{twiliotest.Fault{Kind: twiliotest.FaultGarbage}, ReasonBody},
		{twiliotest.Fault{Kind: twiliotest.FaultGarbage, Status: 401, Body: "<html>denied</html>"}, ReasonBody},
		{twiliotest.Fault{Kind: twiliotest.FaultStatus, Status: 404}, "HTTP 404, Twilio error 20404"},
	} {
		t.Run(tt.fault.String(), func(t *testing.T) {
			t.Parallel()
			w := newTwilioWorld(t, twiliotest.Options{})
			w.srv.Inject(tt.fault)
			// Short timeouts only where the fault is slowness: elsewhere a
			// busy machine must not turn an answer into a timeout.
			timeout := 10 * time.Second
			if tt.reason == ReasonTimeout {
				timeout = 300 * time.Millisecond
			}
			for _, f := range []vigil.Finding{tokenFinding(w.prod.SID, w.prod.AuthToken), keyFinding(w.standard, w.prod.SID), keyFinding(w.standard, "")} {
				v, _, _ := w.verifier(t, Options{Timeout: timeout})
				got := v.Verify(context.Background(), &f)
				if got.Status != vigil.Unknown || !strings.HasPrefix(got.Reason, tt.reason) {
					t.Errorf("%s: verdict %+v, want unknown (%s)", f.RuleID, got, tt.reason)
				}
			}
		})
	}
}

// TestTwilioRetryAfter: a 429 with a short Retry-After is retried once,
// after waiting that long.
func TestTwilioRetryAfter(t *testing.T) {
	w := newTwilioWorld(t, twiliotest.Options{})
	w.srv.Inject(twiliotest.Fault{Kind: twiliotest.FaultRateLimit, RetryAfter: 2 * time.Second, Times: 1})
	v, clk, _ := w.verifier(t, Options{})
	f := tokenFinding(w.prod.SID, w.prod.AuthToken)
	if got := v.Verify(context.Background(), &f); got.Status != vigil.Valid {
		t.Fatalf("verdict %+v", got)
	}
	if v.Requests() != 2 || clk.slept != 2*time.Second {
		t.Fatalf("%d requests, slept %s; want 2 and 2s", v.Requests(), clk.slept)
	}

	// Twice in a row: one retry only.
	w.srv.Inject(twiliotest.Fault{Kind: twiliotest.FaultRateLimit, RetryAfter: time.Second, Times: 2})
	v, _, _ = w.verifier(t, Options{})
	if got := v.Verify(context.Background(), &f); got.Status != vigil.Unknown || !strings.HasPrefix(got.Reason, "HTTP 429") {
		t.Fatalf("verdict %+v", got)
	}
	if v.Requests() != 2 {
		t.Fatalf("%d requests, want 2", v.Requests())
	}
}

func TestTwilioConnectionRefused(t *testing.T) {
	w := newTwilioWorld(t, twiliotest.Options{})
	url := w.srv.URL
	w.srv.Close()
	v, _, _ := newTestVerifier(t, Options{BaseURLs: map[string]string{"twilio": url}})
	f := tokenFinding(w.prod.SID, w.prod.AuthToken)
	if got := v.Verify(context.Background(), &f); got.Status != vigil.Unknown || got.Reason != ReasonRefused {
		t.Fatalf("verdict %+v", got)
	}
}
