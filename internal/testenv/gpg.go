package testenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// GPGKeyEmail is the address of the key GPGHome makes.
const GPGKeyEmail = "vigil-test@example.invalid"

// gpgKeyParams make a throwaway signing and encryption key without a
// passphrase.
const gpgKeyParams = `%no-protection
Key-Type: EdDSA
Key-Curve: ed25519
Subkey-Type: ECDH
Subkey-Curve: cv25519
Name-Real: vigil test
Name-Email: ` + GPGKeyEmail + `
Expire-Date: 0
%commit
`

// GPGHome makes a GNUPGHOME holding a throwaway key (GPGKeyEmail) in a
// short temporary directory (gpg-agent's socket path has a length limit)
// and returns it; the agent is stopped and the directory removed when the
// test ends. It skips (fails in strict mode) without gpg.
func GPGHome(t testing.TB) string {
	t.Helper()
	gpg := NeedProgram(t, "gpg")
	dir, err := os.MkdirTemp("", "vigil-gpg-")
	if err != nil {
		t.Fatal(err)
	}
	home := filepath.Join(dir, "g")
	if err := os.Mkdir(home, 0o700); err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "GNUPGHOME="+home, "HOME="+dir)
	t.Cleanup(func() {
		kill := exec.Command("gpgconf", "--kill", "gpg-agent")
		kill.Env = env
		_ = kill.Run()
		_ = os.RemoveAll(dir)
	})
	cmd := exec.Command(gpg, "--batch", "--quiet", "--generate-key")
	cmd.Env, cmd.Stdin = env, strings.NewReader(gpgKeyParams)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("gpg --generate-key: %v\n%s", err, out)
	}
	return home
}
