package main

import (
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/vigilsec/vigil/twilio/rest"
)

// TestBaseURLPolicyEveryCommand gives every command that sends a
// credential a base URL an attacker who controls the environment (or the
// hidden flag) would write: each one would reach a counting server on this
// machine if the policy let it through. Every command must refuse it as a
// usage error with a hint, before sending anything.
func TestBaseURLPolicyEveryCommand(t *testing.T) {
	// The traps count connections, not requests: a TLS handshake that
	// fails still means the credential was on its way.
	var conns atomic.Int32
	count := func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	trap := httptest.NewUnstartedServer(http.NotFoundHandler())
	trap.Config.ConnState = count
	trap.Start()
	defer trap.Close()
	tlsTrap := httptest.NewUnstartedServer(http.NotFoundHandler())
	tlsTrap.Config.ConnState = count
	tlsTrap.StartTLS()
	defer tlsTrap.Close()
	port := trap.URL[strings.LastIndexByte(trap.URL, ':')+1:]
	tlsPort := tlsTrap.URL[strings.LastIndexByte(tlsTrap.URL, ':')+1:]
	hostile := map[string]string{
		"credentials in the URL":            "http://user:pw@127.0.0.1:" + port,
		"localhost with a final dot":        "http://localhost.:" + port,
		"https to localhost with a dot":     "https://localhost.:" + tlsPort,
		"https to 0.0.0.0 (this machine)":   "https://0.0.0.0:" + tlsPort,
		"IPv6 loopback with a zone":         "http://[::1%25lo]:" + port,
		"plain http to a loopback-ish name": "http://127.0.0.1.nip.io:" + port,
		"https to an unnamed host":          "https://gateway.invalid",
	}

	fx := newVerifyFixture(t, "")
	report := filepath.Join(t.TempDir(), "report.json")
	if code, _, errOut := peopleRun(t, "", nil, "scan", "--no-config", "--format", "json", "--show-secrets", "-o", report, fx.dir); code != 1 {
		t.Fatalf("writing the report: exit %d: %s", code, errOut)
	}
	store := filepath.Join(t.TempDir(), "app.env")
	if err := os.WriteFile(store, []byte("TWILIO_API_KEY=SK"+strings.Repeat("0", 32)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	creds := map[string]string{"TWILIO_ACCOUNT_SID": fx.acct.SID, "TWILIO_AUTH_TOKEN": fx.acct.AuthToken.Reveal()}
	commands := []struct {
		name string
		env  string // the variable that carries the URL; "" for the flag
		args []string
	}{
		{"scan --verify (Twilio variable)", rest.BaseURLEnv, []string{"scan", "--no-config", "--verify", fx.dir}},
		{"scan --verify (verifier variable)", baseURLsEnv, []string{"scan", "--no-config", "--verify", fx.dir}},
		{"scan --verify (hidden flag)", "", []string{"scan", "--no-config", "--verify", fx.dir}},
		{"verify", rest.BaseURLEnv, []string{"verify", report}},
		{"verify (hidden flag)", "", []string{"verify", report}},
		{"twilio audit", rest.BaseURLEnv, []string{"twilio", "audit"}},
		{"twilio exposure", rest.BaseURLEnv, []string{"twilio", "exposure", "--since", "2026-03-02", "--until", "2026-03-10"}},
		{"twilio rotate api-key", rest.BaseURLEnv, []string{"twilio", "rotate", "api-key", "--key", "SK" + strings.Repeat("0", 32),
			"--store", "dotenv:" + store, "--journal", filepath.Join(t.TempDir(), "j"), "--yes"}},
		{"twilio rotate auth-token", rest.BaseURLEnv, []string{"twilio", "rotate", "auth-token", "--store", "dotenv:" + store,
			"--journal", filepath.Join(t.TempDir(), "j"), "--yes"}},
	}
	for _, c := range commands {
		for what, u := range hostile {
			t.Run(c.name+"/"+what, func(t *testing.T) {
				env := map[string]string{}
				for k, v := range creds {
					env[k] = v
				}
				args := c.args
				switch c.env {
				case "":
					args = append(append([]string{}, args[:1]...), append([]string{"--verify-base-url", "*=" + u}, args[1:]...)...)
				case baseURLsEnv:
					env[baseURLsEnv] = "*=" + u
				default:
					env[c.env] = u
				}
				code, _, errOut := peopleRun(t, "", env, args...)
				if code != exitUsage || !strings.Contains(errOut, "hint: ") {
					t.Errorf("exit %d, want 2 with a hint:\n%s", code, errOut)
				}
				if strings.Contains(errOut, "user:pw") || strings.Contains(errOut, fx.acct.AuthToken.Reveal()) {
					t.Errorf("stderr quotes credentials:\n%s", errOut)
				}
			})
		}
	}
	if n := conns.Load(); n != 0 {
		t.Errorf("the traps got %d connections", n)
	}
}

// TestBaseURLNoticeAndAllow: the local emulator is easy (a notice on
// stderr); a remote host needs --allow-endpoint, https, and gets a
// warning that names it.
func TestBaseURLNoticeAndAllow(t *testing.T) {
	fx := newVerifyFixture(t, "")
	code, _, errOut := peopleRun(t, "", fx.env, "scan", "--no-config", "--verify", fx.dir)
	if code != 1 || !strings.Contains(errOut, "vigil: notice: "+rest.BaseURLEnv+" (verifier twilio) sends credentials to "+fx.srv.URL+" on this machine") {
		t.Fatalf("loopback: exit %d:\n%s", code, errOut)
	}

	remote := map[string]string{rest.BaseURLEnv: "https://gateway.invalid/twilio"}
	code, _, errOut = peopleRun(t, "", remote, "scan", "--no-config", "--verify", fx.dir)
	if code != exitUsage || !strings.Contains(errOut, "would send credentials to gateway.invalid, which is not a loopback address") ||
		!strings.Contains(errOut, "hint: if you mean to send credentials to gateway.invalid, run again with --allow-endpoint gateway.invalid") {
		t.Fatalf("remote without --allow-endpoint: exit %d:\n%s", code, errOut)
	}
	code, _, errOut = peopleRun(t, "", remote, "scan", "--no-config", "--verify", "--allow-endpoint", "gateway.invalid", fx.dir)
	if code == exitUsage || !strings.Contains(errOut, "vigil: warning: "+rest.BaseURLEnv+" (verifier twilio) sends credentials to gateway.invalid, not to their provider") {
		t.Fatalf("remote with --allow-endpoint: exit %d:\n%s", code, errOut)
	}
	code, _, errOut = peopleRun(t, "", map[string]string{rest.BaseURLEnv: "http://gateway.invalid"}, "scan", "--no-config", "--verify", "--allow-endpoint", "gateway.invalid", fx.dir)
	if code != exitUsage || !strings.Contains(errOut, "plain http to gateway.invalid") {
		t.Fatalf("remote over http: exit %d:\n%s", code, errOut)
	}
	// The Twilio commands take the flag too.
	env := map[string]string{"TWILIO_ACCOUNT_SID": fx.acct.SID, "TWILIO_AUTH_TOKEN": fx.acct.AuthToken.Reveal(), rest.BaseURLEnv: "https://gateway.invalid"}
	code, _, errOut = peopleRun(t, "", env, "twilio", "audit", "--allow-endpoint", "gateway.invalid")
	if code == exitUsage || !strings.Contains(errOut, "vigil: warning: "+rest.BaseURLEnv+" sends credentials to gateway.invalid") {
		t.Fatalf("twilio audit with --allow-endpoint: exit %d:\n%s", code, errOut)
	}
}
