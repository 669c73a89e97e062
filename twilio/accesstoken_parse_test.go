package twilio

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"
)

// docsExample is the example token from Twilio's docs (twilio.md §7); its
// secret is unknown and its SIDs are x placeholders. Its parts are joined at
// run time so that no line holds a whole JWT for vigil's own scan to report.
func docsExample() string {
	return strings.Join([]string{
		"eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiIsImN0eSI6InR3aWxpby1mcGE7dj0xIn0",
		"eyJqdGkiOiJTS3h4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4LTE0NTA0NzExNDciLCJpc3MiOiJTS3h4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4Iiwic3ViIjoiQUN4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eCIsIm5iZiI6MTQ1MDQ3MTE0NywiZXhwIjoxNDUwNDc0NzQ3LCJncmFudHMiOnsiaWRlbnRpdHkiOiJ1c2VyQGV4YW1wbGUuY29tIiwiaXBfbWVzc2FnaW5nIjp7InNlcnZpY2Vfc2lkIjoiSVN4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eCIsImVuZHBvaW50X2lkIjoiSGlwRmxvd1NsYWNrRG9ja1JDOnVzZXJAZXhhbXBsZS5jb206c29tZWlvc2RldmljZSJ9fX0",
		"IHx8KeH1acIfwnd8EIin3QBGPbfnF-yVnSFp5NpQJi0",
	}, ".")
}

func TestParseDocsToken(t *testing.T) {
	at, err := ParseAccessToken(docsExample())
	if err != nil {
		t.Fatal(err)
	}
	xs := strings.Repeat("x", 35) // the docs use 35, not 32
	if at.Algorithm != "HS256" || at.ContentType != AccessTokenContentType || at.Region != "" {
		t.Errorf("header = %s %s %s", at.Algorithm, at.ContentType, at.Region)
	}
	if at.KeySID != "SK"+xs || at.AccountSID != "AC"+xs || at.ID != "SK"+xs+"-1450471147" {
		t.Errorf("iss/sub/jti = %s %s %s", at.KeySID, at.AccountSID, at.ID)
	}
	if at.Identity != "user@example.com" {
		t.Errorf("identity = %q", at.Identity)
	}
	if !at.NotBefore.Equal(time.Unix(1450471147, 0)) || at.Lifetime() != time.Hour {
		t.Errorf("nbf = %v, lifetime = %v", at.NotBefore, at.Lifetime())
	}
	if r := at.Remaining(time.Unix(1450471147+600, 0)); r != 50*time.Minute {
		t.Errorf("remaining = %v", r)
	}
	if got := strings.Join(at.GrantKeys(), ","); got != "ip_messaging" {
		t.Errorf("grants = %s", got)
	}
	want := "ip_messaging:endpoint_id=HipFlowSlackDockRC:user@example.com:someiosdevice,service_sid=IS" + xs
	if got := FormatGrant("ip_messaging", at.Grants["ip_messaging"]); got != want {
		t.Errorf("grant = %s", got)
	}
	if err := at.Verify("secret"); !errors.Is(err, ErrBadSignature) {
		t.Errorf("Verify with a wrong secret: %v", err)
	}
}

func TestParseRoundTripAndVerify(t *testing.T) {
	k := testSigningKey(t)
	tok, err := k.Mint(Claims{
		Identity: "alice",
		Grants: []Grant{
			VoiceGrant{IncomingAllow: true, OutgoingApplicationSID: "APxxxx"},
			SyncGrant{ServiceSID: "ISxxxx"},
		},
		TTL: 2 * time.Minute,
	})
	if err != nil {
		t.Fatal(err)
	}
	at, err := ParseAccessToken(tok)
	if err != nil {
		t.Fatal(err)
	}
	if err := at.Verify("secret"); err != nil {
		t.Errorf("Verify: %v", err)
	}
	if err := at.Verify("other"); !errors.Is(err, ErrBadSignature) {
		t.Errorf("Verify with another secret: %v", err)
	}
	if got := strings.Join(at.GrantKeys(), ","); got != "data_sync,voice" {
		t.Errorf("grants = %s", got)
	}
	if got := FormatGrant("voice", at.Grants["voice"]); got != "voice:incoming.allow=true,outgoing.application_sid=APxxxx" {
		t.Errorf("voice = %s", got)
	}
	if at.Lifetime() != 2*time.Minute || at.Identity != "alice" || at.KeySID != testKey || at.AccountSID != testAccount {
		t.Errorf("decoded %+v", at)
	}
	// A tampered payload no longer verifies.
	parts := strings.Split(tok, ".")
	parts[1] = b64([]byte(`{"grants":{"identity":"mallory"}}`))
	forged, err := ParseAccessToken(strings.Join(parts, "."))
	if err != nil {
		t.Fatal(err)
	}
	if err := forged.Verify("secret"); !errors.Is(err, ErrBadSignature) {
		t.Errorf("forged token verified: %v", err)
	}
}

