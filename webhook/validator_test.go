package webhook

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

func TestValidatorCheck(t *testing.T) {
	tok, old, sub := newToken(t), newToken(t), newToken(t)
	subSid, mainSid := newSid(t), newSid(t)
	keys := NewKeyring(tok, old).WithAccount(subSid, sub)
	const u = "https://hooks.example.com/sms?x=1"
	form := url.Values{"Body": {"hello wörld & more"}, "From": {"+15005550006"}, "AccountSid": {mainSid}}
	subForm := url.Values{"Body": {"hi"}, "AccountSid": {subSid}}
	jsonBody := `{"a":1}`
	jsonURL, jsonSig := SignJSON(tok, u, []byte(jsonBody))

	tests := []struct {
		name      string
		req       func() *http.Request
		wantErr   error
		wantToken int
	}{
		{"form POST", func() *http.Request { return formRequest(tok, u, form) }, nil, 0},
		{"outgoing token", func() *http.Request { return formRequest(old, u, form) }, nil, 1},
		{"outgoing token, signed with the default port", func() *http.Request {
			r := formRequest(old, "https://hooks.example.com:443/sms?x=1", form)
			return r
		}, nil, 1},
		{"subaccount token", func() *http.Request { return formRequest(sub, u, subForm) }, nil, 0},
		{"parent token for subaccount", func() *http.Request { return formRequest(tok, u, subForm) }, ErrSignature, 0},
		{"subaccount token for parent", func() *http.Request { return formRequest(sub, u, form) }, ErrSignature, 0},
		{"unknown token", func() *http.Request { return formRequest(newToken(t), u, form) }, ErrSignature, 0},
		{"charset in content type", func() *http.Request {
			r := formRequest(tok, u, form)
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
			return r
		}, nil, 0},
		{"GET with params in URL", func() *http.Request {
			g := u + "&CallSid=CAxxxx&AccountSid=" + subSid
			r := httptest.NewRequest(http.MethodGet, g, nil)
			r.Header.Set(SignatureHeader, Sign(sub, g, nil))
			return r
		}, nil, 0},
		{"GET signed with params appended", func() *http.Request {
			r := httptest.NewRequest(http.MethodGet, u, nil)
			r.Header.Set(SignatureHeader, Sign(tok, u, url.Values{"x": {"1"}}))
			return r
		}, ErrSignature, 0},
		{"JSON body", func() *http.Request { return jsonRequest(jsonURL, jsonBody, jsonSig) }, nil, 0},
		{"JSON body changed", func() *http.Request { return jsonRequest(jsonURL, `{"a":2}`, jsonSig) }, ErrBodyHash, 0},
		{"JSON without bodySHA256", func() *http.Request { return jsonRequest(u, jsonBody, Sign(tok, u, nil)) }, ErrUnsignedBody, 0},
		{"JSON with two bodySHA256", func() *http.Request {
			d := jsonURL + "&bodySHA256=" + BodySHA256([]byte(jsonBody))
			return jsonRequest(d, jsonBody, Sign(tok, d, nil))
		}, ErrMalformed, 0},
		{"form body sent as text/plain", func() *http.Request {
			r := formRequest(tok, u, form)
			r.Header.Set("Content-Type", "text/plain")
			return r
		}, ErrUnsignedBody, 0},
		{"missing header", func() *http.Request { return formRequest("", u, form) }, ErrMissingSignature, 0},
		{"duplicate header", func() *http.Request {
			r := formRequest(tok, u, form)
			r.Header.Add(SignatureHeader, r.Header.Get(SignatureHeader))
			return r
		}, ErrDuplicateSignature, 0},
		{"empty header", func() *http.Request {
			r := formRequest(tok, u, form)
			r.Header.Set(SignatureHeader, "")
			return r
		}, ErrSignature, 0},
		{"garbage header", func() *http.Request {
			r := formRequest(tok, u, form)
			r.Header.Set(SignatureHeader, strings.Repeat("\x00é", 14))
			return r
		}, ErrSignature, 0},
		{"invalid percent-encoding", func() *http.Request { return rawForm(tok, u, "Body=%zz&From=1") }, ErrMalformed, 0},
		{"semicolon separator", func() *http.Request { return rawForm(tok, u, "Body=a;From=1") }, ErrMalformed, 0},
		{"enormous parameter count", func() *http.Request { return rawForm(tok, u, strings.Repeat("a=1&", 5000)) }, ErrMalformed, 0},
		{"body too large", func() *http.Request { return rawForm(tok, u, "Body="+strings.Repeat("x", DefaultMaxBody)) }, ErrBodyTooLarge, 0},
		{"body too large, no length", func() *http.Request {
			r := rawForm(tok, u, "Body="+strings.Repeat("x", DefaultMaxBody))
			r.ContentLength = -1
			return r
		}, ErrBodyTooLarge, 0},
	}
	v := &Validator{Keys: keys, PublicURL: func(*http.Request) string { return u }}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.req()
			pub := u
			if r.Method == http.MethodGet || r.Header.Get("Content-Type") == "application/json" {
				pub = "https://hooks.example.com" + r.URL.RequestURI()
			}
			v := *v
			v.PublicURL = func(*http.Request) string { return pub }
			m, err := v.Check(r)
			if !errors.Is(err, tc.wantErr) || (tc.wantErr == nil) != (err == nil) {
				t.Fatalf("Check error = %v, want %v", err, tc.wantErr)
			}
			if err == nil && m.Token != tc.wantToken {
				t.Errorf("matched token %d, want %d", m.Token, tc.wantToken)
			}
		})
	}
}

