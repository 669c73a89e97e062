package fleet

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/internal/secretstore"
	"github.com/vigilsec/vigil/internal/testenv"
	"github.com/vigilsec/vigil/twilio/twiliotest"
)

// TestTwilioStores: [[twilio]] accounts read their credentials from
// secret stores — a real pass store, a dotenv file with its own field
// names holding an API key — and are audited; an account whose store is
// unreachable is reported failed on its source, and the others still
// run. Nothing stored holds a credential.
func TestTwilioStores(t *testing.T) {
	ctx := context.Background()
	testenv.NeedProgram(t, "pass")
	w := newWorld(t, "")
	emu := twiliotest.NewServer(t, twiliotest.Options{})
	shop := emu.AddAccount(twiliotest.AccountSeed{FriendlyName: "Shop"})
	keyed := emu.AddAccount(twiliotest.AccountSeed{FriendlyName: "Keyed", Keys: []twiliotest.KeySeed{{FriendlyName: "audit", Type: twiliotest.KeyMain}}})
	key := keyed.Keys[0]
	w.verifyBase = map[string]string{"twilio": emu.URL}

	home := testenv.GPGHome(t)
	gdir := filepath.Dir(home)
	w.environ = append(os.Environ(), "GNUPGHOME="+home, "PASSWORD_STORE_DIR="+filepath.Join(gdir, "store"), "HOME="+gdir)
	init := exec.Command("pass", "init", testenv.GPGKeyEmail)
	init.Env = w.environ
	if out, err := init.CombinedOutput(); err != nil {
		t.Fatalf("pass init: %v\n%s", err, out)
	}
	ps, err := secretstore.Open(ctx, "pass:twilio/prod", secretstore.Options{Environ: w.environ})
	if err != nil {
		t.Fatal(err)
	}
	if err := ps.Put(ctx, map[string]vigil.Secret{"TWILIO_ACCOUNT_SID": vigil.NewSecret(shop.SID), "TWILIO_AUTH_TOKEN": shop.AuthToken}); err != nil {
		t.Fatal(err)
	}
	dotenv := filepath.Join(w.dir, "keyed.env")
	if err := os.WriteFile(dotenv, fmt.Appendf(nil, "SID=%s\nKEY=%s\nKEY_SECRET=%s\n", keyed.SID, key.SID, key.Secret.Reveal()), 0o600); err != nil {
		t.Fatal(err)
	}
	w.env["VAULT_TOKEN"] = "hvs.test"
	toml := fmt.Sprintf(`audit = "1ms"
[[twilio]]
name = "shop"
store = "pass://twilio/prod"
[[twilio]]
name = "keyed"
store = "dotenv:%s"
account_sid_field = "SID"
api_key_field = "KEY"
api_secret_field = "KEY_SECRET"
[[twilio]]
name = "down"
store = "vault://127.0.0.1:1/secret/twilio?scheme=http"
`, dotenv)
	w.pass(toml)

	latest, err := w.conn.LatestAudits(ctx)
	if err != nil {
		t.Fatal(err)
	}
	audited := map[string]bool{}
	for _, run := range latest {
		audited[run.Account] = true
	}
	if !audited[shop.SID] || !audited[keyed.SID] || len(latest) != 2 {
		t.Errorf("audited %v, want %s (pass) and %s (dotenv, API key)", audited, shop.SID, keyed.SID)
	}
	srcs, err := w.conn.Sources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, src := range srcs {
		if want := src.Name == "twilio down"; (src.LastError != "") != want || want && !strings.Contains(src.LastError, "vault") {
			t.Errorf("source %s: error %q", src.Name, src.LastError)
		}
		if strings.Contains(src.Spec+src.LastError, shop.AuthToken.Reveal()) || strings.Contains(src.Spec+src.LastError, key.Secret.Reveal()) {
			t.Errorf("source %s holds a credential", src.Name)
		}
	}
}
