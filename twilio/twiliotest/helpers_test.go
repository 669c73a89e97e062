package twiliotest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/vigilsec/vigil/twilio/twiliotest"
)

// cred is a Basic-auth pair ("" user: none).
type cred struct{ user, pass string }

// answer is a decoded response.
type answer struct {
	status int
	code   int
	body   map[string]any
	header http.Header
}

// call sends one request to the emulator with a Twilio Host header.
func call(t *testing.T, srv *twiliotest.Server, method, host, path string, c cred, form url.Values) answer {
	t.Helper()
	return callFrom(t, srv, "", method, host, path, c, form)
}

// callFrom is call from a client address given by X-Forwarded-For.
func callFrom(t *testing.T, srv *twiliotest.Server, ip, method, host, path string, c cred, form url.Values) answer {
	t.Helper()
	var body io.Reader
	target := srv.URL + path
	if method == "GET" || method == "DELETE" {
		if len(form) > 0 {
			target += "?" + form.Encode()
		}
	} else {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, target, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = host
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if c.user != "" {
		req.SetBasicAuth(c.user, c.pass)
	}
	if ip != "" {
		req.Header.Set("X-Forwarded-For", ip)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	a := answer{status: resp.StatusCode, header: resp.Header}
	if len(raw) > 0 && strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(raw, &a.body); err != nil {
			t.Fatalf("%s %s: body is not JSON: %v: %s", method, path, err, raw)
		}
		if c, ok := a.body["code"].(float64); ok {
			a.code = int(c)
		}
	}
	return a
}

func token(a twiliotest.AccountInfo) cred { return cred{a.SID, a.AuthToken.Reveal()} }

func keyCred(k twiliotest.KeyInfo) cred { return cred{k.SID, k.Secret.Reveal()} }

func equalJSON(a, b map[string]any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}
