package testenv

import (
	"fmt"
	"path/filepath"
	"runtime"
	"testing"
)

// recorder is a testing.TB that records how a helper ended the test.
type recorder struct {
	testing.TB
	skipped, failed string
}

func (r *recorder) Helper() {}

func (r *recorder) Skipf(format string, args ...any) {
	r.skipped = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func (r *recorder) Fatalf(format string, args ...any) {
	r.failed = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// run calls f with a recorder in its own goroutine, so that Goexit ends
// only f.
func run(f func(testing.TB)) *recorder {
	r := &recorder{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(r)
	}()
	<-done
	return r
}

func TestSharedPathMissing(t *testing.T) {
	root := t.TempDir()
	for _, strict := range []string{"", "1"} {
		t.Run("strict="+strict, func(t *testing.T) {
			t.Setenv("VIGIL_TEST_STRICT", strict)
			r := run(func(tb testing.TB) { sharedPath(tb, root, "corpus", "absent.jsonl") })
			switch {
			case strict == "1" && r.failed == "":
				t.Fatalf("strict mode: a missing shared file skipped (%q) instead of failing", r.skipped)
			case strict == "" && r.skipped == "":
				t.Fatalf("a missing shared file did not skip (failed: %q)", r.failed)
			}
		})
	}
}

func TestSharedPathPresent(t *testing.T) {
	root := t.TempDir()
	t.Setenv("VIGIL_TEST_STRICT", "1")
	var got string
	r := run(func(tb testing.TB) { got = sharedPath(tb, root) })
	if r.failed != "" || r.skipped != "" || got != filepath.Clean(root) {
		t.Fatalf("got %q, failed %q, skipped %q", got, r.failed, r.skipped)
	}
}
