// Package conjurtest is a loopback fake of CyberArk Conjur for tests,
// following its documented REST API for what a secret store uses:
// authenticate with an API key (POST /authn/ACCOUNT/LOGIN/authenticate →
// an access token, sent back base64-encoded as `Token token="…"`), read
// and add variable values (GET/POST /secrets/ACCOUNT/variable/ID, with
// ?version=N), batch retrieval (GET /secrets?variable_ids=…), and a
// variable's resource (GET /resources/ACCOUNT/variable/ID, whose
// "secrets" list the versions). Errors are Conjur's: 401 with no body,
// 403 and 404 and 422 with {"error":{"code","message"}}. Variables exist
// only when declared (as in policy); the last 20 versions are kept.
package conjurtest

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// keep is how many versions Conjur keeps.
const keep = 20

// Conjur is the fake server's state. Lock it to change its fields while
// it serves.
type Conjur struct {
	sync.Mutex
	Account string
	// Hosts maps a login (host/ID or a user) to its API key.
	Hosts map[string]string
	// Variables maps a declared variable's ID to its values, oldest
	// first (version N is Variables[id][N-1]).
	Variables map[string][]string
	// Denied refuses a privilege ("execute" or "update") on a variable
	// ID to every role: the policy's denial.
	Denied map[string]bool
	// AfterWrite, when set, runs after a value is added (the lock held).
	AfterWrite func(id string)
	// URL is the server's address.
	URL string

	tokens map[string]string // token signature → login
}

// New starts a fake Conjur on loopback for the test's length, with one
// account and no hosts or variables.
func New(t testing.TB, account string) *Conjur {
	c := &Conjur{Account: account, Hosts: map[string]string{}, Variables: map[string][]string{}, Denied: map[string]bool{}, tokens: map[string]string{}}
	srv := httptest.NewServer(c)
	t.Cleanup(srv.Close)
	c.URL = srv.URL
	return c
}

// Declare declares variables (as a policy's `- !variable ID`), without
// values.
func (c *Conjur) Declare(ids ...string) {
	c.Lock()
	defer c.Unlock()
	for _, id := range ids {
		if _, ok := c.Variables[id]; !ok {
			c.Variables[id] = nil
		}
	}
}

// Deny makes the policy refuse privilege ("execute" or "update") on a
// variable.
func (c *Conjur) Deny(privilege, id string) {
	c.Lock()
	defer c.Unlock()
	c.Denied[privilege+" "+id] = true
}

// Expire invalidates every access token issued so far.
func (c *Conjur) Expire() {
	c.Lock()
	defer c.Unlock()
	c.tokens = map[string]string{}
}

// Value is a variable's latest value ("" and false when it has none).
func (c *Conjur) Value(id string) (string, bool) {
	c.Lock()
	defer c.Unlock()
	vs := c.Variables[id]
	if len(vs) == 0 {
		return "", false
	}
	return vs[len(vs)-1], true
}

func conjurError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{"code": code, "message": msg}})
}

// segments splits the escaped path and unescapes each part, so that
// "prod%2Ftwilio" stays one ID.
func segments(r *http.Request) []string {
	parts := strings.Split(strings.TrimPrefix(r.URL.EscapedPath(), "/"), "/")
	for i, p := range parts {
		if u, err := url.PathUnescape(p); err == nil {
			parts[i] = u
		}
	}
	return parts
}

// ServeHTTP answers one request.
func (c *Conjur) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.Lock()
	defer c.Unlock()
	seg := segments(r)
	if len(seg) == 4 && seg[0] == "authn" && seg[3] == "authenticate" && r.Method == http.MethodPost {
		c.authenticate(w, r, seg[1], seg[2])
		return
	}
	login, ok := c.authorized(r)
	if !ok {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	switch {
	case len(seg) == 1 && seg[0] == "secrets" && r.Method == http.MethodGet:
		c.batch(w, r)
	case len(seg) == 4 && seg[0] == "secrets" && seg[2] == "variable" && seg[1] == c.Account:
		c.secret(w, r, seg[3])
	case len(seg) == 4 && seg[0] == "resources" && seg[2] == "variable" && seg[1] == c.Account && r.Method == http.MethodGet:
		c.resource(w, seg[3])
	default:
		_ = login
		conjurError(w, http.StatusNotFound, "not_found", "CONJ00123E Route not found: "+r.Method+" "+r.URL.Path)
	}
}

