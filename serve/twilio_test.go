package serve

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vigilsec/vigil/fleet/store"
	"github.com/vigilsec/vigil/internal/rotate"
	"github.com/vigilsec/vigil/internal/secretstore"
	"github.com/vigilsec/vigil/internal/secretstore/dotenv"
	"github.com/vigilsec/vigil/twilio/twiliotest"
)

// twilioFixture is a console whose Twilio requests go to the emulator,
// an account with a Standard key held in a dotenv store, and an incident
// for that key (verified: its SID and account are known).
type twilioFixture struct {
	*fixture
	emu      *twiliotest.Server
	acct     twiliotest.AccountInfo
	old      twiliotest.KeyInfo
	envFile  string
	incident int64
	admin    *client
}

func newTwilioFixture(t *testing.T) *twilioFixture {
	t.Helper()
	emu := twiliotest.NewServer(t, twiliotest.Options{})
	acct := emu.AddAccount(twiliotest.AccountSeed{Keys: []twiliotest.KeySeed{{FriendlyName: "deploy-bot"}}})
	env := map[string]string{"TWILIO_ACCOUNT_SID": acct.SID, "TWILIO_AUTH_TOKEN": acct.AuthToken.Reveal()}
	dir := t.TempDir()
	tf := &twilioFixture{emu: emu, acct: acct, old: acct.Keys[0], envFile: filepath.Join(dir, "app.env")}
	content := "# the app's settings\nTWILIO_ACCOUNT_SID=" + acct.SID + "\nTWILIO_API_KEY=" + tf.old.SID + "\nTWILIO_API_SECRET=" + tf.old.Secret.Reveal() + "\n"
	if err := os.WriteFile(tf.envFile, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	tf.fixture = newFixture(t, func(o *Options) {
		o.Twilio = &Twilio{
			OpenStore: func(ctx context.Context, uri string) (rotate.Store, error) {
				return secretstore.Open(ctx, uri, secretstore.Options{Getenv: func(string) string { return "" }})
			},
			Getenv: func(k string) string { return env[k] }, BaseURL: emu.URL, JournalDir: filepath.Join(dir, "journals"),
		}
	})
	tf.incident = tf.fixture.incident("fp-twilio", "twilio-api-key", "deploy/app.env")
	if _, err := tf.st.RecordVerification(context.Background(), tf.incident, store.Verification{Verdict: store.VerdictLive,
		Facts: map[string]string{"credential": "api key", "key": tf.old.SID, "account": acct.SID, "key_type": "standard or restricted"}}); err != nil {
		t.Fatal(err)
	}
	tf.admin = tf.login("ada", "admin")
	res, _ := tf.admin.post("/settings/rotation", url.Values{"scope": {idPath("repository:%d", tf.repo)}, "store": {"dotenv:" + tf.envFile}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("rotation settings: %d", res.StatusCode)
	}
	return tf
}

func (tf *twilioFixture) field(name string) string {
	tf.t.Helper()
	v, err := dotenv.New(tf.envFile).Get(context.Background(), name)
	if err != nil {
		tf.t.Fatal(err)
	}
	return v.Reveal()
}

var rotationRE = regexp.MustCompile(`^/rotations/(\d+)`)

// start shows the plan, starts the rotation and returns its page.
func (tf *twilioFixture) start() string {
	tf.t.Helper()
	page := idPath("/incidents/%d/rotate", tf.incident)
	res, body := tf.admin.get(page)
	if res.StatusCode != http.StatusOK {
		tf.t.Fatalf("the plan: %d\n%s", res.StatusCode, body)
	}
	mustContain(tf.t, body, "dry run", "Nothing has changed yet", "create a new standard API key", tf.old.SID)
	res, _ = tf.admin.post(page, url.Values{"key": {tf.old.SID}})
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !rotationRE.MatchString(loc) {
		tf.t.Fatalf("start: %d → %q", res.StatusCode, loc)
	}
	return strings.SplitN(loc, "?", 2)[0]
}

// await reloads a page until it holds want.
func (tf *twilioFixture) await(page, want string) string {
	tf.t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		_, body := tf.admin.get(page)
		if strings.Contains(body, want) {
			return body
		}
		if time.Now().After(deadline) {
			tf.t.Fatalf("%s never showed %q:\n%s", page, want, body)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// awaitResolved waits until the incident is resolved: the rotation's
// goroutine resolves it just after its journal's last step, which the
// page may show first.
func (tf *twilioFixture) awaitResolved(id int64) store.Incident {
	tf.t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		in := tf.status(id)
		if in.Status == store.StatusResolved || time.Now().After(deadline) {
			return in
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestRotateFromConsole: the dry run first, then the journal's steps
// live; after the admin confirms, the store holds a new key that works,
// the old key is gone, and the incident is resolved as rotated. No page
// shows either secret.
func TestRotateFromConsole(t *testing.T) {
	tf := newTwilioFixture(t)
	page := tf.start()
	body := tf.await(page, "Yes, revoke the old credential")
	mustContain(t, body, "Waiting for you", "create", "verify")
	res, _ := tf.admin.post(page+"/confirm", url.Values{"answer": {"yes"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("confirm: %d", res.StatusCode)
	}
	tf.await(page, "finish")
	newSID, newSecret := tf.field("TWILIO_API_KEY"), tf.field("TWILIO_API_SECRET")
	k, ok := tf.emu.Key(newSID)
	if !ok || newSID == tf.old.SID || k.Secret.Reveal() != newSecret {
		t.Fatalf("the store does not hold a new working key: %s", newSID)
	}
	if _, ok := tf.emu.Key(tf.old.SID); ok {
		t.Error("the old key still exists")
	}
	in := tf.awaitResolved(tf.incident)
	if in.Status != store.StatusResolved || in.StatusReason != store.ReasonRotated {
		t.Errorf("incident after the rotation: %s (%s)", in.Status, in.StatusReason)
	}
	_, inc := tf.admin.get(idPath("/incidents/%d", tf.incident))
	mustContain(t, inc, "rotation started", "rotated from the console")
	for _, p := range []string{page, idPath("/incidents/%d", tf.incident), "/settings/rotation"} {
		_, b := tf.admin.get(p)
		for _, secret := range []string{tf.old.Secret.Reveal(), newSecret, tf.acct.AuthToken.Reveal()} {
			if strings.Contains(b, secret) {
				t.Fatalf("%s shows a secret in clear", p)
			}
		}
	}
	tok := tf.token("ada", "admin")
	code, js := tf.api("GET", "/api"+page, tok, nil)
	if code != http.StatusOK || !strings.Contains(js, `"step":"revoke"`) || strings.Contains(js, newSecret) {
		t.Errorf("the rotation's API: %d %.200s", code, js)
	}
}

// TestRotationDeclinedThenRolledBack: declining keeps the old key; the
// rotation can then be rolled back from its page, and the old key is
// what the store holds and what works.
func TestRotationDeclinedThenRolledBack(t *testing.T) {
	tf := newTwilioFixture(t)
	page := tf.start()
	tf.await(page, "Yes, revoke the old credential")
	if res, _ := tf.admin.post(page+"/confirm", url.Values{"answer": {"no"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("decline: %d", res.StatusCode)
	}
	tf.await(page, "This rotation stopped part way")
	if res, _ := tf.admin.post(page+"/recover", url.Values{"action": {"rollback"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("rollback: %d", res.StatusCode)
	}
	tf.await(page, "rolled back")
	if tf.field("TWILIO_API_KEY") != tf.old.SID || tf.field("TWILIO_API_SECRET") != tf.old.Secret.Reveal() {
		t.Error("the store does not hold the old key again")
	}
	if _, ok := tf.emu.Key(tf.old.SID); !ok {
		t.Error("the old key was deleted")
	}
	if st := tf.status(tf.incident).Status; st == store.StatusResolved {
		t.Error("a rolled-back rotation resolved the incident")
	}
	if res, _ := tf.admin.post(page+"/confirm", url.Values{"answer": {"yes"}}); res.StatusCode != http.StatusConflict {
		t.Errorf("confirming a finished rotation: %d", res.StatusCode)
	}
}

// TestRotationNeedsSettings: without a store configured for the
// credential, the console says what to do, and changes nothing.
func TestRotationNeedsSettings(t *testing.T) {
	tf := newTwilioFixture(t)
	tf.admin.post("/settings/rotation/delete", url.Values{"scope": {idPath("repository:%d", tf.repo)}})
	res, body := tf.admin.get(idPath("/incidents/%d/rotate", tf.incident))
	if res.StatusCode != http.StatusConflict || !strings.Contains(body, "No secret store is configured") {
		t.Fatalf("rotate without settings: %d", res.StatusCode)
	}
	for _, bad := range []url.Values{
		{"scope": {"repo:1"}, "store": {"dotenv:/x"}},
		{"scope": {"account:AC1"}, "store": {"dotenv:/x"}},
		{"scope": {"repository:1"}, "store": {"nowhere"}},
		{"scope": {"repository:1"}, "store": {"dotenv:/x"}, "wait": {"1m"}, "health_url": {"https://x/"}},
	} {
		if res, _ := tf.admin.post("/settings/rotation", bad); res.StatusCode != http.StatusBadRequest {
			t.Errorf("settings %v: %d", bad, res.StatusCode)
		}
	}
}

// TestExposureFromConsole: the exposure report of a Twilio credential,
// for the window since its first commit, from the emulator's events.
func TestExposureFromConsole(t *testing.T) {
	tf := newTwilioFixture(t)
	c := tf.login("mia", "member")
	res, body := c.get(idPath("/incidents/%d/exposure", tf.incident))
	if res.StatusCode != http.StatusOK {
		t.Fatalf("exposure: %d\n%s", res.StatusCode, body)
	}
	mustContain(t, body, "Exposure since", "since the first commit", tf.acct.SID)
	if strings.Contains(body, tf.old.Secret.Reveal()) {
		t.Fatal("the exposure page shows the secret")
	}
	other := tf.fixture.incident("fp-gh", "github-pat", "x")
	if res, _ := c.get(idPath("/incidents/%d/exposure", other)); res.StatusCode != http.StatusBadRequest {
		t.Errorf("exposure of a GitHub token: %d", res.StatusCode)
	}
}
