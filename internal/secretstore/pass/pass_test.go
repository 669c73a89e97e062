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

// keyParams makes a throwaway signing+encryption key with no passphrase.
const keyParams = `%no-protection
Key-Type: EdDSA
Key-Curve: ed25519
Subkey-Type: ECDH
Subkey-Curve: cv25519
Name-Real: vigil test
Name-Email: vigil-test@example.invalid
Expire-Date: 0
%commit
`

// gpgEnv creates a GNUPGHOME with a throwaway key and returns an
// environment with it and an empty PASSWORD_STORE_DIR.
func gpgEnv(t *testing.T) []string {
	t.Helper()
	gpg := testenv.NeedProgram(t, "gpg")
	dir, err := os.MkdirTemp("", "vigil-gpg-") // short: gpg-agent's socket path has a length limit
	if err != nil {
		t.Fatal(err)
	}
	home := filepath.Join(dir, "g")
	store := filepath.Join(dir, "store")
	if err := os.Mkdir(home, 0o700); err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "GNUPGHOME="+home, "PASSWORD_STORE_DIR="+store, "HOME="+dir)
	t.Cleanup(func() {
		kill := exec.Command("gpgconf", "--kill", "gpg-agent")
		kill.Env = env
		_ = kill.Run()
		_ = os.RemoveAll(dir)
	})
	cmd := exec.Command(gpg, "--batch", "--quiet", "--generate-key")
	cmd.Env, cmd.Stdin = env, strings.NewReader(keyParams)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("gpg --generate-key: %v\n%s", err, out)
	}
	return env
}

func TestPassRoundTrip(t *testing.T) {
	testenv.NeedProgram(t, "pass")
	env := gpgEnv(t)
	init := exec.Command("pass", "init", "vigil-test@example.invalid")
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
	init := exec.Command("gopass", "init", "--crypto", "gpgcli", "--storage", "fs", "vigil-test@example.invalid")
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
