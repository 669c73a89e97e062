package webhook

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// FuzzValidator feeds arbitrary URLs, bodies, content types and signature
// headers to the Validator: it must never panic, must never accept a
// request whose signature was not made with its token, and a request signed
// with Sign must round-trip.
func FuzzValidator(f *testing.F) {
	f.Add("https://h.example/sms?x=1", []byte("Body=hi&From=%2B1"), "application/x-www-form-urlencoded", "")
	f.Add("http://h.example:80/v", []byte(`{"a":1}`), "application/json", "AAAAAAAAAAAAAAAAAAAAAAAAAAA=")
	f.Add("https://h.example/v?bodySHA256=00", []byte("x"), "application/json", "")
	f.Add("https://h.example/v?a=%zz&AccountSid=AC1", []byte("a=%zz;b"), "application/x-www-form-urlencoded; charset=x", "sig")
	f.Add("", []byte(nil), "", "")
	f.Add("https://h.example/g", []byte("Digits=5678&Digits=1234&Digits=1234"), "application/x-www-form-urlencoded", "")
	const token = "fuzz-token"
	v := &Validator{Keys: NewKeyring(token), MaxBody: 4096, MaxParams: 64}
	f.Fuzz(func(t *testing.T, publicURL string, body []byte, contentType, sig string) {
		mk := func(sig string) *http.Request {
			r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(string(body)))
			r.Header.Set("Content-Type", contentType)
			r.Header.Set(SignatureHeader, sig)
			return r
		}
		vv := *v
		vv.PublicURL = func(*http.Request) string { return publicURL }
		// An arbitrary signature passes only if it happens to be the right
		// one, which the fuzzer cannot find by chance.
		if _, err := vv.Check(mk(sig)); err == nil && !validUnder(token, publicURL, body, contentType, sig) {
			t.Fatalf("accepted a signature not made with the token")
		}
		// Round trip: sign what the validator will see.
		req, err := vv.Parse(mk("x"))
		if err != nil {
			return
		}
		if _, has, err := queryParam(publicURL, bodyHashParam); has || err != nil {
			return
		}
		if req.Form() == nil && len(body) > 0 {
			return
		}
		good := Sign(token, publicURL, req.Form())
		if _, err := vv.Check(mk(good)); err != nil {
			t.Fatalf("Sign→Check round trip failed: %v", err)
		}
	})
}

// validUnder recomputes, independently of Verify, whether sig is right:
// over a URL variant, followed by the form's parameters signed either way
// (every value, or each repeated value once) or by nothing.
func validUnder(token, publicURL string, body []byte, contentType, sig string) bool {
	var params url.Values
	if isForm(contentType) && len(body) > 0 {
		params, _ = url.ParseQuery(string(body))
	}
	for _, u := range URLVariants(publicURL) {
		for _, suffix := range []string{paramSuffix(params, false), paramSuffix(params, true), ""} {
			if signString(token, u, suffix) == sig {
				return true
			}
		}
	}
	return false
}

// FuzzParseForm checks the form parser against url.ParseQuery: the same
// errors, the same string to sign, the same AccountSid, and Form agrees.
func FuzzParseForm(f *testing.F) {
	for _, s := range []string{"a=1&b=2", "a=%zz", "a;b", "&&a", "=", "a+b=c+d&a=%41", "a=1&a=2", "%", "a=%2",
		"AccountSid=AC1&AccountSid=AC0", "b=2&a=%7e&a=%7E&c", "d=1&d=2&d=1", "d=1&d=1&e=&e"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		got, err := parseForm([]byte(q), len(q)+1)
		want, werr := url.ParseQuery(q)
		if (err == nil) != (werr == nil) {
			t.Fatalf("parseForm(%q) error %v, url.ParseQuery error %v", q, err, werr)
		}
		if err != nil {
			return
		}
		if s := paramSuffix(want, false); string(got.suffix) != s {
			t.Fatalf("parseForm(%q) suffix %q, want %q", q, got.suffix, s)
		}
		distinct := paramSuffix(want, true)
		if got.distinct == nil && distinct != string(got.suffix) || got.distinct != nil && string(got.distinct) != distinct {
			t.Fatalf("parseForm(%q) distinct suffix %q, want %q", q, got.distinct, distinct)
		}
		if got.accountSid != want.Get("AccountSid") {
			t.Fatalf("parseForm(%q) AccountSid %q, want %q", q, got.accountSid, want.Get("AccountSid"))
		}
		req := &Request{Body: []byte(q), form: got, isForm: true}
		if req.Form().Encode() != want.Encode() {
			t.Fatalf("Form() of %q = %v, want %v", q, req.Form(), want)
		}
	})
}
