package vault

import (
	"context"
	"errors"
	"io/fs"
	"strings"
	"testing"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/internal/secretstore/vault/vaulttest"
)

func TestRoundTripToken(t *testing.T) {
	f := vaulttest.New(t, "tok-1")
	f.Versions["twilio/prod"] = []map[string]any{{"OTHER": "kept", "TWILIO_API_KEY": "old"}}
	s, err := New(Config{Address: f.URL, Mount: "secret", Path: "twilio/prod", Token: vigil.NewSecret("tok-1"), MaxRetries: 0})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := s.Put(ctx, map[string]vigil.Secret{"TWILIO_API_KEY": vigil.NewSecret("new"), "TWILIO_API_SECRET": vigil.NewSecret("s")}); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{"TWILIO_API_KEY": "new", "TWILIO_API_SECRET": "s", "OTHER": "kept"} {
		if v, err := s.Get(ctx, k); err != nil || v.Reveal() != want {
			t.Errorf("Get %s = %q, %v", k, v.Reveal(), err)
		}
	}
	if n := len(f.Versions["twilio/prod"]); n != 2 {
		t.Errorf("%d versions, want 2 (a new version per write)", n)
	}
	if _, err := s.Get(ctx, "MISSING"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing field: %v", err)
	}
	if s.String() != "vault://"+strings.TrimPrefix(f.URL, "http://")+"/secret/twilio/prod" {
		t.Errorf("String() = %s", s)
	}
}

func TestAppRoleAndNewSecret(t *testing.T) {
	f := vaulttest.New(t, "tok-2")
	f.RoleID, f.SecretID = "role", "sid"
	s, err := New(Config{Address: f.URL, Mount: "secret", Path: "new", RoleID: vigil.NewSecret("role"), SecretID: vigil.NewSecret("sid"), MaxRetries: 0})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := s.Get(ctx, "K"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Get of a missing secret: %v", err)
	}
	if err := s.Put(ctx, map[string]vigil.Secret{"K": vigil.NewSecret("v")}); err != nil {
		t.Fatal(err)
	}
	if v, err := s.Get(ctx, "K"); err != nil || v.Reveal() != "v" {
		t.Errorf("Get = %q, %v", v.Reveal(), err)
	}
	logins := 0
	for _, r := range f.Requests {
		if strings.Contains(r, "approle/login") {
			logins++
		}
	}
	if logins != 1 {
		t.Errorf("%d AppRole logins, want 1: %v", logins, f.Requests)
	}
}

func TestCheckAndSetRetry(t *testing.T) {
	f := vaulttest.New(t, "tok")
	s, _ := New(Config{Address: f.URL, Mount: "secret", Path: "p", Token: vigil.NewSecret("tok"), MaxRetries: 0})
	ctx := context.Background()
	if _, _, err := s.read(ctx); err == nil {
		t.Fatal("want not found")
	}
	// Another writer creates version 1 between our read and our write.
	f.Versions["p"] = []map[string]any{{"THEIRS": "x"}}
	if err := s.Put(ctx, map[string]vigil.Secret{"K": vigil.NewSecret("v")}); err != nil {
		t.Fatal(err)
	}
	if v, _ := s.Get(ctx, "THEIRS"); v.Reveal() != "x" {
		t.Error("the other writer's field was lost")
	}
}

func TestErrors(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		name  string
		setup func(*vaulttest.Vault)
		cfg   func(*Config)
		want  string
	}{
		{"bad token", nil, func(c *Config) { c.Token = vigil.NewSecret("wrong-t0k3n") }, "HTTP 403: permission denied"},
		{"sealed", func(f *vaulttest.Vault) { f.Sealed = true }, nil, "HTTP 503: Vault is sealed"},
		{"bad approle", func(f *vaulttest.Vault) { f.RoleID, f.SecretID = "r", "s" },
			func(c *Config) {
				c.Token = vigil.Secret{}
				c.RoleID, c.SecretID = vigil.NewSecret("r"), vigil.NewSecret("bad")
			}, "AppRole login: HTTP 400: invalid role or secret ID"},
		{"wrong mount", nil, func(c *Config) { c.Mount = "kv" }, "HTTP 404"},
		{"unreachable", nil, func(c *Config) { c.Address = "http://127.0.0.1:1" }, "connection refused"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := vaulttest.New(t, "tok")
			if tt.setup != nil {
				tt.setup(f)
			}
			cfg := Config{Address: f.URL, Mount: "secret", Path: "p", Token: vigil.NewSecret("tok"), MaxRetries: 0}
			if tt.cfg != nil {
				tt.cfg(&cfg)
			}
			s, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			err = s.Put(ctx, map[string]vigil.Secret{"K": vigil.NewSecret("v")})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Put: %v, want %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "t0k3n") {
				t.Errorf("the error shows the token: %v", err)
			}
		})
	}
	if _, err := New(Config{Address: "http://x", Mount: "secret", Path: "p"}); err == nil || !strings.Contains(err.Error(), "VAULT_TOKEN") {
		t.Errorf("no credentials: %v", err)
	}
}