func (c *Conjur) authenticate(w http.ResponseWriter, r *http.Request, account, login string) {
	key, _ := io.ReadAll(io.LimitReader(r.Body, 4096))
	if account != c.Account || c.Hosts[login] == "" || c.Hosts[login] != string(key) {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	sig := make([]byte, 16)
	_, _ = rand.Read(sig)
	signature := hex.EncodeToString(sig)
	c.tokens[signature] = login
	b64 := base64.StdEncoding.EncodeToString
	payload := fmt.Sprintf(`{"sub":%q,"iat":%d}`, login, time.Now().Unix())
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]string{"protected": b64([]byte(`{"alg":"conjur.org/slosilo/v2","kid":"fake"}`)),
		"payload": b64([]byte(payload)), "signature": signature})
}

// authorized reads `Authorization: Token token="BASE64"` and returns the
// login its token was issued to.
func (c *Conjur) authorized(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	raw, ok := strings.CutPrefix(h, `Token token="`)
	raw, ok2 := strings.CutSuffix(raw, `"`)
	if !ok || !ok2 {
		return "", false
	}
	data, err := base64.StdEncoding.DecodeString(raw)
	if err != nil {
		return "", false
	}
	var tok struct {
		Signature string `json:"signature"`
	}
	if json.Unmarshal(data, &tok) != nil {
		return "", false
	}
	login, ok := c.tokens[tok.Signature]
	return login, ok
}

func (c *Conjur) fullID(id string) string { return c.Account + ":variable:" + id }

func (c *Conjur) notFound(w http.ResponseWriter, id string) {
	conjurError(w, http.StatusNotFound, "not_found", "CONJ00076E Variable "+c.fullID(id)+" is empty or not found.")
}

func (c *Conjur) secret(w http.ResponseWriter, r *http.Request, id string) {
	vs, declared := c.Variables[id]
	switch r.Method {
	case http.MethodGet:
		if !declared {
			c.notFound(w, id)
			return
		}
		if c.Denied["execute "+id] {
			conjurError(w, http.StatusForbidden, "forbidden", "Forbidden")
			return
		}
		n := len(vs)
		if q := r.URL.Query().Get("version"); q != "" {
			var err error
			if n, err = strconv.Atoi(q); err != nil {
				conjurError(w, http.StatusUnprocessableEntity, "argument_error", "version must be an integer")
				return
			}
		}
		if n < 1 || n > len(vs) || n <= len(vs)-keep {
			c.notFound(w, id)
			return
		}
		w.Header().Set("Content-Type", "text/plain")
		_, _ = io.WriteString(w, vs[n-1])
	case http.MethodPost:
		if !declared {
			conjurError(w, http.StatusNotFound, "not_found", "CONJ00076E Variable "+c.fullID(id)+" not found.")
			return
		}
		if c.Denied["update "+id] {
			conjurError(w, http.StatusForbidden, "forbidden", "Forbidden")
			return
		}
		val, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if len(val) == 0 {
			conjurError(w, http.StatusUnprocessableEntity, "argument_error", "'value' may not be empty")
			return
		}
		c.Variables[id] = append(vs, string(val))
		if c.AfterWrite != nil {
			c.AfterWrite(id)
		}
		w.WriteHeader(http.StatusCreated)
	default:
		w.WriteHeader(http.StatusMethodNotAllowed)
	}
}

func (c *Conjur) batch(w http.ResponseWriter, r *http.Request) {
	ids := r.URL.Query().Get("variable_ids")
	if ids == "" {
		conjurError(w, http.StatusUnprocessableEntity, "argument_error", "variable_ids must not be empty")
		return
	}
	out := map[string]string{}
	for _, full := range strings.Split(ids, ",") {
		acct, rest, _ := strings.Cut(full, ":variable:")
		vs := c.Variables[rest]
		if acct != c.Account || len(vs) == 0 {
			conjurError(w, http.StatusNotFound, "not_found", "CONJ00076E Variable "+full+" is empty or not found.")
			return
		}
		if c.Denied["execute "+rest] {
			conjurError(w, http.StatusForbidden, "forbidden", "Forbidden")
			return
		}
		out[full] = vs[len(vs)-1]
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(out)
}

func (c *Conjur) resource(w http.ResponseWriter, id string) {
	vs, declared := c.Variables[id]
	if !declared {
		conjurError(w, http.StatusNotFound, "not_found", "CONJ00007E '"+c.fullID(id)+"' not found")
		return
	}
	secrets := []map[string]int{}
	for n := max(len(vs)-keep, 0) + 1; n <= len(vs); n++ {
		secrets = append(secrets, map[string]int{"version": n})
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"created_at": "2026-01-01T00:00:00.000+00:00", "id": c.fullID(id),
		"owner": c.Account + ":policy:root", "policy": c.Account + ":policy:root", "permissions": []any{}, "annotations": []any{}, "secrets": secrets})
}
