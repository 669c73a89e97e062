package fleet

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/vigilsec/vigil/fleet/enumerate/enumeratetest"
	"github.com/vigilsec/vigil/fleet/notify"
	"github.com/vigilsec/vigil/fleet/store"
	"github.com/vigilsec/vigil/internal/gittest"
	"github.com/vigilsec/vigil/twilio/twiliotest"
)

// TestGitHubOrganisation lists an organisation through the fake API and
// clones from a real git server: archived repositories and forks are
// left out unless asked for, and a repository no longer listed is marked
// gone with its incidents kept.
func TestGitHubOrganisation(t *testing.T) {
	w := newWorld(t, "")
	api := enumeratetest.NewGitHub()
	defer api.Close()
	api.Token = "gh-token"
	w.env["GH"] = "gh-token"
	for i, kind := range []string{"plain", "archived", "fork", "other"} {
		r := gittest.New(t)
		r.Commit("add", "Ann <ann@example.com>", map[string]string{"k.env": "T=" + w.gen.GitHubToken("ghp") + "\n"})
		w.git.Publish(t, r.Dir, kind)
		api.Add(enumeratetest.Repo{Owner: "acme", Name: kind, CloneURL: w.git.URLOf(kind), Archived: i == 1, Fork: i == 2})
	}
	toml := fmt.Sprintf("[[github]]\norg = \"acme\"\napi_url = %q\ntoken_env = \"GH\"\n", api.URL)
	w.pass(toml)
	if n := len(w.incidents()); n != 2 {
		t.Fatalf("%d incidents, want 2 (plain, other)", n)
	}
	api.Remove("acme", "other")
	w.pass(toml)
	repos, _ := w.conn.Repositories(context.Background(), 0, false)
	for _, r := range repos {
		if (r.Name == "acme/other") != r.Gone {
			t.Errorf("%s: gone = %v", r.Name, r.Gone)
		}
	}
	if n := len(w.incidents()); n != 2 {
		t.Errorf("%d incidents after a repository went away, want 2 kept", n)
	}
	// A bad token fails the source, not the pass: nothing is lost.
	w.env["GH"] = "wrong"
	w.pass(toml)
	srcs, _ := w.conn.Sources(context.Background())
	if len(srcs) != 1 || !strings.Contains(srcs[0].LastError, "Bad credentials") {
		t.Errorf("source error = %+v", srcs)
	}
	if n := len(w.incidents()); n != 2 {
		t.Errorf("%d incidents after a bad token", n)
	}
}

// TestVerifyAndNotify: a Twilio Auth Token committed with its Account SID
// is verified live against the emulator, and the signed webhook is sent
// once, without the secret; passes that find nothing new send nothing.
func TestVerifyAndNotify(t *testing.T) {
	w := newWorld(t, "")
	tw := twiliotest.NewServer(t, twiliotest.Options{})
	acct := tw.AddAccount(twiliotest.AccountSeed{FriendlyName: "Prod", Type: "Full"})
	w.verifyBase = map[string]string{"twilio": tw.URL}
	key := []byte("hook-key")
	w.env["HOOK_KEY"] = string(key)
	var mu sync.Mutex
	var got []notify.Message
	var bodies []string
	hook := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if !notify.Verify(key, r.Header.Get("X-Vigil-Timestamp"), body, r.Header.Get("X-Vigil-Signature")) {
			t.Errorf("unsigned or badly signed webhook")
		}
		var m notify.Message
		_ = json.Unmarshal(body, &m)
		mu.Lock()
		got, bodies = append(got, m), append(bodies, string(body))
		mu.Unlock()
	}))
	defer hook.Close()
	work := gittest.New(t)
	work.Commit("twilio", "Ann <ann@example.com>", map[string]string{
		"twilio.env": "TWILIO_ACCOUNT_SID=" + acct.SID + "\nTWILIO_AUTH_TOKEN=" + acct.AuthToken.Reveal() + "\n"})
	w.git.Publish(t, work.Dir, "svc")
	toml := fmt.Sprintf("verify = true\n[[repository]]\nurl = %q\n[[output]]\ntype = \"webhook\"\nurl = %q\nsecret_env = \"HOOK_KEY\"\n", w.git.URLOf("svc"), hook.URL)
	w.pass(toml)
	w.pass(toml)
	var live *store.Incident
	for _, in := range w.incidents() {
		if in.Verdict == store.VerdictLive {
			live = &in
		}
	}
	if live == nil {
		t.Fatalf("no live incident: %+v", w.incidents())
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1 || got[0].Event != "incident.live" || got[0].Incident.ID != live.ID || len(got[0].Incident.Occurrences) != 1 {
		t.Fatalf("notifications = %+v", got)
	}
	if strings.Contains(bodies[0], acct.AuthToken.Reveal()) {
		t.Error("the webhook carries the secret")
	}
	hist, _ := w.conn.Verifications(context.Background(), live.ID)
	if len(hist) != 1 || hist[0].Verdict != store.VerdictLive {
		t.Errorf("history = %+v", hist)
	}
}
