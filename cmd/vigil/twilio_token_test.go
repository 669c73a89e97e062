package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/vigilsec/vigil/twilio"
)

// Placeholder credentials (all-same-character SIDs), as in the reference
// vector.
func tokenEnv() map[string]string {
	return map[string]string{
		"TWILIO_ACCOUNT_SID": "AC" + strings.Repeat("a", 32),
		"TWILIO_API_KEY":     "SK" + strings.Repeat("b", 32),
		"TWILIO_API_SECRET":  "secret",
	}
}

// vectorAccessToken mints the reference vector (twilio.md §7): alice,
// video room1, five minutes in 2023, signed with "secret".
func vectorAccessToken(t *testing.T) string {
	t.Helper()
	env := tokenEnv()
	k, err := twilio.NewSigningKey(env["TWILIO_ACCOUNT_SID"], env["TWILIO_API_KEY"], env["TWILIO_API_SECRET"])
	if err != nil {
		t.Fatal(err)
	}
	tok, err := k.Mint(twilio.Claims{Identity: "alice", Grants: []twilio.Grant{twilio.VideoGrant{Room: "room1"}},
		TTL: 5 * time.Minute, NotBefore: time.Unix(1700000000, 0)})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestTwilioTokenMint(t *testing.T) {
	code, stdout, stderr := peopleRun(t, "", tokenEnv(), "twilio", "token", "--identity", "alice",
		"--grant", "voice:outgoing.application_sid=APxxxx,incoming.allow=true", "--grant", "video:room=r1", "--ttl", "90s", "--region", "ie1")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	at, err := twilio.ParseAccessToken(strings.TrimSpace(stdout))
	if err != nil {
		t.Fatal(err)
	}
	if err := at.Verify("secret"); err != nil {
		t.Error(err)
	}
	if at.Identity != "alice" || at.Lifetime() != 90*time.Second || at.Region != "ie1" || strings.Join(at.GrantKeys(), ",") != "video,voice" {
		t.Errorf("token: %+v", at)
	}
	if got := twilio.FormatGrant("voice", at.Grants["voice"]); got != "voice:incoming.allow=true,outgoing.application_sid=APxxxx" {
		t.Errorf("voice grant %s", got)
	}
	// The default lifetime is ten minutes.
	_, stdout, _ = peopleRun(t, "", tokenEnv(), "twilio", "token", "--identity", "bob", "--grant", "sync")
	if at, err := twilio.ParseAccessToken(strings.TrimSpace(stdout)); err != nil || at.Lifetime() != 10*time.Minute {
		t.Errorf("default lifetime: %v %v", at, err)
	}
	// JSON output.
	_, stdout, _ = peopleRun(t, "", tokenEnv(), "twilio", "token", "--identity", "bob", "--grant", "chat", "--format", "json")
	var j struct {
		Token      string
		TTLSeconds int64 `json:"ttl_seconds"`
	}
	if err := json.Unmarshal([]byte(stdout), &j); err != nil || j.TTLSeconds != 600 || j.Token == "" {
		t.Errorf("json: %v %s", err, stdout)
	}
}

func TestTwilioTokenMintRefuses(t *testing.T) {
	noSecret := tokenEnv()
	delete(noSecret, "TWILIO_API_SECRET")
	authAsKey := tokenEnv()
	authAsKey["TWILIO_API_KEY"] = authAsKey["TWILIO_ACCOUNT_SID"]
	tests := []struct {
		name   string
		env    map[string]string
		args   []string
		stderr string
	}{
		{"ttl zero", tokenEnv(), []string{"--identity", "a", "--grant", "video", "--ttl", "0"}, "must be positive"},
		{"ttl negative", tokenEnv(), []string{"--identity", "a", "--grant", "video", "--ttl", "-5m"}, "must be positive"},
		{"ttl over a day", tokenEnv(), []string{"--identity", "a", "--grant", "video", "--ttl", "24h1s"}, "longer than Twilio's maximum of 24h"},
		{"ttl fraction", tokenEnv(), []string{"--identity", "a", "--grant", "video", "--ttl", "1.5s"}, "whole number of seconds"},
		{"unknown grant", tokenEnv(), []string{"--identity", "a", "--grant", "teleport:to=mars"}, `unknown grant "teleport"`},
		{"unknown field", tokenEnv(), []string{"--identity", "a", "--grant", "video:rom=r1"}, `has no field "rom"`},
		{"no grant", tokenEnv(), []string{"--identity", "a"}, "at least one --grant"},
		{"no identity", tokenEnv(), []string{"--grant", "video"}, "--identity is required"},
		{"no secret", noSecret, []string{"--identity", "a", "--grant", "video"}, "TWILIO_API_SECRET not set"},
		{"account SID as key", authAsKey, []string{"--identity", "a", "--grant", "video"}, "is an Account SID"},
		{"argument", tokenEnv(), []string{"--identity", "a", "--grant", "video", "extra"}, "unknown command"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := peopleRun(t, "", tt.env, append([]string{"twilio", "token"}, tt.args...)...)
			if code != 2 || stdout != "" || !strings.Contains(stderr, tt.stderr) {
				t.Fatalf("exit %d, want 2\nstdout: %s\nstderr: %s", code, stdout, stderr)
			}
		})
	}
}

