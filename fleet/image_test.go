package fleet

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/vigilsec/vigil/fleet/store"
	"github.com/vigilsec/vigil/internal/imagetest"
	"github.com/vigilsec/vigil/twilio/twiliotest"
)

// TestImageReverify: credentials found in an image (an API key in a
// layer's file, an Auth Token in the config's ENV) are verified by
// reading them again from the image: live at first; the key deleted in
// Twilio → invalid; the image deleted → unknown, saying the image is no
// longer available. The store never holds either secret.
func TestImageReverify(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, "")
	emu := twiliotest.NewServer(t, twiliotest.Options{})
	acct := emu.AddAccount(twiliotest.AccountSeed{FriendlyName: "Shop", Keys: []twiliotest.KeySeed{{FriendlyName: "app"}}})
	key := acct.Keys[0]
	w.verifyBase = map[string]string{"twilio": emu.URL}
	ref := filepath.Join(w.dir, "app.tar")
	build := func(version string) {
		imagetest.Save(t, ref, []string{"PATH=/usr/bin", "TWILIO_ACCOUNT_SID=" + acct.SID, "TWILIO_AUTH_TOKEN=" + acct.AuthToken.Reveal()},
			[]v1.History{{CreatedBy: "COPY app /app"}, {CreatedBy: "ENV TWILIO_AUTH_TOKEN", EmptyLayer: true}},
			imagetest.Layer(t, map[string]string{
				"app/.env":    fmt.Sprintf("TWILIO_ACCOUNT_SID=%s\nTWILIO_API_KEY=%s\nTWILIO_API_SECRET=%s\n", acct.SID, key.SID, key.Secret.Reveal()),
				"app/VERSION": version,
			}))
	}
	build("1")
	toml := fmt.Sprintf("verify = true\n[[image]]\nref = %q\n", ref)
	w.pass(toml)

	byRule := map[string]store.Incident{}
	for _, in := range w.incidents() {
		byRule[in.Rule] = in
	}
	keyIn, tokIn := byRule["twilio-api-key"], byRule["twilio-auth-token"]
	if keyIn.ID == 0 || tokIn.ID == 0 {
		t.Fatalf("incidents: %+v", w.incidents())
	}
	for _, in := range []store.Incident{keyIn, tokIn} {
		if in.Verdict != store.VerdictLive {
			t.Errorf("%s: verdict %s (%s), want live", in.Rule, in.Verdict, in.VerdictReason)
		}
		o := in.Occurrences[0]
		if o.ImageRef != ref || !strings.HasPrefix(o.Commit, "sha256:") || !strings.HasPrefix(o.Blob, "sha256:") || o.SpanLen == 0 {
			t.Errorf("%s: occurrence without its place: %+v", in.Rule, o)
		}
		if s := fmt.Sprintf("%+v", in); strings.Contains(s, key.Secret.Reveal()) || strings.Contains(s, acct.AuthToken.Reveal()) {
			t.Errorf("%s: the store holds the secret in clear", in.Rule)
		}
	}
	if o := keyIn.Occurrences[0]; o.Path != "app/.env" || o.Blob != o.Layer {
		t.Errorf("key occurrence: %+v", o)
	}
	if o := tokIn.Occurrences[0]; o.Path != "@config/env" || o.Blob == keyIn.Occurrences[0].Blob {
		t.Errorf("token occurrence: %+v (its blob should be the config)", o)
	}

	// An occurrence stored before image references were (schema 3) is
	// read from its repository's image.
	if _, err := w.conn.DB().Exec("UPDATE fleet_occurrences SET image_ref = ''"); err != nil {
		t.Fatal(err)
	}
	if err := w.fleet.verify(ctx, keyIn.ID, "test"); err != nil {
		t.Fatal(err)
	}
	if hist, _ := w.conn.Verifications(ctx, keyIn.ID); len(hist) != 2 || hist[1].Verdict != store.VerdictLive {
		t.Errorf("an occurrence without its image reference: %+v", hist)
	}

	// The image is rebuilt (a new digest, new layer) with the secrets
	// still in it: the occurrences now point at the new image, where a
	// worker will read them.
	build("2")
	w.pass(toml)
	for _, old := range []store.Incident{keyIn, tokIn} {
		now, err := w.conn.Incident(ctx, old.ID)
		if err != nil {
			t.Fatal(err)
		}
		if o := now.Occurrences[0]; len(now.Occurrences) != 1 || o.Commit == old.Occurrences[0].Commit || old.Rule == "twilio-api-key" && o.Blob == old.Occurrences[0].Blob {
			t.Errorf("%s after a rebuild: %+v, want the new image's digest and layer", old.Rule, now.Occurrences)
		}
	}

	// The key is deleted in Twilio: read again from the image, it is
	// invalid; the Auth Token is still live.
	req, _ := http.NewRequest("DELETE", emu.URL+"/v1/Keys/"+key.SID, nil)
	req.Host = twiliotest.HostIAM
	req.SetBasicAuth(acct.SID, acct.AuthToken.Reveal())
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusNoContent {
		t.Fatalf("delete key: %v %v", resp, err)
	}
	resp.Body.Close()
	verdict := func(id int64) store.Incident {
		t.Helper()
		if err := w.fleet.verify(ctx, id, "test"); err != nil {
			t.Fatal(err)
		}
		in, err := w.conn.Incident(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return in
	}
	if in := verdict(keyIn.ID); in.Verdict != store.VerdictInvalid {
		t.Errorf("deleted key: verdict %s (%s), want invalid", in.Verdict, in.VerdictReason)
	}
	if in := verdict(tokIn.ID); in.Verdict != store.VerdictLive {
		t.Errorf("auth token: verdict %s (%s), want live", in.Verdict, in.VerdictReason)
	}

	// The image is gone: the verdict says so.
	if err := os.Remove(ref); err != nil {
		t.Fatal(err)
	}
	for _, id := range []int64{keyIn.ID, tokIn.ID} {
		if in := verdict(id); in.Verdict != store.VerdictUnknown || !strings.Contains(in.VerdictReason, "image no longer available") {
			t.Errorf("image gone: verdict %s (%s), want unknown saying the image is no longer available", in.Verdict, in.VerdictReason)
		}
	}
}