func jsonRequest(u, body, sig string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, u, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set(SignatureHeader, sig)
	return r
}

// rawForm builds a form POST with a body as given, signed over the URL.
func rawForm(tok, u, body string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, u, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set(SignatureHeader, Sign(tok, u, nil))
	return r
}

func TestCheckKeepsBodyReadable(t *testing.T) {
	tok := newToken(t)
	const u = "https://hooks.example.com/sms"
	form := url.Values{"Body": {"hello"}, "From": {"+15005550006"}}
	r := formRequest(tok, u, form)
	v := &Validator{Keys: NewKeyring(tok), PublicURL: func(*http.Request) string { return u }}
	if _, err := v.Check(r); err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(r.Body)
	if err != nil || string(b) != form.Encode() {
		t.Fatalf("body after Check = %q, %v; want %q", b, err, form.Encode())
	}
	if r.ContentLength != int64(len(b)) {
		t.Errorf("ContentLength = %d, want %d", r.ContentLength, len(b))
	}
}

func TestLiveKeyringSwap(t *testing.T) {
	a, b := newToken(t), newToken(t)
	live := NewLiveKeyring(NewKeyring(a))
	const u = "https://hooks.example.com/voice"
	v := &Validator{Keys: live, PublicURL: func(*http.Request) string { return u }}
	form := url.Values{"CallSid": {"CAxxxx"}}
	if _, err := v.Check(formRequest(a, u, form)); err != nil {
		t.Fatalf("before swap: %v", err)
	}
	live.Store(NewKeyring(b))
	if _, err := v.Check(formRequest(a, u, form)); !errors.Is(err, ErrSignature) {
		t.Fatalf("old token after swap: %v, want ErrSignature", err)
	}
	if _, err := v.Check(formRequest(b, u, form)); err != nil {
		t.Fatalf("new token after swap: %v", err)
	}
	for _, keys := range []TokenSource{nil, &LiveKeyring{}, NewKeyring()} {
		v := &Validator{Keys: keys, PublicURL: v.PublicURL}
		if _, err := v.Check(formRequest(b, u, form)); !errors.Is(err, ErrNoToken) {
			t.Errorf("keys %T without tokens: %v, want ErrNoToken", keys, err)
		}
	}
}

func TestRequestURL(t *testing.T) {
	r := httptest.NewRequest(http.MethodPost, "http://h.example:8080/a%2Fb?x=%27", nil)
	r.RequestURI = "/a%2Fb?x=%27"
	if got, want := RequestURL(r), "http://h.example:8080/a%2Fb?x=%27"; got != want {
		t.Errorf("RequestURL = %q, want %q", got, want)
	}
	r = httptest.NewRequest(http.MethodPost, "https://h.example/p?q", nil)
	r.RequestURI = ""
	if got, want := RequestURL(r), "https://h.example/p?q"; got != want {
		t.Errorf("RequestURL without RequestURI = %q, want %q", got, want)
	}
}

func TestStatusAndReason(t *testing.T) {
	tests := []struct {
		err    error
		status int
		reason string
	}{
		{nil, 200, "ok"},
		{ErrMissingSignature, 400, "missing_signature"},
		{ErrDuplicateSignature, 400, "duplicate_signature"},
		{ErrMalformed, 400, "malformed"},
		{ErrUnsignedBody, 400, "unsigned_body"},
		{ErrBodyTooLarge, 413, "body_too_large"},
		{ErrBodyHash, 403, "body_hash"},
		{ErrSignature, 403, "bad_signature"},
		{ErrNoToken, 500, "no_token"},
		{errors.New("other"), 400, "error"},
	}
	for _, tc := range tests {
		if s, r := StatusCode(tc.err), Reason(tc.err); s != tc.status || r != tc.reason {
			t.Errorf("%v: status %d reason %q, want %d %q", tc.err, s, r, tc.status, tc.reason)
		}
	}
}
