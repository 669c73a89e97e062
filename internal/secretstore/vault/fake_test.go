package vault

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeVault follows Vault's documented HTTP API for what the store uses:
// KV v2 read and write (versions, check-and-set) under /v1/MOUNT/data/PATH,
// AppRole login, and error bodies {"errors":[...]} with 400, 403, 404 and
// 503.
type fakeVault struct {
	mu       sync.Mutex
	mount    string
	token    string // the only token with access
	roleID   string
	secretID string
	sealed   bool
	versions map[string][]map[string]any // path → versions, oldest first
	requests []string
}

func newFakeVault(t *testing.T, token string) (*fakeVault, *httptest.Server) {
	f := &fakeVault{mount: "secret", token: token, versions: map[string][]map[string]any{}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv
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

func (f *fakeVault) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = append(f.requests, r.Method+" "+r.URL.Path)
	if f.sealed {
		vaultErrors(w, 503, "Vault is sealed")
		return
	}
	if r.URL.Path == "/v1/auth/approle/login" && (r.Method == "POST" || r.Method == "PUT") {
		var in struct {
			RoleID   string `json:"role_id"`
			SecretID string `json:"secret_id"`
		}
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.RoleID != f.roleID || in.SecretID != f.secretID || f.roleID == "" {
			vaultErrors(w, 400, "invalid role or secret ID")
			return
		}
		writeVault(w, 200, map[string]any{"auth": map[string]any{"client_token": f.token, "accessor": "x", "policies": []string{"default", "twilio"},
			"lease_duration": 3600, "renewable": true}})
		return
	}
	if r.Header.Get("X-Vault-Token") != f.token {
		vaultErrors(w, 403, "permission denied")
		return
	}
	prefix := "/v1/" + f.mount + "/data/"
	if !strings.HasPrefix(r.URL.Path, prefix) {
		vaultErrors(w, 404, "no handler for route \""+strings.TrimPrefix(r.URL.Path, "/v1/")+"\". route entry not found.")
		return
	}
	path := strings.TrimPrefix(r.URL.Path, prefix)
	vs := f.versions[path]
	meta := func(v int) map[string]any {
		return map[string]any{"created_time": time.Now().UTC().Format(time.RFC3339Nano), "custom_metadata": nil,
			"deletion_time": "", "destroyed": false, "version": v}
	}
	switch r.Method {
	case "GET":
		if len(vs) == 0 {
			vaultErrors(w, 404)
			return
		}
		writeVault(w, 200, map[string]any{"request_id": "r", "lease_id": "", "renewable": false, "lease_duration": 0,
			"data": map[string]any{"data": vs[len(vs)-1], "metadata": meta(len(vs))}})
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
		f.versions[path] = append(vs, in.Data)
		writeVault(w, 200, map[string]any{"request_id": "r", "data": meta(len(vs) + 1)})
	default:
		vaultErrors(w, 405)
	}
}
