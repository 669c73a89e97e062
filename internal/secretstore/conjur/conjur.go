// Package conjur keeps credentials in CyberArk Conjur, one variable per
// field (PATH/FIELD), through Conjur's REST API: it authenticates a host
// or user with its API key (POST /authn/ACCOUNT/LOGIN/authenticate) or
// reads an access token from a file kept fresh by an authenticator
// sidecar, and sends the token base64-encoded as
// `Authorization: Token token="…"`. Get reads a variable (GET
// /secrets/ACCOUNT/variable/ID), Values reads several at once (GET
// /secrets?variable_ids=…), Put adds a value (POST, which Conjur keeps as
// a new version): variables must be declared in policy, vigil never
// creates them. Conjur keeps the last 20 versions of each variable, so a
// rotation's old values stay recoverable by version (?version=N).
package conjur

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/vigilsec/vigil"
)

// Config says where the variables are and how to authenticate.
type Config struct {
	URL     string // e.g. https://conjur.example.com
	Account string // the Conjur organization account
	Path    string // the variables' common path: fields are PATH/FIELD
	// Login and APIKey authenticate (CONJUR_AUTHN_LOGIN, e.g. host/vigil,
	// and CONJUR_AUTHN_API_KEY). Otherwise TokenFile holds an access
	// token (CONJUR_AUTHN_TOKEN_FILE).
	Login     string
	APIKey    vigil.Secret
	TokenFile string
	// CertFile is a PEM file of CAs to trust besides the system's
	// (CONJUR_CERT_FILE), for a Conjur with its own CA.
	CertFile string
	// HTTPClient, when set, is used as is (tests).
	HTTPClient *http.Client
}

// tokenLife is how long an access token is reused: Conjur's last 8
// minutes.
const tokenLife = 6 * time.Minute

// Store is a set of Conjur variables under one path.
type Store struct {
	cfg Config
	hc  *http.Client

	mu      sync.Mutex
	token   []byte // the raw access token (JSON)
	tokenAt time.Time
}

// New checks the configuration and builds a client; it makes no request.
func New(cfg Config) (*Store, error) {
	switch {
	case cfg.URL == "" || cfg.Account == "" || strings.Trim(cfg.Path, "/") == "":
		return nil, errors.New("conjur: want a host, an account and a variable path, e.g. conjur://conjur.example.com/myorg/prod/twilio")
	case cfg.TokenFile == "" && (cfg.Login == "" || cfg.APIKey.IsZero()):
		return nil, errors.New("conjur: no credentials: set CONJUR_AUTHN_LOGIN and CONJUR_AUTHN_API_KEY, or CONJUR_AUTHN_TOKEN_FILE")
	}
	cfg.Path = strings.Trim(cfg.Path, "/")
	hc := cfg.HTTPClient
	if hc == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		if cfg.CertFile != "" {
			pem, err := os.ReadFile(cfg.CertFile)
			if err != nil {
				return nil, fmt.Errorf("conjur: CONJUR_CERT_FILE: %w", err)
			}
			pool, err := x509.SystemCertPool()
			if err != nil {
				pool = x509.NewCertPool()
			}
			if !pool.AppendCertsFromPEM(pem) {
				return nil, fmt.Errorf("conjur: CONJUR_CERT_FILE %s holds no PEM certificate", cfg.CertFile)
			}
			tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
		}
		hc = &http.Client{Transport: tr, Timeout: 30 * time.Second}
	}
	return &Store{cfg: cfg, hc: hc}, nil
}

// String names the store.
func (s *Store) String() string {
	u := strings.TrimPrefix(strings.TrimPrefix(s.cfg.URL, "https://"), "http://")
	return "conjur://" + u + "/" + s.cfg.Account + "/" + s.cfg.Path
}

// variable is the ID of a field's variable.
func (s *Store) variable(field string) string { return s.cfg.Path + "/" + field }

// Get reads a field's variable; one not declared, not visible, or without
// a value is fs.ErrNotExist (Conjur answers 404 to all three).
func (s *Store) Get(ctx context.Context, field string) (vigil.Secret, error) {
	return s.getVersion(ctx, field, 0)
}

func (s *Store) getVersion(ctx context.Context, field string, version int) (vigil.Secret, error) {
	id := s.variable(field)
	p := "/secrets/" + url.PathEscape(s.cfg.Account) + "/variable/" + url.PathEscape(id)
	if version > 0 {
		p += "?version=" + strconv.Itoa(version)
	}
	body, err := s.do(ctx, http.MethodGet, p, nil, "read", id)
	if err != nil {
		return vigil.Secret{}, err
	}
	return vigil.NewSecret(string(body)), nil
}

