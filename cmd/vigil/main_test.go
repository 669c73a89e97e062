package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets tests run this test binary as vigil itself: testscript
// scripts call it as "vigil", and a test that must kill a real vigil
// process starts it with VIGIL_TEST_AS_VIGIL=1.
//
// With VIGIL_TEST_KILL_AT=STEP:PHASE (and -v), that process kills itself
// with SIGKILL right after its journal records that step and phase: a
// crash at an exact point of a rotation.
func TestMain(m *testing.M) {
	if os.Getenv("VIGIL_TEST_AS_VIGIL") == "1" {
		if at := os.Getenv("VIGIL_TEST_KILL_AT"); at != "" {
			step, phase, _ := strings.Cut(at, ":")
			io := newStdio()
			io.stderr = &killAfter{w: os.Stderr, line: "step=" + step + " phase=" + phase + " "}
			os.Exit(run(context.Background(), os.Args[1:], io))
		}
		main()
		return
	}
	testscript.Main(m, map[string]func(){
		"vigil": func() { os.Exit(run(context.Background(), os.Args[1:], newStdio())) },
	})
}

// killAfter passes writes on and kills the process after the one that
// holds line: slog writes each record whole, after the journal synced it.
type killAfter struct {
	w    io.Writer
	line string
}

func (k *killAfter) Write(p []byte) (int, error) {
	n, err := k.w.Write(p)
	if bytes.Contains(p, []byte(k.line)) {
		_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
	}
	return n, err
}
