package verify

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/vigilsec/vigil"
)

// answerTransport answers every request with one status and body,
// without a network.
type answerTransport struct {
	status int
	body   []byte
}

func (t answerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: t.status, Header: http.Header{}, Body: io.NopCloser(bytes.NewReader(t.body)), Request: r}, nil
}

// FuzzAnswers gives every verifier arbitrary answers: it must not panic,
// must never call a failure or a rate limit Invalid or Valid, and must
// never put the secret in a fact, whatever the body echoes.
func FuzzAnswers(f *testing.F) {
	fx := fixtures()
	fx["twilio"] = fixture{secret: func() string { return randHex(32) }, parts: []string{"account_sid", "AC" + randHex(32)}}
	for _, seed := range []struct {
		status int
		body   string
	}{
		{200, `{"login":"SECRET","data":[],"ok":true,"valid":true,"result":{"status":"active"}}`},
		{401, `{"code":20003,"message":"Authenticate"}`},
		{403, `{"code":70051}`}, {403, `{"error":"insufficient_scope"}`}, {400, `{"error":"invalid_grant"}`},
		{429, `{}`}, {503, `<html>`}, {200, `[{"id":"1"}]`}, {200, `{"sid":"SECRET","events":[{"account_sid":"SECRET"}]}`},
		{403, `<ErrorResponse><Error><Code>InvalidClientTokenId</Code></Error></ErrorResponse>`},
		{200, `<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>SECRET</Arn></GetCallerIdentityResult></GetCallerIdentityResponse>`},
	} {
		f.Add(seed.status, []byte(seed.body))
	}
	type cred struct {
		f      vigil.Finding
		secret string
	}
	var creds []cred
	for name, x := range fx {
		s := x.validSecret
		if s == "" {
			s = x.secret()
		}
		creds = append(creds, cred{x.finding(name, s), s})
	}
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		if status < 100 || status > 599 {
			return
		}
		for _, c := range creds {
			b := bytes.ReplaceAll(body, []byte("SECRET"), []byte(c.secret))
			v, _, _ := newTestVerifier(t, Options{Transport: answerTransport{status, b}})
			got := v.Verify(context.Background(), &c.f)
			failure := status == 429 || status >= 500 || (status >= 300 && status < 400)
			if failure && (got.Status == vigil.Invalid || got.Status == vigil.Valid) {
				t.Fatalf("%s: HTTP %d gave %+v", c.f.Verifier, status, got)
			}
			for k, fv := range got.Facts {
				if strings.Contains(fv, c.secret) {
					t.Fatalf("%s: fact %s holds the secret", c.f.Verifier, k)
				}
			}
		}
	})
}

// FuzzServiceAccount: any secret given to the GCP verifier parses or is
// refused without panicking.
func FuzzServiceAccount(f *testing.F) {
	f.Add(`{"type":"service_account","client_email":"a@b","private_key":"-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n"}`)
	f.Add("-----BEGIN RSA PRIVATE KEY-----\n-----END RSA PRIVATE KEY-----")
	f.Add("{")
	f.Fuzz(func(t *testing.T, s string) {
		_, _, _ = parseServiceAccount(Credential{Secret: vigil.NewSecret(s), Parts: map[string]vigil.Secret{"client_email": vigil.NewSecret("a@b")}})
	})
}

func FuzzRetryAfter(f *testing.F) {
	for _, s := range []string{"0", "120", "-1", "Wed, 21 Oct 2015 07:28:00 GMT", "soon", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if d, ok := retryAfter(s, newFakeClock().Now()); ok && d < 0 {
			t.Fatalf("%q: negative wait %s", s, d)
		}
	})
}
