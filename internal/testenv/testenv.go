// Package testenv lets tests ask for system programs and shared test data,
// skipping with a clear message when they are absent, except in CI
// (VIGIL_TEST_STRICT=1), where absence is a failure.
package testenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// Strict reports whether missing prerequisites fail tests instead of
// skipping them.
func Strict() bool { return os.Getenv("VIGIL_TEST_STRICT") == "1" }

// NeedProgram returns the path of a system program, or skips (fails in
// strict mode) when it is not installed.
func NeedProgram(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		missing(t, name+" is not installed (apt-get install "+name+", or run .ci/run)")
	}
	return p
}

// SharedDir returns ../shared (the project's reference material beside the
// checkout) joined with elem, or skips when it is absent (fails in strict
// mode): a user who clones the project does not have it, CI must.
func SharedDir(t testing.TB, elem ...string) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	return sharedPath(t, filepath.Join(filepath.Dir(file), "..", "..", "..", "shared"), elem...)
}

func sharedPath(t testing.TB, root string, elem ...string) string {
	t.Helper()
	p := filepath.Join(append([]string{root}, elem...)...)
	if _, err := os.Stat(p); err != nil {
		missing(t, p+" not found (the shared reference directory sits beside the checkout)")
	}
	return p
}

func missing(t testing.TB, why string) {
	t.Helper()
	if Strict() {
		t.Fatalf("required in CI: %s", why)
	}
	t.Skipf("skipping: %s", why)
}