func TestTwilioTokenDecode(t *testing.T) {
	vectorToken := vectorAccessToken(t)
	code, stdout, stderr := peopleRun(t, "", tokenEnv(), "twilio", "token", "decode", "--verify", vectorToken)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		"header:     alg=HS256 cty=twilio-fpa;v=1 typ=JWT",
		"api key:    SK" + strings.Repeat("b", 32) + " (iss)",
		"account:    AC" + strings.Repeat("a", 32) + " (sub)",
		"identity:   alice",
		"grants:     video:room=room1",
		"not before: 2023-11-14T22:13:20Z",
		"expires:    2023-11-14T22:18:20Z (lifetime 5m0s)",
		"status:     expired ",
		"signature:  valid",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("missing %q in\n%s", want, stdout)
		}
	}
	if stderr != "" {
		t.Errorf("a 5-minute token got a warning: %s", stderr)
	}
	// From stdin, wrong secret: exit 1.
	env := tokenEnv()
	env["TWILIO_API_SECRET"] = "other"
	code, stdout, stderr = peopleRun(t, vectorToken+"\n", env, "twilio", "token", "decode", "--verify", "-")
	if code != 1 || !strings.Contains(stdout, "signature:  INVALID") || !strings.Contains(stderr, "signature check failed") {
		t.Errorf("wrong secret: exit %d\n%s%s", code, stdout, stderr)
	}
	// A long-lived token gets a warning; JSON says long_lived.
	_, tok, _ := peopleRun(t, "", tokenEnv(), "twilio", "token", "--identity", "a", "--grant", "video", "--ttl", "6h")
	code, stdout, stderr = peopleRun(t, tok, nil, "twilio", "token", "decode", "--format", "json")
	var j struct {
		LongLived bool   `json:"long_lived"`
		Status    string `json:"status"`
		Lifetime  int64  `json:"lifetime_seconds"`
	}
	if err := json.Unmarshal([]byte(stdout), &j); err != nil || code != 0 {
		t.Fatalf("json: %d %v %s", code, err, stdout)
	}
	if !j.LongLived || j.Lifetime != 6*3600 || !strings.HasPrefix(j.Status, "valid for") || !strings.Contains(stderr, "lives 6h0m0s") {
		t.Errorf("long-lived: %+v, stderr %q", j, stderr)
	}
}

func TestTwilioTokenDecodeRefuses(t *testing.T) {
	vectorToken := vectorAccessToken(t)
	tests := []struct {
		name, stdin string
		args        []string
		code        int
		stderr      string
	}{
		{"garbage", "", []string{"not.a.token"}, 2, "not a Twilio Access Token"},
		{"empty stdin", "", nil, 2, "three dot-separated parts"},
		{"verify without secret", "", []string{"--verify", vectorToken}, 2, "needs TWILIO_API_SECRET"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := peopleRun(t, tt.stdin, nil, append([]string{"twilio", "token", "decode"}, tt.args...)...)
			if code != tt.code || !strings.Contains(stderr, tt.stderr) {
				t.Fatalf("exit %d, want %d: %s", code, tt.code, stderr)
			}
		})
	}
}
