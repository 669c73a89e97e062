package main

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigilsec/vigil/internal/fakecred"
	"github.com/vigilsec/vigil/twilio"
	"github.com/vigilsec/vigil/webhook"
)

// TestTokensFromStore checks that the webhook commands and the Access Token
// minter read their credentials from a secret store, the one `vigil twilio
// rotate` writes, as well as from the environment.
func TestTokensFromStore(t *testing.T) {
	g := fakecred.New(9)
	dir := t.TempDir()
	env := filepath.Join(dir, ".env")
	token := g.MustExpand("{hex:32}")
	account, key, secret := g.MustExpand("AC{hex:32}"), g.MustExpand("SK{hex:32}"), g.MustExpand("{alnum:32}")
	content := "# rotated by vigil\nTWILIO_AUTH_TOKEN=" + token + "\nTWILIO_ACCOUNT_SID=" + account +
		"\nTWILIO_API_KEY=" + key + "\nTWILIO_API_SECRET=" + secret + "\n"
	if err := os.WriteFile(env, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}

	io, out, errb := envStdio(nil, "")
	code := run(context.Background(), []string{"webhook", "sign", "--url", "https://hooks.example.com/sms", "--param", "Body=hi", "--headers", "--token-store", "dotenv:" + env}, io)
	want := webhook.Sign(token, "https://hooks.example.com/sms", url.Values{"Body": {"hi"}})
	if code != 0 || !strings.Contains(out.String(), want) {
		t.Fatalf("webhook sign from a store: exit %d, want signature %s\n%s%s", code, want, out, errb)
	}

	io, out, errb = envStdio(nil, "")
	code = run(context.Background(), []string{"twilio", "token", "--identity", "alice", "--grant", "video:room=r1", "--credentials-store", "dotenv:" + env}, io)
	if code != 0 {
		t.Fatalf("twilio token from a store: exit %d\n%s", code, errb)
	}
	tok, err := twilio.ParseAccessToken(strings.TrimSpace(out.String()))
	if err != nil || tok.KeySID != key || tok.AccountSID != account {
		t.Fatalf("minted token: %+v, %v", tok, err)
	}

	io, _, errb = envStdio(nil, "")
	code = run(context.Background(), []string{"webhook", "sign", "--url", "https://x.example/y", "--token-store", "dotenv:" + env, "--token-field", "MISSING"}, io)
	if code == 0 || !strings.Contains(errb.String(), "holds none of the fields MISSING") {
		t.Fatalf("a store without the field: exit %d\n%s", code, errb)
	}
}
