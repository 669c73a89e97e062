package main

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"github.com/vigilsec/vigil/internal/rotate"
	"github.com/vigilsec/vigil/twilio/twiliotest"
)

// startVigil runs this test binary as vigil in the store's directory.
func (e *rotEnv) startVigil(t *testing.T, args ...string) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Dir = e.dir
	cmd.Env = append(os.Environ(), "VIGIL_TEST_AS_VIGIL=1")
	for k, v := range e.env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var errOut bytes.Buffer
	cmd.Stderr, cmd.Stdout = &errOut, &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	return cmd, &errOut
}

// TestRotateKilledAndResumed kills a real vigil process while a step is
// in flight — the emulator holds the request, before or after making the
// change — then resumes the rotation and checks that it ends with one
// working key in the store and nothing left over.
func TestRotateKilledAndResumed(t *testing.T) {
	for _, tt := range []struct {
		name   string
		kind   string // api-key or auth-token
		fault  twiliotest.Fault
		signal os.Signal
		code   int    // the killed process's exit code, when it had a say
		ready  string // kill once the journal holds this, not at the fault
	}{
		{"during create", "api-key", twiliotest.Fault{Kind: twiliotest.FaultHang, Method: "POST", Path: "/v1/Keys"}, os.Kill, -1, ""},
		{"after create, answer lost", "api-key", twiliotest.Fault{Kind: twiliotest.FaultHang, Method: "POST", Path: "/v1/Keys", Phase: twiliotest.AfterHandling}, os.Kill, -1, ""},
		{"after store, during verify", "api-key", twiliotest.Fault{Kind: twiliotest.FaultHang, Path: "/2010-04-01/Accounts/*/Usage/Records/Today.json", Skip: 1}, os.Kill, -1, ""},
		{"after delete, answer lost", "api-key", twiliotest.Fault{Kind: twiliotest.FaultHang, Method: "DELETE", Phase: twiliotest.AfterHandling}, os.Kill, -1, ""},
		{"ctrl-c while waiting for services", "api-key", twiliotest.Fault{}, syscall.SIGINT, 130, `"step":"wait","phase":"begin"`},
		{"token: during verify", "auth-token", twiliotest.Fault{Kind: twiliotest.FaultHang, Path: "/2010-04-01/Accounts/*/Usage/Records/Today.json"}, os.Kill, -1, ""},
		{"token: ctrl-c while waiting", "auth-token", twiliotest.Fault{}, syscall.SIGINT, 130, `"step":"wait","phase":"begin"`},
		{"token: after promote, answer lost", "auth-token", twiliotest.Fault{Kind: twiliotest.FaultHang, Path: "/v1/AuthTokens/Promote", Phase: twiliotest.AfterHandling}, os.Kill, -1, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newRotEnv(t)
			var h *twiliotest.FaultHandle
			if tt.fault.Kind != twiliotest.NoFault {
				h = e.srv.Inject(tt.fault)
			}
			args := []string{"twilio", "rotate", tt.kind, "--store", "dotenv:.env", "--yes"}
			if tt.ready != "" {
				args = append(args, "--wait", "1h")
			}
			if tt.kind == "api-key" {
				args = append(args, "--key", e.old.SID)
			}
			cmd, out := e.startVigil(t, args...)
			if tt.ready != "" {
				waitFor(t, "the journal to hold "+tt.ready, func() bool {
					b, _ := os.ReadFile(e.dir + "/vigil-rotation.jsonl")
					return strings.Contains(string(b), tt.ready)
				})
			} else {
				waitFor(t, "the request to hang", func() bool { return h.Hits() > 0 })
			}
			if err := cmd.Process.Signal(tt.signal); err != nil {
				t.Fatal(err)
			}
			_ = cmd.Wait()
			if code := cmd.ProcessState.ExitCode(); code != tt.code {
				t.Errorf("killed vigil exited %d, want %d\n%s", code, tt.code, out)
			}
			if tt.code == 130 && !strings.Contains(out.String(), "--resume") {
				t.Errorf("an interrupted rotation does not say how to resume:\n%s", out)
			}
			e.srv.ClearFaults()
			recs, err := rotate.Load(e.dir + "/vigil-rotation.jsonl")
			if err != nil {
				t.Fatal(err)
			}
			if st := rotate.Derive(recs); st.Closed() && tt.signal == os.Kill {
				t.Fatalf("a killed rotation's journal says it ended: %s", st.Summary())
			}
			// The team still has a working credential at the moment of the kill.
			if tt.kind == "api-key" {
				e.works(t)
			}
			// The environment may hold the old Auth Token, dead after a
			// promotion: resume must cope.
			if code, stdout, errOut := e.runIn(t, "twilio", "rotate", "--resume", "--yes"); code != 0 {
				t.Fatalf("resume: exit %d\n%s%s", code, stdout, errOut)
			}
			if tt.kind == "api-key" {
				k := e.works(t)
				if k.SID == e.old.SID || e.keyCount() != 1 {
					t.Errorf("after resume: store holds %s, %d keys", k.SID, e.keyCount())
				}
				return
			}
			a, _ := e.srv.Account(e.acct.SID)
			if e.field(t, "TWILIO_AUTH_TOKEN") != a.AuthToken.Reveal() || a.AuthToken.Reveal() == e.acct.AuthToken.Reveal() || !a.SecondaryAuthToken.IsZero() {
				t.Error("after resume the store does not hold the new primary token, or a secondary is left")
			}
		})
	}
}

// runIn runs vigil in-process from the store's directory.
func (e *rotEnv) runIn(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	wd, _ := os.Getwd()
	if err := os.Chdir(e.dir); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = os.Chdir(wd) }()
	return e.run(t, "", args...)
}
