package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vigilsec/vigil/internal/webhookvectors"
	"github.com/vigilsec/vigil/webhook"
)

func randomToken(t *testing.T) string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// cliCase is one command line and what it must print and exit with.
type cliCase struct {
	name string
	args []string
	code int
	want []string
}

// runCLICases runs `vigil webhook SUB` for each case.
func runCLICases(t *testing.T, sub string, env map[string]string, stdin string, tests []cliCase) {
	t.Helper()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			std, out, errb := envStdio(env, stdin)
			code := run(context.Background(), append([]string{"webhook", sub}, tc.args...), std)
			all := out.String() + errb.String()
			if code != tc.code {
				t.Fatalf("exit %d, want %d\n%s", code, tc.code, all)
			}
			for _, w := range tc.want {
				if !strings.Contains(all, w) {
					t.Errorf("output lacks %q:\n%s", w, all)
				}
			}
		})
	}
}

func TestWebhookSign(t *testing.T) {
	env := map[string]string{"TWILIO_AUTH_TOKEN": "12345"}
	const base = "https://mycompany.com/myapp.php?foo=1&bar=2"
	tests := []cliCase{
		{"form vector", []string{"--url", base, "--param", "CallSid=CA1234567890ABCDE", "--param", "Digits=1234",
			"--param", "From=+14158675309", "--param", "To=+18005551212", "--param", "Caller=+14158675309"}, 0,
			[]string{"X-Twilio-Signature: RSOYDt4T1cUTdK1PDd93/VVr8B8=", "curl -sS -X POST '" + base + "'", "--data-binary 'CallSid=CA1234567890ABCDE&Caller=%2B14158675309"}},
		{"json vector", []string{"--url", base, "--json", `{"property": "value", "boolean": true}`}, 0,
			[]string{"X-Twilio-Signature: a9nBmqA0ju/hNViExpshrM61xv4=", "bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620", "Content-Type: application/json"}},
		{"json from stdin", []string{"--url", base, "--json", "-", "--headers"}, 0, []string{"X-Twilio-Signature: a9nBmqA0ju/hNViExpshrM61xv4=\nContent-Type: application/json"}},
		{"get", []string{"--url", "https://h.example/v", "--get", "--param", "a=1"}, 0, []string{"URL: https://h.example/v?a=1", "curl -sS -X GET 'https://h.example/v?a=1'"}},
		{"quote in value", []string{"--url", "https://h.example/v", "--param", "Body=it's"}, 0, []string{`--data-binary 'Body=it%27s'`}},
		{"no url", nil, 2, []string{"--url is required"}},
		{"bad param", []string{"--url", base, "--param", "novalue"}, 2, []string{`--param "novalue": want NAME=VALUE`}},
		{"relative url", []string{"--url", "/sms"}, 2, []string{"want an absolute http(s) URL"}},
		{"json and param", []string{"--url", base, "--json", "{}", "--param", "a=b"}, 2, []string{"--json cannot be combined"}},
		{"token on argv refused", []string{"--url", base, "--token", "12345"}, 2, []string{"unknown flag: --token"}},
	}
	runCLICases(t, "sign", env, `{"property": "value", "boolean": true}`, tests)
	t.Run("no token", func(t *testing.T) {
		io, _, errb := envStdio(nil, "")
		if code := run(context.Background(), []string{"webhook", "sign", "--url", base}, io); code != 2 || !strings.Contains(errb.String(), "TWILIO_AUTH_TOKEN is not set") {
			t.Errorf("exit %d: %s", code, errb)
		}
	})
	t.Run("token file, subaccount", func(t *testing.T) {
		main, sub := randomToken(t), randomToken(t)
		sid := "AC" + randomToken(t)
		path := filepath.Join(t.TempDir(), "tokens")
		os.WriteFile(path, []byte(main+"\n"+sid+"="+sub+"\n"), 0o600)
		io, out, _ := envStdio(nil, "")
		run(context.Background(), []string{"webhook", "sign", "--token-file", path, "--url", base, "--param", "AccountSid=" + sid, "--headers"}, io)
		if want := webhook.Sign(sub, base, url.Values{"AccountSid": {sid}}); !strings.Contains(out.String(), want) {
			t.Errorf("not signed with the subaccount token: %s", out)
		}
	})
}

