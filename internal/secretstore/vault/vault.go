// Package vault keeps credentials in a HashiCorp Vault KV version 2
// secret, through Vault's official Go client. Put reads the secret, sets
// the fields (keeping the others) and writes a new version with
// check-and-set on the version it read, so a concurrent writer is not
// overwritten silently: all fields change in one write. Earlier versions
// stay readable, which keeps a rotation's old values recoverable. It
// authenticates with a token, or logs in with AppRole.
package vault

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	vapi "github.com/hashicorp/vault/api"

	"github.com/vigilsec/vigil"
)

// Config says where the secret is and how to authenticate.
type Config struct {
	Address   string // e.g. https://vault.example.com:8200
	Mount     string // the KV v2 mount, e.g. "secret"
	Path      string // the secret's path under the mount, e.g. "twilio/prod"
	Namespace string // Vault Enterprise namespace, optional

	// Token authenticates directly (VAULT_TOKEN). Otherwise RoleID and
	// SecretID log in with AppRole at AppRoleMount (default "approle").
	Token            vigil.Secret
	RoleID, SecretID vigil.Secret
	AppRoleMount     string

	// HTTPClient, when set, replaces the client's own (tests).
	HTTPClient *http.Client
	// MaxRetries is how often 5xx and 412 answers are retried; negative
	// means the client's default (2).
	MaxRetries int
}

// Store is one KV v2 secret.
type Store struct {
	cfg    Config
	client *vapi.Client

	mu       sync.Mutex
	loggedIn bool
}

// New checks the configuration and builds a client; it makes no request.
func New(cfg Config) (*Store, error) {
	if cfg.Mount == "" || cfg.Path == "" {
		return nil, errors.New("vault: want a mount and a path, e.g. vault://HOST/secret/twilio")
	}
	if cfg.Token.IsZero() && (cfg.RoleID.IsZero() || cfg.SecretID.IsZero()) {
		return nil, errors.New("vault: no credentials: set VAULT_TOKEN, or VAULT_ROLE_ID and VAULT_SECRET_ID for AppRole")
	}
	if cfg.AppRoleMount == "" {
		cfg.AppRoleMount = "approle"
	}
	vc := vapi.DefaultConfig()
	if vc.Error != nil {
		return nil, fmt.Errorf("vault: %w", vc.Error)
	}
	vc.Address = cfg.Address
	if cfg.HTTPClient != nil {
		vc.HttpClient = cfg.HTTPClient
	}
	if cfg.MaxRetries >= 0 {
		vc.MaxRetries = cfg.MaxRetries
	}
	c, err := vapi.NewClient(vc)
	if err != nil {
		return nil, fmt.Errorf("vault: %w", err)
	}
	c.ClearToken() // never a VAULT_TOKEN the client found by itself
	if cfg.Namespace != "" {
		c.SetNamespace(cfg.Namespace)
	}
	return &Store{cfg: cfg, client: c}, nil
}

// String names the store.
func (s *Store) String() string {
	return "vault://" + strings.TrimPrefix(strings.TrimPrefix(s.cfg.Address, "https://"), "http://") + "/" + s.cfg.Mount + "/" + s.cfg.Path
}

// login sets the client's token, logging in with AppRole once.
func (s *Store) login(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.loggedIn {
		return nil
	}
	if !s.cfg.Token.IsZero() {
		s.client.SetToken(s.cfg.Token.Reveal())
		s.loggedIn = true
		return nil
	}
	sec, err := s.client.Logical().WriteWithContext(ctx, "auth/"+s.cfg.AppRoleMount+"/login", map[string]any{
		"role_id": s.cfg.RoleID.Reveal(), "secret_id": s.cfg.SecretID.Reveal(),
	})
	if err != nil {
		return s.wrap("AppRole login", err)
	}
	if sec == nil || sec.Auth == nil || sec.Auth.ClientToken == "" {
		return fmt.Errorf("%s: AppRole login returned no token", s)
	}
	s.client.SetToken(sec.Auth.ClientToken)
	s.loggedIn = true
	return nil
}

func (s *Store) kv() *vapi.KVv2 { return s.client.KVv2(s.cfg.Mount) }

// Get reads one field of the latest version.
func (s *Store) Get(ctx context.Context, field string) (vigil.Secret, error) {
	data, _, err := s.read(ctx)
	if err != nil {
		return vigil.Secret{}, err
	}
	v, ok := data[field]
	if !ok {
		return vigil.Secret{}, fmt.Errorf("%s: no field %s: %w", s, field, fs.ErrNotExist)
	}
	str, ok := v.(string)
	if !ok {
		return vigil.Secret{}, fmt.Errorf("%s: field %s is a %T, not a string", s, field, v)
	}
	return vigil.NewSecret(str), nil
}

