//go:build unix

package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vigilsec/vigil/internal/fakecred"
	"github.com/vigilsec/vigil/report"
)

// startAsVigil runs this test binary as vigil, a real process that real
// signals reach.
func startAsVigil(t *testing.T, stdin *os.File, args ...string) (*exec.Cmd, *bytes.Buffer, *syncBuffer) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "VIGIL_TEST_AS_VIGIL=1")
	if stdin != nil {
		cmd.Stdin = stdin
	}
	var out bytes.Buffer
	errOut := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = &out, errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	return cmd, &out, errOut
}

// waitExit waits for cmd to end, failing the test if it has not within a
// generous deadline (a bound on "it stopped", not a timing assertion).
func waitExit(t *testing.T, cmd *exec.Cmd, what string) int {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var ee *exec.ExitError
		if err != nil && !errors.As(err, &ee) {
			t.Fatal(err)
		}
		return cmd.ProcessState.ExitCode()
	case <-time.After(30 * time.Second):
		t.Fatalf("%s: vigil still runs 30 s after the signal", what)
		return 0
	}
}

// TestScanInterrupted: Ctrl-C on a scan of endless keyword-dense input
// (a megabyte a second of "password=" on a line) stops it: the report
// holds what was found, says it is partial, and the exit code is 130.
func TestScanInterrupted(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd, stdout, stderr := startAsVigil(t, r, "scan", "--no-config", "--format", "json", "-")
	r.Close()
	secret := "SENDGRID_API_KEY=" + fakecred.New(5).MustExpand("SG.{b64url:22}.{b64url:43}") + "\n"
	dense := []byte(strings.Repeat("password=", 1<<16))
	written := make(chan int64, 1)
	go func() {
		n, _ := w.Write([]byte(secret))
		total := int64(n)
		for {
			n, err := w.Write(dense)
			total += int64(n)
			if total > 8<<20 {
				select {
				case written <- total:
				default:
				}
			}
			if err != nil {
				return
			}
		}
	}()
	<-written // vigil has read megabytes: it is scanning
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	code := waitExit(t, cmd, "first SIGINT")
	w.Close()
	if code != exitInterrupted || !strings.Contains(stderr.String(), "INTERRUPTED") {
		t.Fatalf("exit %d, want 130\n%s", code, stderr)
	}
	rep, err := report.ReadJSON(stdout.Bytes())
	if err != nil {
		t.Fatalf("partial report: %v\n%s", err, stdout)
	}
	if !rep.Summary.Interrupted || rep.Summary.Complete || len(rep.Findings) != 1 || rep.Findings[0].Rule != "sendgrid-api-key" {
		t.Fatalf("partial report: %+v, %d findings", rep.Summary, len(rep.Findings))
	}
}

// TestSecondInterruptForcesExit: a command that cannot stop at once (here
// reading a FIFO nobody writes to) exits on the second Ctrl-C.
func TestSecondInterruptForcesExit(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "report.json")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	cmd, _, stderr := startAsVigil(t, nil, "verify", fifo)
	// Once vigil has the FIFO open for reading, a writer can open it
	// without blocking; vigil then waits for data that never comes.
	var w *os.File
	for deadline := time.Now().Add(30 * time.Second); w == nil; {
		f, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0)
		switch {
		case err == nil:
			w = f
		case time.Now().After(deadline):
			t.Fatalf("vigil never opened the FIFO: %v", err)
		default:
			time.Sleep(10 * time.Millisecond)
		}
	}
	defer w.Close()
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	// Two signals sent at once may arrive as one: the second is sent
	// once vigil says it is stopping.
	waitFor(t, "vigil to say it stops", func() bool { return strings.Contains(stderr.String(), "interrupt again") })
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	if code := waitExit(t, cmd, "second SIGINT"); code != exitInterrupted || !strings.Contains(stderr.String(), "interrupted again") {
		t.Fatalf("exit %d, want 130\n%s", code, stderr)
	}
}
