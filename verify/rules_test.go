package verify

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/rules"
)

// TestEveryRuleVerifierExists ties the rules to the table: a rule that
// names a verifier the table does not have would promise verification in
// every report ("verifier": "okta") and never do it.
func TestEveryRuleVerifierExists(t *testing.T) {
	set, err := rules.Default()
	if err != nil {
		t.Fatal(err)
	}
	named := 0
	for _, r := range set.Rules() {
		if r.Verify == "" {
			continue
		}
		named++
		if _, ok := Lookup(r.Verify); !ok {
			t.Errorf("rule %s names verifier %q, which does not exist", r.ID, r.Verify)
		}
	}
	if named < 80 {
		t.Errorf("only %d rules name a verifier", named)
	}
}

// TestRulePartsReachVerifiers checks that rules whose verifier needs a
// part pair with the rule that finds it, under the name the verifier reads.
func TestRulePartsReachVerifiers(t *testing.T) {
	needs := map[string]string{"razorpay": "key_id", "scaleway": "access_key"}
	set, err := rules.Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range set.Rules() {
		part, ok := needs[r.Verify]
		if !ok {
			continue
		}
		found := false
		for _, p := range r.Pair {
			found = found || p.Part == part
		}
		if !found {
			t.Errorf("rule %s: verifier %s needs part %q, which the rule does not pair", r.ID, r.Verify, part)
		}
	}
}

// TestSecondRegion: a key of the other region or environment is live; a
// key both refuse is invalid.
func TestSecondRegion(t *testing.T) {
	for _, tt := range []struct {
		verifier, liveHost, fact, want string
	}{
		{"honeycomb", "api.eu1.honeycomb.io", "team", "Acme"},
		{"adyen", "management-test.adyen.com", "environment", "test"},
	} {
		t.Run(tt.verifier, func(t *testing.T) {
			fx := fixtures()[tt.verifier]
			var hosts []string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				hosts = append(hosts, r.Host)
				if r.Host == tt.liveHost {
					_, _ = io.WriteString(w, fx.valid)
					return
				}
				w.WriteHeader(401)
				_, _ = io.WriteString(w, fx.invalid)
			}))
			defer srv.Close()
			v, _, _ := newTestVerifier(t, Options{BaseURLs: map[string]string{tt.verifier: srv.URL}})
			f := fx.finding(tt.verifier, fx.secret())
			got := v.Verify(context.Background(), &f)
			if got.Status != vigil.Valid || got.Facts[tt.fact] != tt.want {
				t.Fatalf("verdict %+v after asking %s", got, strings.Join(hosts, ", "))
			}
			if len(hosts) != 2 || hosts[1] != tt.liveHost {
				t.Errorf("asked %q", hosts)
			}
		})
	}
}
