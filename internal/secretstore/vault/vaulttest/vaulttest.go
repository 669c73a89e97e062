// Package vaulttest is a loopback fake of HashiCorp Vault for tests: the
// KV v2 and AppRole endpoints a secret store uses, following Vault's
// documented HTTP API and errors.
package vaulttest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Vault follows Vault's documented HTTP API for what the store uses: KV
// v2 read (the latest version, or ?version=N) and write (versions,
// check-and-set) under /v1/MOUNT/data/PATH, AppRole login, and error
// bodies {"errors":[...]} with 400, 403, 404 and 503. Lock it to change
// its fields while it serves.
type Vault struct {
	sync.Mutex
	Mount    string
	Token    string // the only token with access
	RoleID   string
	SecretID string
	Sealed   bool
	Versions map[string][]map[string]any // path → versions, oldest first
	Requests []string
	// URL is the server's address.
	URL string
}

// New starts a fake Vault on loopback for the test's length; token is the
// only one it accepts, its KV v2 mount is "secret".
func New(t testing.TB, token string) *Vault {
	f := &Vault{Mount: "secret", Token: token, Versions: map[string][]map[string]any{}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	f.URL = srv.URL
	return f
}

func writeVault(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func vaultErrors(w http.ResponseWriter, status int, msgs ...string) {
	if msgs == nil {
		msgs = []string{}
	}
	writeVault(w, status, map[string]any{"errors": msgs})
}

// ServeHTTP answers one request.
func (f *Vault) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.Lock()
	defer f.Unlock()
	f.Requests = append(f.Requests, r.Method+" "+r.URL.Path)
	if f.Sealed {
		vaultErrors(w, 503, "Vault is sealed")
		return
	}
	if r.URL.Path == "/v1/auth/approle/login" && (r.Method == "POST" || r.Method == "PUT") {
		var in struct {
			RoleID   string `json:"role_id"`
			SecretID string `json:"secret_id"`
		}
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.RoleID != f.RoleID || in.SecretID != f.SecretID || f.RoleID == "" {
			vaultErrors(w, 400, "invalid role or secret ID")
			return
		}
		writeVault(w, 200, map[string]any{"auth": map[string]any{"client_token": f.Token, "accessor": "x", "policies": []string{"default", "twilio"},
			"lease_duration": 3600, "renewable": true}})
		return
	}
	if r.Header.Get("X-Vault-Token") != f.Token {
		vaultErrors(w, 403, "permission denied")
		return
	}
	prefix := "/v1/" + f.Mount + "/data/"
	if !strings.HasPrefix(r.URL.Path, prefix) {
		vaultErrors(w, 404, "no handler for route \""+strings.TrimPrefix(r.URL.Path, "/v1/")+"\". route entry not found.")
		return
	}
	path := strings.TrimPrefix(r.URL.Path, prefix)
	vs := f.Versions[path]
	meta := func(v int) map[string]any {
		return map[string]any{"created_time": time.Now().UTC().Format(time.RFC3339Nano), "custom_metadata": nil,
			"deletion_time": "", "destroyed": false, "version": v}
	}
	switch r.Method {
	case "GET":
		n := len(vs)
		if q := r.URL.Query().Get("version"); q != "" && q != "0" {
			n, _ = strconv.Atoi(q)
		}
		if n <= 0 || n > len(vs) {
			vaultErrors(w, 404)
			return
		}
		writeVault(w, 200, map[string]any{"request_id": "r", "lease_id": "", "renewable": false, "lease_duration": 0,
			"data": map[string]any{"data": vs[n-1], "metadata": meta(n)}})
	case "POST", "PUT":
		var in struct {
			Data    map[string]any `json:"data"`
			Options struct {
				CAS *int `json:"cas"`
			} `json:"options"`
		}
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.Data == nil {
			vaultErrors(w, 400, "no data provided")
			return
		}
		if in.Options.CAS != nil && *in.Options.CAS != len(vs) {
			vaultErrors(w, 400, "check-and-set parameter did not match the current version")
			return
		}
		f.Versions[path] = append(vs, in.Data)
		writeVault(w, 200, map[string]any{"request_id": "r", "data": meta(len(vs) + 1)})
	default:
		vaultErrors(w, 405)
	}
}
