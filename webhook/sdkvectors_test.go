package webhook

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/vigilsec/vigil/internal/webhookvectors"
)

// sdkSignature is the X-Twilio-Signature of v, and whether the request
// carries one: the table's, or, when the SDK's test signs a URL itself,
// Sign's over that URL.
func sdkSignature(v webhookvectors.Vector) (string, bool) {
	if v.SignedURL != "" {
		return Sign(v.Token, v.SignedURL, v.Params()), true
	}
	if v.Signature == nil {
		return "", false
	}
	return *v.Signature, true
}

// TestSDKVectors holds the package to every assertion of the official
// SDKs' request-validator tests: Sign where the SDK's signing function is
// asserted, Validate or ValidateJSON, and the Validator on the request as
// a server receives it.
func TestSDKVectors(t *testing.T) {
	vectors, hashes, err := webhookvectors.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vectors {
		t.Run(v.Name(), func(t *testing.T) {
			sig, signed := sdkSignature(v)
			params := v.Params()
			if v.Computed {
				if got := Sign(v.Token, v.URL, params); got != sig {
					t.Errorf("Sign = %s, the SDK signs %s", got, sig)
				}
			}
			var ok bool
			if v.JSON != nil {
				ok = ValidateJSON(v.Token, v.URL, []byte(*v.JSON), sig)
			} else {
				ok = Validate(v.Token, v.URL, params, sig)
			}
			if ok != v.Valid {
				t.Errorf("Validate = %v, the SDK says %v", ok, v.Valid)
			}
			body, ctype := v.Body()
			r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
			if ctype != "" {
				r.Header.Set("Content-Type", ctype)
			}
			if signed {
				r.Header.Set(SignatureHeader, sig)
			}
			val := &Validator{Keys: NewKeyring(v.Token), PublicURL: func(*http.Request) string { return v.URL }}
			if _, err := val.Check(r); (err == nil) != v.Valid {
				t.Errorf("Validator.Check: %v, the SDK says valid=%v", err, v.Valid)
			}
		})
	}
	for _, h := range hashes {
		if got := BodySHA256([]byte(h.JSON)) == h.SHA256; got != h.Valid {
			t.Errorf("%s: %s: BodySHA256 matches %q: %v, want %v", h.SDK, h.Test, h.SHA256, got, h.Valid)
		}
	}
}

// TestRepeatedValuesEitherWay: a form whose name repeats a value verifies
// whether the signature covers the value once per occurrence or once (as
// the Python and Node SDKs sign), and under no other suffix.
func TestRepeatedValuesEitherWay(t *testing.T) {
	tok := newToken(t)
	const u = "https://hooks.example.com/gather"
	form := url.Values{"Digits": {"5678", "1234", "1234"}, "CallSid": {"CAxxxx"}}
	every := signString(tok, u, "CallSidCAxxxxDigits1234Digits1234Digits5678")
	once := signString(tok, u, "CallSidCAxxxxDigits1234Digits5678")
	if Sign(tok, u, form) != once {
		t.Errorf("Sign does not sign a repeated value once, as the SDKs do")
	}
	v := &Validator{Keys: NewKeyring(tok), PublicURL: func(*http.Request) string { return u }}
	for _, tc := range []struct {
		name, sig string
		want      bool
	}{
		{"every occurrence", every, true},
		{"each value once", once, true},
		{"the repeat counted twice more", signString(tok, u, "CallSidCAxxxxDigits1234Digits1234Digits1234Digits5678"), false},
		{"first value only", signString(tok, u, "CallSidCAxxxxDigits5678"), false},
		{"unsorted values", signString(tok, u, "CallSidCAxxxxDigits5678Digits1234Digits1234"), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Validate(tok, u, form, tc.sig); got != tc.want {
				t.Errorf("Validate = %v, want %v", got, tc.want)
			}
			r := rawForm(tok, u, "Digits=5678&Digits=1234&CallSid=CAxxxx&Digits=1234")
			r.Header.Set(SignatureHeader, tc.sig)
			if _, err := v.Check(r); (err == nil) != tc.want {
				t.Errorf("Check: %v, want accepted=%v", err, tc.want)
			}
		})
	}
}