// TestWebhookSignSDKVectors: `webhook sign` gives the signature the
// official SDKs' signing functions are asserted to give (a repeated value
// signed once included).
func TestWebhookSignSDKVectors(t *testing.T) {
	vectors, _, err := webhookvectors.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vectors {
		if !v.Computed {
			continue
		}
		t.Run(v.Name(), func(t *testing.T) {
			args := []string{"webhook", "sign", "--url", v.URL, "--headers"}
			for _, kv := range strings.Split(*v.Form, "&") {
				k, val, _ := strings.Cut(kv, "=")
				k, _ = url.QueryUnescape(k)
				val, _ = url.QueryUnescape(val)
				args = append(args, "--param", k+"="+val)
			}
			std, out, errb := envStdio(map[string]string{"TWILIO_AUTH_TOKEN": v.Token}, "")
			if code := run(context.Background(), args, std); code != 0 || !strings.Contains(out.String(), "X-Twilio-Signature: "+*v.Signature+"\n") {
				t.Errorf("exit %d, want the SDK's %s:\n%s%s", code, *v.Signature, out, errb)
			}
		})
	}
}

func TestWebhookCheck(t *testing.T) {
	tok := randomToken(t)
	guarded := httptest.NewServer(webhook.Middleware(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}),
		&webhook.Validator{Keys: webhook.NewKeyring(tok)}))
	defer guarded.Close()
	misconfigured := httptest.NewServer(webhook.Middleware(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}),
		&webhook.Validator{Keys: webhook.NewKeyring(tok), PublicURL: func(*http.Request) string { return "https://elsewhere.example/sms" }}))
	defer misconfigured.Close()
	open := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	defer open.Close()
	env := map[string]string{"TWILIO_AUTH_TOKEN": tok}
	tests := []cliCase{
		{"guarded", []string{guarded.URL + "/sms"}, 0, []string{"unsigned request             refused   400", "wrong signature              refused   403", "ok: the endpoint refused"}},
		{"guarded with control", []string{"--control", guarded.URL + "/sms"}, 0, []string{"correctly signed (control)   accepted  200"}},
		{"guarded json with control", []string{"--control", "--json", `{"a":1}`, guarded.URL + "/j"}, 0, []string{"accepted  200"}},
		{"guarded get with control", []string{"--control", "--get", guarded.URL + "/g?x=1"}, 0, []string{"accepted  200"}},
		{"open", []string{open.URL + "/sms"}, 1, []string{"unsigned request             ACCEPTED  200", "FAIL"}},
		{"control refused", []string{"--control", misconfigured.URL + "/sms"}, 1, []string{"correctly signed (control)   REFUSED   403", "FAIL"}},
		{"down", []string{"http://127.0.0.1:1/sms"}, 3, []string{"unsigned request:", "hint:"}},
		{"no url", nil, 2, nil},
	}
	runCLICases(t, "check", env, "", tests)
}

var listenRE = regexp.MustCompile(`"msg":"listening","addr":"([^"]+)"`)

