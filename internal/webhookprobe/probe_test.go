package webhookprobe

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

func TestClassify(t *testing.T) {
	for _, tc := range []struct {
		status int
		want   Outcome
	}{
		{200, Accepted}, {201, Accepted}, {204, Accepted}, {299, Accepted},
		{400, Refused}, {401, Refused}, {403, Refused}, {404, Refused}, {405, Refused}, {413, Refused}, {429, Refused}, {499, Refused},
		{301, Inconclusive}, {302, Inconclusive}, {304, Inconclusive}, {307, Inconclusive},
		{500, Inconclusive}, {502, Inconclusive}, {503, Inconclusive}, {504, Inconclusive},
		{100, Inconclusive}, {0, Inconclusive}, {199, Inconclusive}, {600, Inconclusive}, {999, Inconclusive},
	} {
		if got := Classify(tc.status); got != tc.want {
			t.Errorf("Classify(%d) = %v, want %v", tc.status, got, tc.want)
		}
	}
}

func TestFailed(t *testing.T) {
	for _, tc := range []struct {
		outcome         Outcome
		forged, genuine bool // Failed(false), Failed(true)
	}{
		{Accepted, true, false},
		{Refused, false, true},
		{Inconclusive, false, true},
		{NotProbed, false, true},
	} {
		r := Result{Outcome: tc.outcome}
		if r.Failed(false) != tc.forged || r.Failed(true) != tc.genuine {
			t.Errorf("%v: Failed(forged) %v, Failed(genuine) %v; want %v, %v", tc.outcome, r.Failed(false), r.Failed(true), tc.forged, tc.genuine)
		}
	}
}

func TestEligible(t *testing.T) {
	for _, tc := range []struct {
		url string
		ok  bool
		why string
	}{
		{"https://hooks.example.com/sms", true, ""},
		{"http://10.0.0.1:8080/x", true, ""},
		{"https://handler.twilio.com/twiml/EH1", false, "hosted by Twilio"},
		{"https://TWILIO.COM/x", false, "hosted by Twilio"},
		{"https://nottwilio.com/x", true, ""},
		{"ftp://files.example/x", false, "not an HTTP URL"},
		{"/relative", false, "not an HTTP URL"},
		{"https://", false, "not an HTTP URL"},
		{"http://[::1", false, "not an HTTP URL"},
	} {
		ok, why := Eligible(tc.url)
		if ok != tc.ok || !strings.Contains(why, tc.why) {
			t.Errorf("Eligible(%q) = %v %q, want %v %q", tc.url, ok, why, tc.ok, tc.why)
		}
	}
}

func TestSend(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/moved":
			http.Redirect(w, r, "https://user:hunter2@elsewhere.example/x", http.StatusFound)
		case r.URL.Path == "/bad-location":
			w.Header().Set("Location", "https://user:hunter2@[bad/x")
			w.WriteHeader(http.StatusFound)
		default:
			code, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/"))
			w.WriteHeader(code)
			w.Write([]byte(strings.Repeat("x", 1<<20))) // more than Send reads
		}
	}))
	defer srv.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String() + "/gone"
	ln.Close()
	for _, tc := range []struct {
		url, sig string
		want     Outcome
		status   int
		detail   string
	}{
		{srv.URL + "/403", "", Refused, 403, "HTTP 403"},
		{srv.URL + "/200", "", Accepted, 200, "HTTP 200: accepted without a signature"},
		{srv.URL + "/200", "forged", Accepted, 200, "HTTP 200"},
		{srv.URL + "/502", "", Inconclusive, 502, "HTTP 502"},
		{srv.URL + "/moved", "", Inconclusive, 302, "HTTP 302: redirected to https://user:xxxxx@elsewhere.example/x"},
		{srv.URL + "/bad-location", "", Inconclusive, 302, "redirected to an unparsable URL"},
		{closed, "", Inconclusive, 0, "no answer: "},
	} {
		req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, tc.url, strings.NewReader("a=1"))
		if tc.sig != "" {
			req.Header.Set("X-Twilio-Signature", tc.sig)
		}
		r := Send(nil, req)
		if r.Outcome != tc.want || r.Status != tc.status || !strings.Contains(r.Detail, tc.detail) || (r.Err != nil) != (tc.status == 0) {
			t.Errorf("%s: %v %d %q %v; want %v %d %q", tc.url, r.Outcome, r.Status, r.Detail, r.Err, tc.want, tc.status, tc.detail)
		}
		if strings.Contains(r.Detail, "hunter2") || strings.Contains(r.Detail, closed) {
			t.Errorf("%s: detail holds a password or the URL: %q", tc.url, r.Detail)
		}
		if tc.sig == "" && strings.HasSuffix(r.Detail, "signature") != (tc.want == Accepted) {
			t.Errorf("%s: %q", tc.url, r.Detail)
		}
	}
}
