package conjur

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/internal/secretstore/conjur/conjurtest"
)

func newStore(t *testing.T, c *conjurtest.Conjur) *Store {
	t.Helper()
	c.Hosts["host/vigil"] = "api-key-1"
	s, err := New(Config{URL: c.URL, Account: "myorg", Path: "prod/twilio", Login: "host/vigil", APIKey: vigil.NewSecret("api-key-1")})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestRoundTripAndVersions(t *testing.T) {
	ctx := context.Background()
	c := conjurtest.New(t, "myorg")
	c.Declare("prod/twilio/TWILIO_API_KEY", "prod/twilio/TWILIO_API_SECRET")
	s := newStore(t, c)
	if _, err := s.Get(ctx, "TWILIO_API_KEY"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("a variable without a value: %v, want fs.ErrNotExist", err)
	}
	ref0, err := s.Snapshot(ctx, "t", []string{"TWILIO_API_KEY", "TWILIO_API_SECRET"})
	if err != nil {
		t.Fatal(err)
	}
	put := func(k, v string) {
		if err := s.Put(ctx, map[string]vigil.Secret{"TWILIO_API_KEY": vigil.NewSecret(k), "TWILIO_API_SECRET": vigil.NewSecret(v)}); err != nil {
			t.Fatal(err)
		}
	}
	put("old-sid", "old-secret")
	ref1, err := s.Snapshot(ctx, "t", []string{"TWILIO_API_KEY", "TWILIO_API_SECRET"})
	if err != nil {
		t.Fatal(err)
	}
	put("new-sid", "new-secret")
	got, err := s.Values(ctx, []string{"TWILIO_API_KEY", "TWILIO_API_SECRET"})
	if err != nil || got["TWILIO_API_KEY"].Reveal() != "new-sid" || got["TWILIO_API_SECRET"].Reveal() != "new-secret" {
		t.Fatalf("batch read: %v %v", got, err)
	}
	old, err := s.Recall(ctx, ref1, []string{"TWILIO_API_KEY", "TWILIO_API_SECRET"})
	if err != nil || old["TWILIO_API_KEY"].Reveal() != "old-sid" || old["TWILIO_API_SECRET"].Reveal() != "old-secret" {
		t.Fatalf("recall %s: %v %v", ref1, old, err)
	}
	if none, err := s.Recall(ctx, ref0, []string{"TWILIO_API_KEY"}); err != nil || len(none) != 0 {
		t.Fatalf("recall of no value: %v %v", none, err)
	}
	// A batch with a missing variable falls back to single reads.
	got, err = s.Values(ctx, []string{"TWILIO_API_KEY", "MISSING"})
	if err != nil || len(got) != 1 {
		t.Fatalf("batch with a missing variable: %v %v", got, err)
	}
}

func TestErrors(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		name  string
		setup func(*conjurtest.Conjur, *Store)
		op    func(*Store) error
		want  string
	}{
		{"bad API key", func(c *conjurtest.Conjur, _ *Store) { c.Hosts["host/vigil"] = "other" },
			func(s *Store) error { _, err := s.Get(ctx, "K"); return err }, "check CONJUR_AUTHN_LOGIN"},
		{"policy denies read", func(c *conjurtest.Conjur, _ *Store) { c.Deny("execute", "prod/twilio/K") },
			func(s *Store) error { _, err := s.Get(ctx, "K"); return err }, "does not give host/vigil the execute (read) privilege"},
		{"policy denies update", func(c *conjurtest.Conjur, _ *Store) { c.Deny("update", "prod/twilio/K") },
			func(s *Store) error { return s.Put(ctx, map[string]vigil.Secret{"K": vigil.NewSecret("v")}) }, "the update privilege"},
		{"undeclared variable", func(*conjurtest.Conjur, *Store) {},
			func(s *Store) error { return s.Put(ctx, map[string]vigil.Secret{"UNDECLARED": vigil.NewSecret("v")}) }, "is not declared in policy"},
		{"empty value", func(*conjurtest.Conjur, *Store) {},
			func(s *Store) error { return s.Put(ctx, map[string]vigil.Secret{"K": vigil.NewSecret("")}) }, "(422)"},
		{"expired token is renewed", func(c *conjurtest.Conjur, s *Store) {
			_, _ = s.Get(ctx, "K")
			c.Expire()
		}, func(s *Store) error { return s.Put(ctx, map[string]vigil.Secret{"K": vigil.NewSecret("v")}) }, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := conjurtest.New(t, "myorg")
			c.Declare("prod/twilio/K")
			s := newStore(t, c)
			tt.setup(c, s)
			err := tt.op(s)
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "api-key-1") {
				t.Error("the API key is in the error")
			}
		})
	}
}

// TestTokenFile authenticates with a token an authenticator wrote.
func TestTokenFile(t *testing.T) {
	c := conjurtest.New(t, "myorg")
	c.Declare("prod/twilio/K")
	c.Hosts["host/app"] = "k2"
	resp, err := http.Post(c.URL+"/authn/myorg/host%2Fapp/authenticate", "text/plain", strings.NewReader("k2"))
	if err != nil {
		t.Fatal(err)
	}
	var tok map[string]string
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || resp.StatusCode != 200 {
		t.Fatalf("authenticate: %d %v", resp.StatusCode, err)
	}
	resp.Body.Close()
	b, _ := json.Marshal(tok)
	file := filepath.Join(t.TempDir(), "access-token")
	if err := os.WriteFile(file, b, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := New(Config{URL: c.URL, Account: "myorg", Path: "prod/twilio", TokenFile: file})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Put(context.Background(), map[string]vigil.Secret{"K": vigil.NewSecret("v")}); err != nil {
		t.Fatal(err)
	}
	if v, _ := c.Value("prod/twilio/K"); v != "v" {
		t.Errorf("value %q", v)
	}
}