// Values reads several fields in one request (batch retrieval). A field
// that is missing makes Conjur refuse the whole batch: then each field is
// read on its own and the missing ones are left out.
func (s *Store) Values(ctx context.Context, fields []string) (map[string]vigil.Secret, error) {
	ids := make([]string, 0, len(fields))
	for _, f := range fields {
		ids = append(ids, url.QueryEscape(s.cfg.Account+":variable:"+s.variable(f)))
	}
	body, err := s.do(ctx, http.MethodGet, "/secrets?variable_ids="+strings.Join(ids, ","), nil, "read", strings.Join(fields, ", "))
	out := map[string]vigil.Secret{}
	if errors.Is(err, fs.ErrNotExist) {
		for _, f := range fields {
			v, err := s.Get(ctx, f)
			switch {
			case err == nil:
				out[f] = v
			case !errors.Is(err, fs.ErrNotExist):
				return nil, err
			}
		}
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	var vals map[string]string
	if err := json.Unmarshal(body, &vals); err != nil {
		return nil, fmt.Errorf("%s: batch read: the answer is not a JSON object: %w", s, err)
	}
	for _, f := range fields {
		if v, ok := vals[s.cfg.Account+":variable:"+s.variable(f)]; ok {
			out[f] = vigil.NewSecret(v)
		}
	}
	return out, nil
}

// Put adds a value to each field's variable, in name order: Conjur has no
// request that sets several variables, so a failure part way leaves the
// earlier fields written.
func (s *Store) Put(ctx context.Context, values map[string]vigil.Secret) error {
	for _, f := range slices.Sorted(maps.Keys(values)) {
		id := s.variable(f)
		p := "/secrets/" + url.PathEscape(s.cfg.Account) + "/variable/" + url.PathEscape(id)
		if _, err := s.do(ctx, http.MethodPost, p, []byte(values[f].Reveal()), "update", id); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("%s: variable %s is not declared in policy (vigil does not create variables: add `- !variable %s` to the policy): %w", s, id, id, err)
			}
			return err
		}
	}
	return nil
}

// Snapshot returns the latest version number of each field's variable
// ("versions:FIELD=N&…", 0 for one without a value): Conjur keeps the last
// 20 versions, so the old values stay recoverable without a copy.
func (s *Store) Snapshot(ctx context.Context, _ string, fields []string) (string, error) {
	v := url.Values{}
	for _, f := range fields {
		n, err := s.latestVersion(ctx, f)
		if err != nil {
			return "", err
		}
		v.Set(f, strconv.Itoa(n))
	}
	return "versions:" + v.Encode(), nil
}

// latestVersion reads a variable's resource (GET /resources/…), whose
// "secrets" list its versions.
func (s *Store) latestVersion(ctx context.Context, field string) (int, error) {
	id := s.variable(field)
	body, err := s.do(ctx, http.MethodGet, "/resources/"+url.PathEscape(s.cfg.Account)+"/variable/"+url.PathEscape(id), nil, "read", id)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	var res struct {
		Secrets []struct {
			Version int `json:"version"`
		} `json:"secrets"`
	}
	if err := json.Unmarshal(body, &res); err != nil {
		return 0, fmt.Errorf("%s: resource %s: the answer is not JSON: %w", s, id, err)
	}
	n := 0
	for _, v := range res.Secrets {
		n = max(n, v.Version)
	}
	return n, nil
}

// Recall reads the versions Snapshot named.
func (s *Store) Recall(ctx context.Context, ref string, fields []string) (map[string]vigil.Secret, error) {
	q, ok := strings.CutPrefix(ref, "versions:")
	v, err := url.ParseQuery(q)
	if !ok || err != nil {
		return nil, fmt.Errorf("%s: %q is not a version reference", s, ref)
	}
	out := map[string]vigil.Secret{}
	for _, f := range fields {
		n, err := strconv.Atoi(v.Get(f))
		if err != nil || n < 0 {
			return nil, fmt.Errorf("%s: the reference %q has no version of %s", s, ref, f)
		}
		if n == 0 {
			continue
		}
		val, err := s.getVersion(ctx, f, n)
		if err != nil {
			return nil, fmt.Errorf("read version %d of %s: %w", n, s.variable(f), err)
		}
		out[f] = val
	}
	return out, nil
}

