package main

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/vigilsec/vigil/internal/fakecred"
	"github.com/vigilsec/vigil/internal/gittest"
	"github.com/vigilsec/vigil/twilio/rest"
	"github.com/vigilsec/vigil/twilio/twiliotest"
	"github.com/vigilsec/vigil/webhook"
)

// The property: vigil prints no secret in clear unless --show-secrets asks
// for it. TestNoSecretInClear plants a distinct credential in every
// carrier vigil reads — file content, archive members, commit and tag
// messages, image ENV, labels, history and entrypoint, webhook bodies,
// secret-store files — and drives the real binary (this test binary run
// as vigil) through every command that reads them, collecting everything
// it writes: text, JSON and SARIF reports, baselines, rotation journals,
// stdout and stderr with -v (logs), the proxy's /metrics. No planted value
// may appear in any of it. With --show-secrets, the scans' JSON must hold
// each scanned carrier's value: proof that the carrier was read and the
// value found, so that its absence elsewhere means something.

// planted is a credential and the carrier it was planted in.
type planted struct{ carrier, value string }

// leakCheck collects outputs and the values that must not appear in them.
type leakCheck struct {
	t       *testing.T
	secrets []planted
	outputs int
}

func (lc *leakCheck) plant(carrier, value string) string {
	lc.secrets = append(lc.secrets, planted{carrier, value})
	return value
}

// check fails for every planted value in out, an output named what.
func (lc *leakCheck) check(what, out string) {
	lc.t.Helper()
	lc.outputs++
	for _, s := range lc.secrets {
		if strings.Contains(out, s.value) {
			lc.t.Errorf("%s holds the %s secret in clear:\n%s", what, s.carrier, clipAround(out, s.value))
		}
	}
}

func (lc *leakCheck) checkFile(what, path string) {
	lc.t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		lc.t.Errorf("%s: %v", what, err)
		return
	}
	lc.check(what+" ("+filepath.Base(path)+")", string(data))
}

func clipAround(s, v string) string {
	i := strings.Index(s, v)
	return s[max(0, i-200):min(len(s), i+len(v)+100)]
}

// vigilExec runs the vigil binary (this test binary) in dir.
func vigilExec(t *testing.T, dir string, env []string, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "VIGIL_TEST_AS_VIGIL=1"), env...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		t.Fatal(err)
	}
	return cmd.ProcessState.ExitCode(), out.String(), errb.String()
}

