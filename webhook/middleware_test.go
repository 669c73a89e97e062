package webhook

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// TestMiddleware drives a real loopback server, so the URL, ports and body
// handling are those of net/http.
func TestMiddleware(t *testing.T) {
	tok := newToken(t)
	var got url.Values
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			t.Errorf("next handler: ParseForm: %v", err)
		}
		got = r.PostForm
		io.WriteString(w, "<Response/>")
	})
	var logs bytes.Buffer
	v := &Validator{Keys: NewKeyring(tok), Logger: slog.New(slog.NewJSONHandler(&logs, nil))}
	srv := httptest.NewServer(Middleware(next, v))
	defer srv.Close()
	form := url.Values{"Body": {"hi there"}, "From": {"+15005550006"}}
	u := srv.URL + "/sms?x=1"
	// The test server listens on 127.0.0.1:port; a signature over the
	// default-port variant must not pass for it, the exact one must.
	tests := []struct {
		name   string
		sig    []string
		body   string
		status int
	}{
		{"valid", []string{Sign(tok, u, form)}, form.Encode(), 200},
		{"missing", nil, form.Encode(), 400},
		{"duplicate", []string{Sign(tok, u, form), Sign(tok, u, form)}, form.Encode(), 400},
		{"wrong", []string{Sign(newToken(t), u, form)}, form.Encode(), 403},
		{"garbage", []string{"%%%"}, form.Encode(), 403},
		{"body tampered", []string{Sign(tok, u, form)}, form.Encode() + "&Extra=1", 403},
		{"bad percent-encoding", []string{Sign(tok, u, nil)}, "Body=%G0", 400},
		{"too large", []string{Sign(tok, u, nil)}, "Body=" + strings.Repeat("x", DefaultMaxBody), 413},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got = nil
			req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(tc.body))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			for _, s := range tc.sig {
				req.Header.Add(SignatureHeader, s)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d (%s), want %d", resp.StatusCode, b, tc.status)
			}
			if tc.status == 200 && got.Encode() != form.Encode() {
				t.Errorf("next handler saw form %v, want %v", got, form)
			}
			if tc.status != 200 && got != nil {
				t.Errorf("next handler ran for a refused request")
			}
		})
	}
	if strings.Contains(logs.String(), tok) || strings.Contains(logs.String(), "hi there") {
		t.Errorf("logs hold the token or the body: %s", logs.String())
	}
	if !strings.Contains(logs.String(), `"reason":"bad_signature"`) {
		t.Errorf("logs lack the refusal reason: %s", logs.String())
	}
}