// TestWebhookProxyCommand runs the proxy command end to end: start, a
// signed and a forged request, SIGHUP reloads (good and bad), shutdown.
func TestWebhookProxyCommand(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "app") }))
	defer up.Close()
	a, b := randomToken(t), randomToken(t)
	password := randomToken(t) // of the basic-auth credentials Twilio's webhook URL holds, and signs
	public := "https://twilio:" + password + "@hooks.example.com"
	path := filepath.Join(t.TempDir(), "tokens")
	os.WriteFile(path, []byte(a+"\n"), 0o600)
	std, _, errb := envStdio(nil, "")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"webhook", "proxy", "--listen", "127.0.0.1:0", "--upstream", up.URL,
			"--token-file", path, "--public-url", public, "--admin-listen", "127.0.0.1:0"}, std)
	}()
	var addr string
	for deadline := time.Now().Add(5 * time.Second); addr == "" && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if m := listenRE.FindStringSubmatch(errb.String()); m != nil {
			addr = m[1]
		}
	}
	if addr == "" {
		cancel()
		t.Fatalf("proxy did not start (exit %d?):\n%s", <-done, errb)
	}
	send := func(token string, n int) int {
		form := url.Values{"n": {string(rune('a' + n))}}
		req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/sms", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set(webhook.SignatureHeader, webhook.Sign(token, public+"/sms", form))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	waitLog := func(s string) {
		for deadline := time.Now().Add(5 * time.Second); !strings.Contains(errb.String(), s); time.Sleep(10 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("log lacks %q:\n%s", s, errb)
			}
		}
	}
	if s := send(a, 0); s != 200 {
		t.Errorf("signed request: %d", s)
	}
	if s := send(b, 1); s != 403 {
		t.Errorf("request signed with a token not yet loaded: %d", s)
	}
	os.WriteFile(path, []byte(b+"\n"+a+"\n"), 0o600)
	syscall.Kill(os.Getpid(), syscall.SIGHUP)
	waitLog(`"msg":"tokens reloaded"`)
	if s1, s2 := send(b, 2), send(a, 3); s1 != 200 || s2 != 200 {
		t.Errorf("after reload: new token %d, outgoing token %d", s1, s2)
	}
	os.Remove(path)
	syscall.Kill(os.Getpid(), syscall.SIGHUP)
	waitLog("TOKEN RELOAD FAILED")
	if s := send(b, 4); s != 200 {
		t.Errorf("after a failed reload the tokens in force must stay: %d", s)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("exit %d after graceful stop:\n%s", code, errb)
	}
	for _, line := range strings.Split(strings.TrimSpace(errb.String()), "\n") {
		if !json.Valid([]byte(line)) {
			t.Errorf("log line is not JSON: %s", line)
		}
	}
	if strings.Contains(errb.String(), a) || strings.Contains(errb.String(), b) || strings.Contains(errb.String(), password) {
		t.Errorf("logs hold a token or the public URL's password")
	}
	if !strings.Contains(errb.String(), `"public_url":"https://twilio:xxxxx@hooks.example.com"`) {
		t.Errorf("the start line does not show the public URL, redacted:\n%s", errb)
	}
}

func TestWebhookProxyUsage(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	os.WriteFile(empty, nil, 0o600)
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"no flags", nil, nil, "--listen and --upstream are required"},
		{"bad upstream", []string{"--listen", "127.0.0.1:0", "--upstream", "app:3000"}, nil, "--upstream"},
		{"no token", []string{"--listen", "127.0.0.1:0", "--upstream", "http://127.0.0.1:1"}, nil, "TWILIO_AUTH_TOKEN is not set"},
		{"missing file", []string{"--listen", "127.0.0.1:0", "--upstream", "http://127.0.0.1:1", "--token-file", filepath.Join(dir, "nope")}, nil, "no such file"},
		{"empty file", []string{"--listen", "127.0.0.1:0", "--upstream", "http://127.0.0.1:1", "--token-file", empty}, nil, "no token found"},
		{"bad cidr", []string{"--listen", "127.0.0.1:0", "--upstream", "http://127.0.0.1:1", "--allow-cidr", "10.0.0.0/99"}, nil, "--allow-cidr"},
		{"half TLS", []string{"--listen", "127.0.0.1:0", "--upstream", "http://127.0.0.1:1", "--tls-cert", "c.pem"}, nil, "go together"},
		{"bad public url", []string{"--listen", "127.0.0.1:0", "--upstream", "http://127.0.0.1:1", "--public-url", "https://h.example/?q"}, map[string]string{"TWILIO_AUTH_TOKEN": "x"}, "must not hold a query"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			std, _, errb := envStdio(tc.env, "")
			code := run(context.Background(), append([]string{"webhook", "proxy"}, tc.args...), std)
			if code != 2 || !strings.Contains(errb.String(), tc.want) {
				t.Errorf("exit %d, want 2 with %q:\n%s", code, tc.want, errb)
			}
		})
	}
}
