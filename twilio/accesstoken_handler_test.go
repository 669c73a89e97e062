package twilio

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestHandler(t *testing.T) {
	k := testSigningKey(t)
	h := k.Handler(func(r *http.Request) (Claims, error) {
		switch r.URL.Query().Get("who") {
		case "":
			return Claims{}, errors.New("not signed in")
		case "bad":
			return Claims{Identity: "bad", Grants: []Grant{VideoGrant{}}, TTL: 48 * time.Hour}, nil
		}
		return Claims{Identity: r.URL.Query().Get("who"), Grants: []Grant{VideoGrant{Room: "r1"}}, TTL: time.Minute}, nil
	})
	tests := []struct {
		method, query string
		code          int
		body          string
	}{
		{"GET", "?who=alice", 200, ""},
		{"POST", "?who=bob", 200, ""},
		{"PUT", "?who=alice", 405, "method not allowed"},
		{"GET", "", 403, "forbidden"},
		{"GET", "?who=bad", 500, "longer than Twilio's maximum"},
	}
	for _, tt := range tests {
		t.Run(tt.method+tt.query, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(tt.method, "/token"+tt.query, nil))
			if rec.Code != tt.code || !strings.Contains(rec.Body.String(), tt.body) {
				t.Fatalf("%d %q, want %d %q", rec.Code, rec.Body.String(), tt.code, tt.body)
			}
			if tt.code != 200 {
				return
			}
			if cc := rec.Header().Get("Cache-Control"); cc != "no-store" {
				t.Errorf("Cache-Control = %q", cc)
			}
			var resp struct {
				Identity, Token string
				ExpiresAt       string `json:"expires_at"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
				t.Fatal(err)
			}
			at, err := ParseAccessToken(resp.Token)
			if err != nil {
				t.Fatal(err)
			}
			if at.Identity != resp.Identity || at.Verify("secret") != nil || at.Lifetime() != time.Minute {
				t.Errorf("token %+v for %s", at, resp.Identity)
			}
			if at.Expires.UTC().Format(time.RFC3339) != resp.ExpiresAt {
				t.Errorf("expires_at %s, token says %s", resp.ExpiresAt, at.Expires)
			}
		})
	}
}
