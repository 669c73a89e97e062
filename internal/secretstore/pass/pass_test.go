package pass

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/internal/testenv"
)

// gpgEnv returns an environment with a GNUPGHOME holding a throwaway key
// and an empty PASSWORD_STORE_DIR.
func gpgEnv(t *testing.T) []string {
	t.Helper()
	home := testenv.GPGHome(t)
	dir := filepath.Dir(home)
	return append(os.Environ(), "GNUPGHOME="+home, "PASSWORD_STORE_DIR="+filepath.Join(dir, "store"), "HOME="+dir)
}

func TestPassRoundTrip(t *testing.T) {
	testenv.NeedProgram(t, "pass")
	env := gpgEnv(t)
	init := exec.Command("pass", "init", testenv.GPGKeyEmail)
	init.Env = env
	if out, err := init.CombinedOutput(); err != nil {
		t.Fatalf("pass init: %v\n%s", err, out)
	}
	roundTrip(t, New(Pass, "twilio/prod/", env))
}

func roundTrip(t *testing.T, s *Store) {
	t.Helper()
	ctx := context.Background()
	if _, err := s.Get(ctx, "TWILIO_API_KEY"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Get before Put: %v, want fs.ErrNotExist", err)
	}
	for _, v := range []string{"first", "second value"} {
		if err := s.Put(ctx, map[string]vigil.Secret{"TWILIO_API_KEY": vigil.NewSecret("SK" + v), "TWILIO_API_SECRET": vigil.NewSecret(v)}); err != nil {
			t.Fatal(err)
		}
		if got, err := s.Get(ctx, "TWILIO_API_SECRET"); err != nil || got.Reveal() != v {
			t.Fatalf("Get = %q, %v; want %q", got.Reveal(), err, v)
		}
	}
	if s.String() != string(s.prog)+":twilio/prod" {
		t.Errorf("String() = %q", s.String())
	}
}

// TestGopassRoundTrip runs only with gopasspw/gopass (Debian's "gopass"
// package is an unrelated, older pass clone).
func TestGopassRoundTrip(t *testing.T) {
	if _, err := exec.LookPath("gopass"); err != nil {
		t.Skip("skipping: gopass is not installed (optional)")
	}
	if out, err := exec.Command("gopass", "--version").Output(); err != nil || !strings.HasPrefix(string(out), "gopass 1.") {
		t.Skip("skipping: the gopass on PATH is not gopasspw/gopass")
	}
	env := gpgEnv(t)
	init := exec.Command("gopass", "init", "--crypto", "gpgcli", "--storage", "fs", testenv.GPGKeyEmail)
	init.Env = env
	if out, err := init.CombinedOutput(); err != nil {
		t.Fatalf("gopass init: %v\n%s", err, out)
	}
	roundTrip(t, New(Gopass, "twilio/prod", env))
}

func TestPassFailure(t *testing.T) {
	testenv.NeedProgram(t, "pass")
	// A store that was never initialised: pass cannot encrypt.
	dir := t.TempDir()
	env := append(os.Environ(), "PASSWORD_STORE_DIR="+dir, "GNUPGHOME="+filepath.Join(dir, "nope"))
	err := New(Pass, "x", env).Put(context.Background(), map[string]vigil.Secret{"K": vigil.NewSecret("v")})
	if err == nil || !strings.Contains(err.Error(), "pass:x: insert x/K") {
		t.Errorf("Put into an uninitialised store: %v", err)
	}
}