// Forget does nothing: the versions stay in Conjur.
func (s *Store) Forget(context.Context, string) error { return nil }

// do sends an authenticated request and returns the body of a 2xx
// answer. A 401 with an API key authenticates once more (the token may
// have expired) and retries.
func (s *Store) do(ctx context.Context, method, path string, body []byte, privilege, what string) ([]byte, error) {
	for attempt := 0; ; attempt++ {
		tok, err := s.accessToken(ctx, attempt > 0)
		if err != nil {
			return nil, err
		}
		req, err := http.NewRequestWithContext(ctx, method, s.cfg.URL+path, bytes.NewReader(body))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s, err)
		}
		req.Header.Set("Authorization", authorization(tok))
		if body != nil {
			req.Header.Set("Content-Type", "application/octet-stream")
		}
		resp, err := s.hc.Do(req)
		if err != nil {
			return nil, fmt.Errorf("%s: %s %s: %w", s, privilege, what, err)
		}
		data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		_ = resp.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %s %s: %w", s, privilege, what, err)
		}
		if resp.StatusCode == http.StatusUnauthorized && attempt == 0 && s.cfg.TokenFile == "" {
			continue
		}
		if resp.StatusCode/100 == 2 {
			return data, nil
		}
		return nil, s.explain(resp.StatusCode, data, privilege, what)
	}
}

// authorization is the header value that presents an access token:
// Token token="BASE64".
func authorization(token []byte) string {
	return "Token token=" + strconv.Quote(base64.StdEncoding.EncodeToString(token))
}

// explain turns Conjur's error answers into errors that say what to do.
func (s *Store) explain(status int, body []byte, privilege, what string) error {
	var e struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	_ = json.Unmarshal(body, &e)
	msg := e.Error.Message
	if msg == "" {
		msg = http.StatusText(status)
	}
	who := s.cfg.Login
	if who == "" {
		who = "the token's role"
	}
	switch status {
	case http.StatusUnauthorized:
		return fmt.Errorf("%s: %s %s: Conjur refused the credentials (401): check CONJUR_AUTHN_LOGIN and CONJUR_AUTHN_API_KEY, or the token file", s, privilege, what)
	case http.StatusForbidden:
		verb := "execute (read)"
		if privilege == "update" {
			verb = "update"
		}
		return fmt.Errorf("%s: %s %s: Conjur's policy does not give %s the %s privilege on it (403): %s", s, privilege, what, who, verb, msg)
	case http.StatusNotFound:
		return fmt.Errorf("%s: %s %s: it does not exist, %s may not see it, or it has no value (404: %s): %w", s, privilege, what, who, msg, fs.ErrNotExist)
	case http.StatusUnprocessableEntity:
		return fmt.Errorf("%s: %s %s: Conjur refused the request (422): %s", s, privilege, what, msg)
	}
	return fmt.Errorf("%s: %s %s: HTTP %d: %s", s, privilege, what, status, msg)
}

// accessToken returns a token: read from the token file each time (an
// authenticator keeps it fresh), or from authenticating with the API key,
// reused for a few minutes unless fresh is set.
func (s *Store) accessToken(ctx context.Context, fresh bool) ([]byte, error) {
	if s.cfg.TokenFile != "" {
		b, err := os.ReadFile(s.cfg.TokenFile)
		if err != nil {
			return nil, fmt.Errorf("%s: read the access token: %w", s, err)
		}
		return bytes.TrimSpace(b), nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !fresh && s.token != nil && time.Since(s.tokenAt) < tokenLife {
		return s.token, nil
	}
	p := s.cfg.URL + "/authn/" + url.PathEscape(s.cfg.Account) + "/" + url.PathEscape(s.cfg.Login) + "/authenticate"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p, strings.NewReader(s.cfg.APIKey.Reveal()))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s, err)
	}
	req.Header.Set("Content-Type", "text/plain")
	resp, err := s.hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s: authenticate %s: %w", s, s.cfg.Login, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return nil, fmt.Errorf("%s: authenticate %s: %w", s, s.cfg.Login, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s: authenticate %s: HTTP %d: check CONJUR_AUTHN_LOGIN (a host logs in as host/ID) and CONJUR_AUTHN_API_KEY", s, s.cfg.Login, resp.StatusCode)
	}
	s.token, s.tokenAt = data, time.Now()
	return s.token, nil
}
