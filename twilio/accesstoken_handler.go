package twilio

import (
	"encoding/json"
	"net/http"
	"time"
)

// Handler serves Access Tokens: for each GET or POST it asks claims who the
// caller is and what they may do, mints a token and answers
//
//	{"identity": "alice", "token": "eyJ…", "expires_at": "2025-01-02T15:04:05Z"}
//
// with Cache-Control: no-store. When claims returns an error the answer is
// 403 and nothing is minted; authenticate the caller inside claims.
func (k SigningKey) Handler(claims func(*http.Request) (Claims, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodPost {
			w.Header().Set("Allow", "GET, POST")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		c, err := claims(r)
		if err != nil {
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		tok, exp, err := k.mint(c)
		if err != nil {
			// Mint's errors name a misconfiguration (lifetime, grant, key
			// shape) and never contain the secret.
			http.Error(w, "could not mint an access token: "+err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		_ = json.NewEncoder(w).Encode(struct {
			Identity  string `json:"identity"`
			Token     string `json:"token"`
			ExpiresAt string `json:"expires_at"`
		}{c.Identity, tok, exp.UTC().Format(time.RFC3339)})
	})
}
