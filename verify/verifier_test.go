package verify

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/twilio/twiliotest"
)

// TestSigV4Vectors checks the signer against AWS's published SigV4 test
// suite (get-vanilla, post-x-www-form-urlencoded). The example secret is
// assembled so the repository holds no key-shaped string.
func TestSigV4Vectors(t *testing.T) {
	s := sigv4{KeyID: "AKID" + "EXAMPLE", Region: "us-east-1", Service: "service"}
	s.Secret = strings.Join([]string{"wJalrXUtnFEMI", "K7MDENG+bPxRfiCY" + "EXAMPLE" + "KEY"}, "/")
	at := time.Date(2015, 8, 30, 12, 36, 0, 0, time.UTC)
	for _, tt := range []struct {
		name, method string
		header       http.Header
		body         string
		want         string
	}{
		{"get-vanilla", "GET", http.Header{}, "",
			"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
		{"post-x-www-form-urlencoded", "POST", http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}, "Param1=value1",
			"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"},
	} {
		s.Sign(tt.header, tt.method, "example.amazonaws.com", "/", "", []byte(tt.body), at)
		if got := tt.header.Get("Authorization"); got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.name, got, tt.want)
		}
	}
}

// TestLimiter: over any interval T, at most burst + rate·T requests
// start for one host; other hosts have their own buckets.
func TestLimiter(t *testing.T) {
	for _, tt := range []struct {
		rate  float64
		burst int
	}{{10, 1}, {10, 5}, {0.5, 1}, {100, 20}} {
		clk := newFakeClock()
		l := newLimiter(tt.rate, tt.burst, clk)
		start := clk.Now()
		var starts []time.Time
		for range 200 {
			if err := l.wait(context.Background(), "api.twilio.com"); err != nil {
				t.Fatal(err)
			}
			starts = append(starts, clk.Now())
		}
		window := time.Second
		limit := tt.burst + int(tt.rate*window.Seconds())
		if got := maxInWindow(starts, window); got > limit {
			t.Errorf("rate %v burst %d: %d requests in one second, limit %d", tt.rate, tt.burst, got, limit)
		}
		want := time.Duration(float64(200-tt.burst) / tt.rate * float64(time.Second))
		if took := clk.Now().Sub(start); took < want-time.Millisecond {
			t.Errorf("rate %v burst %d: 200 requests in %s, want at least %s", tt.rate, tt.burst, took, want)
		}
		before := clk.Now()
		if err := l.wait(context.Background(), "api.github.com"); err != nil || clk.Now() != before {
			t.Errorf("another host waited")
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := newLimiter(1, 1, newFakeClock()).wait(ctx, "h"); err == nil {
		t.Error("canceled wait succeeded")
	}
}

// maxInWindow is the largest number of times in any half-open window of
// the given length.
func maxInWindow(ts []time.Time, w time.Duration) int {
	best, j := 0, 0
	for i := range ts {
		for ts[i].Sub(ts[j]) >= w {
			j++
		}
		best = max(best, i-j+1)
	}
	return best
}

// manyTwilioCredentials adds n accounts and returns n findings each, one
// per account, spread across files as a scan would report them.
func manyTwilioCredentials(t testing.TB, srv *twiliotest.Server, accounts, copies int) []vigil.Finding {
	t.Helper()
	var fs []vigil.Finding
	for i := range accounts {
		a := srv.AddAccount(twiliotest.AccountSeed{FriendlyName: fmt.Sprintf("acct-%d", i)})
		for c := range copies {
			f := tokenFinding(a.SID, a.AuthToken)
			f.Origin = vigil.Origin{Path: fmt.Sprintf("svc%d/config.env", c), Line: 2}
			fs = append(fs, f)
		}
	}
	return fs
}

// TestDedup: 10,000 findings of 500 distinct credentials make 500
// requests, counted on the emulator's side.
func TestDedup(t *testing.T) {
	srv := twiliotest.NewServer(t, twiliotest.Options{})
	fs := manyTwilioCredentials(t, srv, 500, 20)
	v, _, _ := newTestVerifier(t, Options{Concurrency: 16, BaseURLs: map[string]string{"twilio": srv.URL}})
	st, err := v.VerifyAll(context.Background(), fs)
	if err != nil {
		t.Fatal(err)
	}
	served := srv.RequestCount(nil)
	t.Logf("%d findings, %d credentials: %d requests sent, %d served", len(fs), st.Credentials, st.Requests, served)
	if st.Credentials != 500 || st.Requests != 500 || served != 500 || st.Valid != 10000 {
		t.Fatalf("stats %+v, served %d", st, served)
	}
}

// TestRateOnEmulator: verifying 500 distinct Twilio credentials at 50
// requests a second never puts more than 50 requests in any second, as
// the emulator's own clock records them. The fake clock moves only when
// the verifier waits, so the emulator sees exactly the paced schedule.
func TestRateOnEmulator(t *testing.T) {
	clk := newFakeClock()
	srv := twiliotest.NewServer(t, twiliotest.Options{Clock: clk.Now})
	fs := manyTwilioCredentials(t, srv, 500, 1)
	srv.ResetRequests()
	opts := Options{Rate: 50, Burst: 1, Concurrency: 1, BaseURLs: map[string]string{"twilio": srv.URL}, clock: clk}
	v, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	st, err := v.VerifyAll(context.Background(), fs)
	if err != nil || st.Valid != 500 {
		t.Fatalf("stats %+v, %v", st, err)
	}
	var at []time.Time
	for _, r := range srv.Requests() {
		at = append(at, r.Time)
	}
	peak := maxInWindow(at, time.Second)
	t.Logf("500 credentials, %d requests over %s of emulator time; at most %d in any second", len(at), at[len(at)-1].Sub(at[0]), peak)
	if len(at) != 500 || peak > 50 {
		t.Fatalf("%d requests, peak %d a second", len(at), peak)
	}
}

// TestVerifyAllCanceled: a canceled run marks what it did not verify as
// Unknown (canceled) and says so.
func TestVerifyAllCanceled(t *testing.T) {
	srv := twiliotest.NewServer(t, twiliotest.Options{})
	fs := manyTwilioCredentials(t, srv, 5, 2)
	fs = append(fs, finding("no-such-verifier", "custom", "x"))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	v, _, _ := newTestVerifier(t, Options{BaseURLs: map[string]string{"twilio": srv.URL}})
	st, err := v.VerifyAll(ctx, fs)
	if err == nil || st.Unknown != 10 || st.NotVerified != 1 {
		t.Fatalf("stats %+v, %v", st, err)
	}
	if fs[0].Verdict.Reason != ReasonCanceled {
		t.Fatalf("verdict %+v", fs[0].Verdict)
	}
}

func TestNewRejectsBadOptions(t *testing.T) {
	for _, m := range []map[string]string{{"twilio": "ftp://x"}, {"twilio": "http://h?q=1"}, {"nope": "http://127.0.0.1:1"},
		{"twilio": "http://user:pw@127.0.0.1:1"}, {"*": "http://gateway.example"}, {"github": "http://127.0.0.1.evil.example"}} {
		if _, err := New(Options{BaseURLs: m}); err == nil {
			t.Errorf("%v accepted", m)
		}
	}
	dup := twilioProvider()
	if _, err := New(Options{Providers: []Provider{dup, dup}}); err == nil {
		t.Error("duplicate verifier accepted")
	}
}

// TestRedirectToAnotherHostNotFollowed: a base URL that answers with a
// redirect to another host does not get the credential sent on.
func TestRedirectToAnotherHostNotFollowed(t *testing.T) {
	var elsewhere atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { elsewhere.Add(1) }))
	defer other.Close()
	for _, code := range []int{301, 302, 303, 307, 308} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, other.URL+r.URL.Path, code)
		}))
		v, _, _ := newTestVerifier(t, Options{BaseURLs: map[string]string{"*": srv.URL}})
		fs := []vigil.Finding{tokenFinding("AC"+randHex(32), vigil.NewSecret(randHex(32))), finding("github", "github-pat", "ghp_"+randAlnum(36))}
		if _, err := v.VerifyAll(context.Background(), fs); err != nil {
			t.Fatal(err)
		}
		for _, f := range fs {
			if f.Verdict.Status != vigil.Unknown {
				t.Errorf("HTTP %d: %s verdict %+v, want unknown", code, f.RuleID, f.Verdict)
			}
		}
		srv.Close()
	}
	if n := elsewhere.Load(); n != 0 {
		t.Errorf("the other host got %d requests", n)
	}
}
