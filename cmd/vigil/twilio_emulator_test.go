package main

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/twilio/rest"
)

// TestTwilioEmulatorCommand starts the emulator from the example seed,
// uses a printed credential through the SDK client, and stops it.
func TestTwilioEmulatorCommand(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out, errOut, done := startEmulator(ctx, t, "--seed", "../../docs/twilio-emulator-seed.yaml", "--show-secrets", "--now", "2026-03-10T12:00:00Z")
	text := out.String()
	base := regexp.MustCompile(`listening on (http://\S+)`).FindStringSubmatch(text)
	prod := regexp.MustCompile(`prod  (AC[0-9a-f]{32})`).FindStringSubmatch(text)
	tok := regexp.MustCompile(`(?m)^    auth token  ([0-9a-f]{32})$`).FindStringSubmatch(text)
	if base == nil || prod == nil || tok == nil || !strings.Contains(text, rest.BaseURLEnv+"="+base[1]) {
		t.Fatalf("output:\n%s", text)
	}
	c, err := rest.New(rest.Config{AccountSID: prod[1], Password: vigil.NewSecret(tok[1]), BaseURL: base[1]})
	if err != nil {
		t.Fatal(err)
	}
	acct, err := c.Services(ctx).Api.FetchAccount(prod[1])
	if err != nil || *acct.FriendlyName != "Acme Production" || !strings.HasPrefix(*acct.DateCreated, "Fri, 22 Sep 2023 12:00") {
		t.Fatalf("FetchAccount through the emulator: %+v, %v", acct, err)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
}

// startEmulator runs `vigil twilio emulator --listen 127.0.0.1:0 ARGS…`
// until ctx ends and waits for it to say it is ready.
func startEmulator(ctx context.Context, t *testing.T, args ...string) (out, errOut *syncBuffer, done chan int) {
	t.Helper()
	out, errOut, done = &syncBuffer{}, &syncBuffer{}, make(chan int, 1)
	args = append([]string{"twilio", "emulator", "--listen", "127.0.0.1:0"}, args...)
	go func() { done <- run(ctx, args, testStdio(out, errOut)) }()
	for !strings.Contains(out.String(), "Press Ctrl-C") {
		select {
		case code := <-done:
			t.Fatalf("exited %d early: %s", code, errOut.String())
		case <-time.After(5 * time.Millisecond):
		}
	}
	return out, errOut, done
}

func TestTwilioEmulatorHidesSecrets(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out, _, done := startEmulator(ctx, t)
	cancel()
	<-done
	if regexp.MustCompile(`(auth token|secret) +[^ *]{5}`).MatchString(out.String()) || !strings.Contains(out.String(), "--show-secrets") {
		t.Errorf("a secret may be printed:\n%s", out.String())
	}
}

func TestTwilioEmulatorBadInput(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--listen", "0.0.0.0:8089"}, "loopback addresses only"},
		{[]string{"--listen", "nonsense"}, "want HOST:PORT"},
		{[]string{"--seed", "does-not-exist.yaml"}, "does-not-exist.yaml"},
		{[]string{"--now", "tuesday"}, `--now "tuesday"`},
		{[]string{"extra"}, "unknown command"},
	} {
		var out, errOut syncBuffer
		code := run(context.Background(), append([]string{"twilio", "emulator"}, tt.args...), testStdio(&out, &errOut))
		if code != exitUsage || !strings.Contains(errOut.String(), tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tt.args, code, errOut.String(), tt.want)
		}
	}
}

// TestTwilioEmulatorFaultFlag rehearses a failure: a fault given with
// --fault strikes the request it names, once.
func TestTwilioEmulatorFaultFlag(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out, errOut, done := startEmulator(ctx, t, "--show-secrets", "--fault", "status,status=503,method=GET,path=/2010-04-01/Accounts/*.json,times=1")
	text := out.String()
	base := regexp.MustCompile(`listening on (http://\S+)`).FindStringSubmatch(text)
	acct := regexp.MustCompile(`(AC[0-9a-f]{32})`).FindStringSubmatch(text)
	tok := regexp.MustCompile(`(?m)^    auth token  ([0-9a-f]{32})$`).FindStringSubmatch(text)
	if base == nil || acct == nil || tok == nil {
		t.Fatalf("output:\n%s", text)
	}
	c, err := rest.New(rest.Config{AccountSID: acct[1], Password: vigil.NewSecret(tok[1]), BaseURL: base[1]})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Services(ctx).Api.FetchAccount(acct[1]); err == nil || !strings.Contains(err.Error(), "503") {
		t.Fatalf("first fetch: %v, want the injected 503", err)
	}
	if _, err := c.Services(ctx).Api.FetchAccount(acct[1]); err != nil {
		t.Fatalf("second fetch: %v (the fault was for one request)", err)
	}
	cancel()
	<-done
	_ = errOut
	var bad syncBuffer
	if code := run(context.Background(), []string{"twilio", "emulator", "--fault", "explode,method=GET"}, testStdio(&syncBuffer{}, &bad)); code != 2 || !strings.Contains(bad.String(), "want status, rate-limit") {
		t.Errorf("bad --fault: exit %d %s", code, bad.String())
	}
}
