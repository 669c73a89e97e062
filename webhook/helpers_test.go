package webhook

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// newToken makes an Auth-Token-shaped value at test time, so that no
// realistic secret is committed.
func newToken(t testing.TB) string {
	t.Helper()
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// newSid makes an Account-SID-shaped value at test time.
func newSid(t testing.TB) string { return "AC" + newToken(t) }

// formRequest builds a signed form POST to publicURL as the server sees it.
func formRequest(token, publicURL string, form url.Values) *http.Request {
	r := httptest.NewRequest(http.MethodPost, publicURL, strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if token != "" {
		r.Header.Set(SignatureHeader, Sign(token, publicURL, form))
	}
	return r
}