func TestNoSecretInClear(t *testing.T) {
	if testing.Short() {
		t.Skip("drives the binary through every command")
	}
	lc := &leakCheck{t: t}
	g := fakecred.New(20260519)
	hex32 := func() string { return g.String(fakecred.Hex, 32) }
	sid := func() string { return "AC" + hex32() }
	work := t.TempDir()

	// Files and archives.
	files := filepath.Join(work, "files")
	writeFile(t, filepath.Join(files, "app", ".env"), "TWILIO_ACCOUNT_SID="+sid()+"\nTWILIO_AUTH_TOKEN="+lc.plant("file content", hex32())+"\n")
	writeFile(t, filepath.Join(files, "dist", "app.zip"), zipOf(t, map[string]string{
		"conf/app.env": "TWILIO_ACCOUNT_SID=" + sid() + "\nTWILIO_AUTH_TOKEN=" + lc.plant("archive member", hex32()) + "\n",
	}))

	// Git: a file in history, a commit message, a tag message.
	repo := gittest.New(t)
	repo.Commit("add settings", "", map[string]string{"deploy/app.env": "TWILIO_AUTH_TOKEN=" + lc.plant("file in history", hex32()) + "\n"})
	repo.Commit("rotate\n\nTWILIO_ACCOUNT_SID="+sid()+"\nTWILIO_AUTH_TOKEN="+lc.plant("commit message", hex32()), "", map[string]string{"README.md": "# app\n"})
	subject := lc.plant("commit subject (and a file of that commit)", hex32())
	repo.Commit("add TWILIO_AUTH_TOKEN="+subject, "", map[string]string{"deploy/b.env": "TWILIO_AUTH_TOKEN=" + subject + "\n"})
	repo.Git("tag", "-a", "v1.0", "-m", "release\n\nTWILIO_AUTH_TOKEN="+lc.plant("tag message", hex32()))

	// An image whose config holds a token in ENV (set by an ENV step the
	// history records), a label, a RUN step and the entrypoint.
	envTok := lc.plant("image ENV (and its history step)", hex32())
	image := imageOf(t, work, v1.Config{
		Env:        []string{"PATH=/usr/bin", "TWILIO_AUTH_TOKEN=" + envTok},
		Labels:     map[string]string{"twilio_auth_token": lc.plant("image label", hex32())},
		Entrypoint: []string{"/bin/sh", "-c", "TWILIO_AUTH_TOKEN=" + lc.plant("image entrypoint", hex32()) + " exec /app"},
	}, []v1.History{
		{CreatedBy: "/bin/sh -c printf 'TWILIO_AUTH_TOKEN=" + lc.plant("image history RUN", hex32()) + "' > /etc/app.env"},
		{CreatedBy: "ENV TWILIO_AUTH_TOKEN=" + envTok, EmptyLayer: true},
	})

	scanned := len(lc.secrets)
	for _, target := range []struct {
		name string
		args []string
	}{
		{"files", []string{files}},
		{"git", []string{"--git", repo.Dir}},
		{"image", []string{"--image", image}},
	} {
		t.Run(target.name, func(t *testing.T) {
			lc.t = t
			dir := t.TempDir()
			for _, format := range []string{"text", "json", "sarif"} {
				_, out, errOut := vigilExec(t, dir, nil, "", append([]string{"-v", "scan", "--no-config", "--confidence", "low", "-f", format}, target.args...)...)
				lc.check(target.name+" "+format+" report", out)
				lc.check(target.name+" "+format+" stderr at -v", errOut)
				report := filepath.Join(dir, "report."+format)
				_, out, errOut = vigilExec(t, dir, nil, "", append([]string{"scan", "--no-config", "-f", format, "-o", report}, target.args...)...)
				lc.check(target.name+" "+format+" stdout/stderr with -o", out+errOut)
				lc.checkFile(target.name+" "+format+" report file", report)
			}
			_, out, errOut := vigilExec(t, dir, nil, "", append([]string{"scan", "--no-config", "--confidence", "low", "--write-baseline", "base.json"}, target.args...)...)
			lc.check(target.name+" --write-baseline output", out+errOut)
			lc.checkFile(target.name+" baseline", filepath.Join(dir, "base.json"))
			// SARIF never shows secrets, even when asked to.
			_, out, _ = vigilExec(t, dir, nil, "", append([]string{"scan", "--no-config", "--show-secrets", "-f", "sarif"}, target.args...)...)
			lc.check(target.name+" SARIF with --show-secrets", out)
		})
	}
	lc.t = t
	// The control: asked to, the scans show every value planted in what
	// they read, so each carrier was read and its value found.
	var shown strings.Builder
	for _, args := range [][]string{{files}, {"--git", repo.Dir}, {"--image", image}} {
		_, out, _ := vigilExec(t, work, nil, "", append([]string{"scan", "--no-config", "--confidence", "low", "--show-secrets", "-f", "json"}, args...)...)
		shown.WriteString(out)
	}
	for _, s := range lc.secrets[:scanned] {
		// The value must be a finding's "secret" field, not text around one.
		if field := fmt.Sprintf("%q: %q", "secret", s.value); !strings.Contains(shown.String(), field) {
			t.Errorf("the %s secret is not found (with --show-secrets): the carrier is not read", s.carrier)
		}
	}

	t.Run("rotation", func(t *testing.T) { lc.t = t; checkRotation(t, lc) })
	t.Run("webhook proxy", func(t *testing.T) { lc.t = t; checkProxy(t, lc, g) })
	t.Run("store files", func(t *testing.T) { lc.t = t; checkStoreFiles(t, lc, g) })
	lc.t = t
	t.Logf("%d planted secrets checked against %d outputs", len(lc.secrets), lc.outputs)
}

// checkRotation rotates an API key and the Auth Token against the
// emulator, the store a dotenv file, and checks the journal and the output.
func checkRotation(t *testing.T, lc *leakCheck) {
	srv := twiliotest.NewServer(t, twiliotest.Options{})
	acct := srv.AddAccount(twiliotest.AccountSeed{Keys: []twiliotest.KeySeed{{FriendlyName: "deploy-bot"}}})
	old := acct.Keys[0]
	lc.plant("Auth Token in the environment and the store", acct.AuthToken.Reveal())
	lc.plant("API key secret in the store", old.Secret.Reveal())
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, ".env"), "TWILIO_API_KEY="+old.SID+"\nTWILIO_API_SECRET="+old.Secret.Reveal()+"\nTWILIO_AUTH_TOKEN="+acct.AuthToken.Reveal()+"\n")
	env := []string{"TWILIO_ACCOUNT_SID=" + acct.SID, "TWILIO_AUTH_TOKEN=" + acct.AuthToken.Reveal(), rest.BaseURLEnv + "=" + srv.URL}
	code, out, errOut := vigilExec(t, dir, env, "", "-v", "twilio", "rotate", "api-key", "--key", old.SID, "--store", "dotenv:.env", "--journal", "journal.jsonl", "--yes")
	if code != 0 {
		t.Fatalf("rotate api-key: exit %d\n%s%s", code, out, errOut)
	}
	a, _ := srv.Account(acct.SID)
	for _, k := range a.Keys {
		lc.plant("new API key secret", k.Secret.Reveal())
	}
	lc.check("rotate api-key output at -v", out+errOut)
	lc.checkFile("rotate api-key journal", filepath.Join(dir, "journal.jsonl"))
	code, out, errOut = vigilExec(t, dir, env, "", "-v", "twilio", "rotate", "auth-token", "--store", "dotenv:.env", "--journal", "journal2.jsonl", "--yes")
	if code != 0 {
		t.Fatalf("rotate auth-token: exit %d\n%s%s", code, out, errOut)
	}
	a, _ = srv.Account(acct.SID)
	lc.plant("new Auth Token", a.AuthToken.Reveal())
	lc.check("rotate auth-token output at -v", out+errOut)
	lc.checkFile("rotate auth-token journal", filepath.Join(dir, "journal2.jsonl"))
}