// read returns the latest version's data and number (0: no secret yet).
func (s *Store) read(ctx context.Context) (map[string]any, int, error) {
	if err := s.login(ctx); err != nil {
		return nil, 0, err
	}
	sec, err := s.kv().Get(ctx, s.cfg.Path)
	switch {
	case errors.Is(err, vapi.ErrSecretNotFound):
		return nil, 0, fmt.Errorf("%s: %w", s, fs.ErrNotExist)
	case err != nil:
		return nil, 0, s.wrap("read", err)
	}
	version := 0
	if sec.VersionMetadata != nil {
		version = sec.VersionMetadata.Version
	}
	return sec.Data, version, nil
}

// Put writes a new version with the fields set, using check-and-set on
// the version read; it retries once if another writer came in between.
func (s *Store) Put(ctx context.Context, values map[string]vigil.Secret) error {
	return s.update(ctx, func(data map[string]any) {
		for k, v := range values {
			data[k] = v.Reveal()
		}
	})
}

// Delete writes a new version without the fields.
func (s *Store) Delete(ctx context.Context, fields []string) error {
	return s.update(ctx, func(data map[string]any) {
		for _, k := range fields {
			delete(data, k)
		}
	})
}

// update writes a new version changed by change, with check-and-set on
// the version read, retrying once if another writer came in between.
func (s *Store) update(ctx context.Context, change func(map[string]any)) error {
	var err error
	for range 2 {
		var data map[string]any
		var version int
		data, version, err = s.read(ctx)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		merged := map[string]any{}
		for k, v := range data {
			merged[k] = v
		}
		change(merged)
		_, err = s.kv().Put(ctx, s.cfg.Path, merged, vapi.WithCheckAndSet(version))
		if err == nil {
			return nil
		}
		if !strings.Contains(err.Error(), "check-and-set") {
			break
		}
	}
	return s.wrap("write", err)
}

// Snapshot returns the current version's number ("version:N", 0 when the
// secret does not exist): KV v2 keeps it, so the old values stay
// recoverable without a copy.
func (s *Store) Snapshot(ctx context.Context, _ string, _ []string) (string, error) {
	_, version, err := s.read(ctx)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	return "version:" + strconv.Itoa(version), nil
}

// Recall reads fields of the version Snapshot named.
func (s *Store) Recall(ctx context.Context, ref string, fields []string) (map[string]vigil.Secret, error) {
	n, err := strconv.Atoi(strings.TrimPrefix(ref, "version:"))
	if err != nil || !strings.HasPrefix(ref, "version:") || n < 0 {
		return nil, fmt.Errorf("%s: %q is not a version reference", s, ref)
	}
	out := map[string]vigil.Secret{}
	if n == 0 {
		return out, nil
	}
	if err := s.login(ctx); err != nil {
		return nil, err
	}
	sec, err := s.kv().GetVersion(ctx, s.cfg.Path, n)
	if err != nil {
		return nil, s.wrap(fmt.Sprintf("read version %d", n), err)
	}
	for _, f := range fields {
		if v, ok := sec.Data[f].(string); ok {
			out[f] = vigil.NewSecret(v)
		}
	}
	return out, nil
}

// Forget does nothing: the version stays in Vault's history.
func (s *Store) Forget(context.Context, string) error { return nil }

// Fields lists the latest version's fields.
func (s *Store) Fields(ctx context.Context) ([]string, error) {
	data, _, err := s.read(ctx)
	if err != nil {
		return nil, err
	}
	return slices.Sorted(maps.Keys(data)), nil
}

// wrap explains Vault's answers.
func (s *Store) wrap(op string, err error) error {
	var re *vapi.ResponseError
	if errors.As(err, &re) {
		why := strings.Join(re.Errors, "; ")
		switch re.StatusCode {
		case http.StatusForbidden:
			why = "permission denied (check the token's policy for " + s.cfg.Mount + "/data/" + s.cfg.Path + ")"
		case http.StatusServiceUnavailable:
			why = "Vault is sealed or unavailable: " + why
		}
		return fmt.Errorf("%s: %s: HTTP %d: %s", s, op, re.StatusCode, why)
	}
	return fmt.Errorf("%s: %s: %w", s, op, err)
}
