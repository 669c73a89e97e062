package webhook

import (
	"net/url"
	"testing"
)

// The vectors below are the official ones from twilio.md §6.3 (Python, Go
// and Node SDK tests), recomputed there.

const (
	vecToken = "12345"
	vecBase  = "https://mycompany.com/myapp.php?foo=1&bar=2"
	vecHash  = "0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620"
	vecJSON  = `{"property": "value", "boolean": true}`
)

func pyParams() url.Values {
	return url.Values{
		"CallSid": {"CA1234567890ABCDE"},
		"Digits":  {"1234"},
		"From":    {"+14158675309"},
		"To":      {"+18005551212"},
		"Caller":  {"+14158675309"},
	}
}

func goParams() url.Values {
	p := pyParams()
	p.Set("ReasonConferenceEnded", "test")
	p.Set("Reason", "Participant")
	return p
}

func TestStringToSignVectors(t *testing.T) {
	tests := []struct {
		name   string
		params url.Values
		want   string
	}{
		{"python set", pyParams(), vecBase + "CallSidCA1234567890ABCDECaller+14158675309Digits1234From+14158675309To+18005551212"},
		{"repeated names", url.Values{"Sid": {"CA123"}, "SidAccount": {"AC123"}, "Digits": {"5678", "1234"}},
			vecBase + "Digits1234Digits5678SidCA123SidAccountAC123"},
		{"no params", nil, vecBase},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := StringToSign(vecBase, tc.params); got != tc.want {
				t.Errorf("StringToSign = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestSignVectors(t *testing.T) {
	tests := []struct {
		name, token, url string
		params           url.Values
		want             string
	}{
		{"py https", vecToken, vecBase, pyParams(), "RSOYDt4T1cUTdK1PDd93/VVr8B8="},
		{"py https:443", vecToken, "https://mycompany.com:443/myapp.php?foo=1&bar=2", pyParams(), "kvajT1Ptam85bY51eRf/AJRuM3w="},
		{"py http", vecToken, "http://mycompany.com/myapp.php?foo=1&bar=2", pyParams(), "OyGYPqTF6ztdbRNCvuQO/oPvqQ4="},
		{"py http:80", vecToken, "http://mycompany.com:80/myapp.php?foo=1&bar=2", pyParams(), "0ZXoZLH/DfblKGATFgpif+LLRf4="},
		{"py http:1234", vecToken, "http://mycompany.com:1234/myapp.php?foo=1&bar=2", pyParams(), "Zmvh+3yNM1Phv2jhDCwEM3q5ebU="},
		{"py repeated names", vecToken, vecBase, url.Values{"Sid": {"CA123"}, "SidAccount": {"AC123"}, "Digits": {"5678", "1234"}}, "IK+Dwps556ElfBT0I3Rgjkr1wJU="},
		{"go https", vecToken, vecBase, goParams(), "vOEb5UThFn24KEfnOFLQY2AE5FY="},
		{"go http", vecToken, "http://mycompany.com/myapp.php?foo=1&bar=2", goParams(), "n2xBNyzSW7rfYStDtOFiFMv7qNo="},
		{"go form body", vecToken, vecBase, url.Values{"property": {"value"}, "boolean": {"true"}}, "NBdBDr/T/lgjI+tlgpXjKZQZs/k="},
		{"go json", vecToken, vecBase + "&bodySHA256=" + vecHash, nil, "a9nBmqA0ju/hNViExpshrM61xv4="},
		{"go json only param", vecToken, "https://mycompany.com/myapp.php?bodySHA256=" + vecHash, nil, "y77kIzt2vzLz71DgmJGsen2scGs="},
		{"node", "s3cr3t", "https://example.com/path?test=param", nil, "loLgTitFAoWx57yy5oEU4Hlddzw="},
		{"node :443", "s3cr3t", "https://example.com:443/path?test=param", nil, "IdwMFypqvNxti3YgvWWmfcNL26M="},
		{"node quote", "s3cr3t", "https://example.com/path?test=param'WithQuote", nil, "GfI7onHX/KQ2k1oVS3cUTVk4IEw="},
		{"node %27", "s3cr3t", "https://example.com/path?test=param%27WithQuote", nil, "HkuXLxVQ7zHv9LmGpzlLuGaxhJY="},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Sign(tc.token, tc.url, tc.params); got != tc.want {
				t.Errorf("Sign = %s, want %s", got, tc.want)
			}
			if !Validate(tc.token, tc.url, tc.params, tc.want) {
				t.Errorf("Validate(own signature) = false")
			}
			if Validate(tc.token+"x", tc.url, tc.params, tc.want) {
				t.Errorf("Validate with another token = true")
			}
		})
	}
}

func TestValidateVectors(t *testing.T) {
	const (
		httpBase = "http://mycompany.com/myapp.php?foo=1&bar=2"
		quote    = "https://example.com/path?test=param'WithQuote"
		pct      = "https://example.com/path?test=param%27WithQuote"
	)
	tests := []struct {
		name, token, url string
		params           url.Values
		sig              string
		want             bool
	}{
		{"port removed (py :1234)", vecToken, "https://mycompany.com:1234/myapp.php?foo=1&bar=2", pyParams(), "RSOYDt4T1cUTdK1PDd93/VVr8B8=", true},
		{"port added (https)", vecToken, vecBase, pyParams(), "kvajT1Ptam85bY51eRf/AJRuM3w=", true},
		{"port added (http)", vecToken, httpBase, pyParams(), "0ZXoZLH/DfblKGATFgpif+LLRf4=", true},
		{"default port removed", vecToken, "https://mycompany.com:443/myapp.php?foo=1&bar=2", pyParams(), "RSOYDt4T1cUTdK1PDd93/VVr8B8=", true},
		{"go http:1234 via port removal", vecToken, "http://mycompany.com:1234/myapp.php?foo=1&bar=2", goParams(), "n2xBNyzSW7rfYStDtOFiFMv7qNo=", true},
		{"go wrong param order", vecToken, vecBase, goParams(), "95+Bu0JVPi0r/SsESZCVf0dWAjw=", false},
		{"scheme is signed", vecToken, httpBase, pyParams(), "RSOYDt4T1cUTdK1PDd93/VVr8B8=", false},
		{"other port not added", vecToken, vecBase, pyParams(), "Zmvh+3yNM1Phv2jhDCwEM3q5ebU=", false},
		{"params are signed", vecToken, vecBase, goParams(), "RSOYDt4T1cUTdK1PDd93/VVr8B8=", false},
		{"node quote for %27", "s3cr3t", pct, nil, "GfI7onHX/KQ2k1oVS3cUTVk4IEw=", true},
		{"node %27 for quote", "s3cr3t", quote, nil, "HkuXLxVQ7zHv9LmGpzlLuGaxhJY=", true},
		{"node port added", "s3cr3t", "https://example.com/path?test=param", nil, "IdwMFypqvNxti3YgvWWmfcNL26M=", true},
		{"empty signature", vecToken, vecBase, pyParams(), "", false},
		{"garbage signature", vecToken, vecBase, pyParams(), "not base64 at all!!!!!!!!!!!", false},
		{"lower-cased signature", vecToken, vecBase, pyParams(), "rsoydt4t1cutdk1pdd93/vvr8b8=", false},
		{"signature with padding stripped", vecToken, vecBase, pyParams(), "RSOYDt4T1cUTdK1PDd93/VVr8B8", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Validate(tc.token, tc.url, tc.params, tc.sig); got != tc.want {
				t.Errorf("Validate = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestValidateJSONVectors(t *testing.T) {
	if got := BodySHA256([]byte(vecJSON)); got != vecHash {
		t.Fatalf("BodySHA256 = %s, want %s", got, vecHash)
	}
	signed, sig := SignJSON(vecToken, vecBase, []byte(vecJSON))
	if want := vecBase + "&bodySHA256=" + vecHash; signed != want {
		t.Fatalf("SignJSON url = %s, want %s", signed, want)
	}
	if sig != "a9nBmqA0ju/hNViExpshrM61xv4=" {
		t.Fatalf("SignJSON signature = %s", sig)
	}
	tests := []struct {
		name, url, body, sig string
		want                 bool
	}{
		{"valid", signed, vecJSON, sig, true},
		{"valid, hash only param", "https://mycompany.com/myapp.php?bodySHA256=" + vecHash, vecJSON, "y77kIzt2vzLz71DgmJGsen2scGs=", true},
		{"body changed", signed, `{"property": "value", "boolean": false}`, sig, false},
		{"no bodySHA256", vecBase, vecJSON, Sign(vecToken, vecBase, nil), false},
		{"bad hash hex", vecBase + "&bodySHA256=zz", vecJSON, Sign(vecToken, vecBase+"&bodySHA256=zz", nil), false},
		{"repeated bodySHA256", signed + "&bodySHA256=" + vecHash, vecJSON, Sign(vecToken, signed+"&bodySHA256="+vecHash, nil), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := ValidateJSON(vecToken, tc.url, []byte(tc.body), tc.sig); got != tc.want {
				t.Errorf("ValidateJSON = %v, want %v", got, tc.want)
			}
		})
	}
}
