package audit

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/vigilsec/vigil/internal/webhookprobe"
)

func TestProbeOutcomes(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Twilio-Signature") != "" || r.PostFormValue("AccountSid") != sid('a') {
			t.Errorf("the probe must be unsigned and carry the account: %v %v", r.Header, r.PostForm)
		}
		switch r.URL.Path {
		case "/validates":
			w.WriteHeader(http.StatusForbidden)
		case "/accepts":
			w.WriteHeader(http.StatusOK)
		case "/moved":
			http.Redirect(w, r, "https://user:hunter2@elsewhere.example/x", http.StatusFound)
		default:
			w.WriteHeader(http.StatusBadGateway)
		}
	}))
	defer srv.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String() + "/gone"
	ln.Close()
	urls := map[string]string{}
	for _, u := range []string{srv.URL + "/validates", srv.URL + "/accepts", srv.URL + "/moved", srv.URL + "/broken",
		closed, "https://handler.twilio.com/twiml/EH1", "ftp://files.example/x"} {
		urls[u] = sid('a')
	}
	got := Probe(context.Background(), nil, urls, 2)
	for _, tt := range []struct {
		url    string
		want   webhookprobe.Outcome
		detail string
	}{
		{srv.URL + "/validates", webhookprobe.Refused, "HTTP 403"},
		{srv.URL + "/accepts", webhookprobe.Accepted, "accepted without a signature"},
		{srv.URL + "/moved", webhookprobe.Inconclusive, "redirected to https://user:xxxxx@elsewhere.example/x"},
		{srv.URL + "/broken", webhookprobe.Inconclusive, "HTTP 502"},
		{closed, webhookprobe.Inconclusive, "no answer"},
		{"https://handler.twilio.com/twiml/EH1", webhookprobe.NotProbed, "hosted by Twilio"},
		{"ftp://files.example/x", webhookprobe.NotProbed, "not an HTTP URL"},
	} {
		r := got[tt.url]
		if r.Outcome != tt.want || !strings.Contains(r.Detail, tt.detail) {
			t.Errorf("%s: %v %q; want %v %q", tt.url, r.Outcome, r.Detail, tt.want, tt.detail)
		}
	}
}

// TestExceptions: attested key SIDs and countries excuse what they name,
// and the evidence says so.
func TestExceptions(t *testing.T) {
	a, err := ParseAttestations([]byte(`attestations:
  - {control: CRED-02, by: Al, date: 2026-03-01, evidence: e, value: [SK1]}
  - {control: FRAUD-01, by: Al, date: 2026-03-01, evidence: e, value: [gb]}
`), Builtin(), testNow)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{now: testNow, maxKeyAge: DefaultMaxKeyAge, attestMaxAge: DefaultAttestMaxAge, attest: a}
	s := &Snapshot{Account: Account{SID: sid('a'), OwnerSID: sid('a'), Status: "active"}}
	s.Keys.Value = []Key{{SID: "SK1", Created: testNow}, {SID: "SK2", Created: testNow, Restricted: true, Permissions: 2}}
	s.Countries.Value.Countries = []Country{{ISO: "GB", Name: "United Kingdom", HighRiskSpecial: true}, {ISO: "DE"}}
	cat := Builtin()
	for _, id := range []string{"CRED-02", "FRAUD-01"} {
		r := evaluate(cat.Lookup(id), s, e)
		if r.Status != Pass || r.Attestation == nil || len(r.Evidence) != 1 || !strings.Contains(r.Evidence[0].Note, "attest") {
			t.Errorf("%s: %s %q %+v", id, r.Status, r.Summary, r.Evidence)
		}
	}
	s.Keys.Value = append(s.Keys.Value, Key{SID: "SK3", Created: testNow})
	if r := evaluate(cat.Lookup("CRED-02"), s, e); r.Status != Fail || r.Evidence[0].Resource != "SK3" {
		t.Errorf("an unexcused key: %s %+v", r.Status, r.Evidence)
	}
}