func TestParseRejects(t *testing.T) {
	enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	hdr := enc(`{"alg":"HS256","cty":"twilio-fpa;v=1","typ":"JWT"}`)
	sig := enc("sig")
	tests := []struct{ name, tok, want string }{
		{"empty", "", "three dot-separated parts"},
		{"two parts", hdr + "." + enc("{}"), "three dot-separated parts"},
		{"four parts", hdr + "." + enc("{}") + "." + sig + ".x", "three dot-separated parts"},
		{"bad base64", hdr + ".%%%." + sig, "claims"},
		{"header not json", enc("nope") + "." + enc("{}") + "." + sig, "header is not a JSON object"},
		{"plain JWT", enc(`{"alg":"HS256","typ":"JWT"}`) + "." + enc("{}") + "." + sig, `cty is ""`},
		{"trailing data", hdr + "." + enc(`{} {}`) + "." + sig, "data after"},
		{"claims array", hdr + "." + enc(`[1]`) + "." + sig, "not a JSON object"},
		{"grants not object", hdr + "." + enc(`{"grants":3}`) + "." + sig, "not a JSON object"},
		{"identity not string", hdr + "." + enc(`{"grants":{"identity":1}}`) + "." + sig, "identity is not a string"},
		{"exp not a time", hdr + "." + enc(`{"exp":1e300}`) + "." + sig, "not a Unix time"},
		{"exp a string", hdr + "." + enc(`{"exp":"soon"}`) + "." + sig, "claims"},
		{"bad signature encoding", hdr + "." + enc("{}") + ".!!", "signature"},
		{"huge", strings.Repeat("a", MaxAccessTokenLen+1), "longer than any real token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseAccessToken(tt.tok)
			if err == nil || !errors.Is(err, ErrNotAccessToken) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want ErrNotAccessToken containing %q", err, tt.want)
			}
		})
	}
}

// Verify refuses anything but HS256, so "alg":"none" tokens never pass.
func TestVerifyRefusesOtherAlgorithms(t *testing.T) {
	enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	tok := enc(`{"alg":"none","cty":"twilio-fpa;v=1","typ":"JWT"}`) + "." + enc(`{}`) + "."
	at, err := ParseAccessToken(tok)
	if err != nil {
		t.Fatal(err)
	}
	if err := at.Verify(""); !errors.Is(err, ErrBadSignature) || !strings.Contains(err.Error(), "none") {
		t.Errorf("Verify = %v", err)
	}
}

func FuzzParseAccessToken(f *testing.F) {
	k, err := NewSigningKey(testAccount, testKey, "secret")
	if err != nil {
		f.Fatal(err)
	}
	minted, err := k.Mint(Claims{Identity: "a", Grants: []Grant{VoiceGrant{IncomingAllow: true}, VideoGrant{Room: "r"}}, Region: "au1"})
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{docsExample(), minted, "", ".", "..", "a.b.c", "eyJ9.eyJ9.", docsExample() + "="} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		at, err := ParseAccessToken(s)
		if err != nil {
			if at != nil {
				t.Fatal("token and error both returned")
			}
			return
		}
		if at.ContentType != AccessTokenContentType {
			t.Fatalf("accepted cty %q", at.ContentType)
		}
		_ = at.Verify("secret")
		_ = at.Lifetime()
		_ = at.Remaining(time.Now())
		for _, key := range at.GrantKeys() {
			_ = FormatGrant(key, at.Grants[key])
		}
	})
}

func BenchmarkParseAccessToken(b *testing.B) {
	for b.Loop() {
		if _, err := ParseAccessToken(docsExample()); err != nil {
			b.Fatal(err)
		}
	}
}