// checkProxy runs the webhook proxy at -v, sends it a signed request and
// a forged one whose bodies hold a token, and reads /metrics.
func checkProxy(t *testing.T, lc *leakCheck, g *fakecred.Gen) {
	token := lc.plant("the proxy's Auth Token", g.String(fakecred.Hex, 32))
	body := lc.plant("webhook body", g.String(fakecred.Hex, 32))
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.Copy(io.Discard, r.Body) }))
	defer upstream.Close()
	cmd := exec.Command(os.Args[0], "-v", "webhook", "proxy", "--listen", "127.0.0.1:0", "--upstream", upstream.URL, "--public-url", "https://hooks.example.com")
	cmd.Env = append(os.Environ(), "VIGIL_TEST_AS_VIGIL=1", "TWILIO_AUTH_TOKEN="+token)
	var errb syncBuffer
	cmd.Stdout, cmd.Stderr = &errb, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	addr := regexp.MustCompile(`"addr":"(127\.0\.0\.1:\d+)"`)
	var base string
	waitFor(t, "the proxy to listen", func() bool {
		if m := addr.FindStringSubmatch(errb.String()); m != nil {
			base = "http://" + m[1]
		}
		return base != ""
	})
	form := url.Values{"From": {"+15550100"}, "Body": {"TWILIO_AUTH_TOKEN=" + body}}
	for _, sig := range []string{webhook.Sign(token, "https://hooks.example.com/sms", form), "forged"} {
		req, _ := http.NewRequest("POST", base+"/sms", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Twilio-Signature", sig)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	lc.check("proxy /metrics", string(metrics))
	_ = cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
	}
	lc.check("proxy logs at -v", errb.String())
}

// checkStoreFiles feeds commands secret-store and token files that are
// malformed around a token, and checks that their errors do not quote it.
func checkStoreFiles(t *testing.T, lc *leakCheck, g *fakecred.Gen) {
	dir := t.TempDir()
	for i, content := range []string{
		"TWILIO_AUTH_TOKEN=\"%s\n",               // an unterminated quote
		"export TWILIO_AUTH_TOKEN %s\n",          // no '='
		"%s %s\n",                                // two tokens on a line
		"AC" + strings.Repeat("0", 31) + "=%s\n", // a bad Account SID
		"TWILIO_AUTH_TOKEN=%s\x00\x1b[2K\n",      // bytes that are not text
	} {
		tok := lc.plant(fmt.Sprintf("store file %d", i), g.String(fakecred.Hex, 32))
		text := strings.ReplaceAll(content, "%s", tok)
		p := filepath.Join(dir, fmt.Sprintf("store%d", i))
		writeFile(t, p, text)
		for _, args := range [][]string{
			{"-v", "webhook", "sign", "--url", "https://x.example/y", "--token-store", "dotenv:" + p},
			{"-v", "webhook", "sign", "--url", "https://x.example/y", "--token-file", p},
			{"-v", "webhook", "proxy", "--listen", "127.0.0.1:0", "--upstream", "http://127.0.0.1:9", "--token-file", p, "--shutdown-timeout", "1ms"},
			{"-v", "twilio", "token", "--identity", "alice", "--grant", "video:room=r1", "--credentials-store", "dotenv:" + p},
		} {
			if args[2] == "proxy" && i != 2 {
				continue
			}
			code, out, errOut := vigilExecTimeout(t, dir, args...)
			if code == 0 && args[2] != "sign" {
				continue
			}
			lc.check(fmt.Sprintf("%s with store file %d (exit %d)", strings.Join(args[1:3], " "), i, code), out+errOut)
		}
	}
}

// vigilExecTimeout is vigilExec for a command that may serve: it is
// stopped after a few seconds.
func vigilExecTimeout(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "VIGIL_TEST_AS_VIGIL=1")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	_ = cmd.Run()
	return cmd.ProcessState.ExitCode(), out.String(), errb.String()
}

func writeFile(t *testing.T, p, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func zipOf(t *testing.T, members map[string]string) string {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for name, body := range members {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, body)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// imageOf saves, as docker save does, an image of one empty layer with
// cfg as its config and hist as its history.
func imageOf(t *testing.T, dir string, cfg v1.Config, hist []v1.History) string {
	t.Helper()
	img, err := mutate.Append(empty.Image, mutate.Addendum{Layer: tarLayer(t, map[string]string{"etc/motd": "hello\n"}), History: hist[0]})
	if err != nil {
		t.Fatal(err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	cf = cf.DeepCopy()
	cf.Config = cfg
	cf.History = hist
	if img, err = mutate.ConfigFile(img, cf); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "image.tar")
	if err := tarball.WriteToFile(p, name.MustParseReference("vigil.test/app:1"), img); err != nil {
		t.Fatal(err)
	}
	return p
}
