package main

import (
	"context"
	"testing"
)

// TestSelfScanClean scans vigil's own repository with its own rules: test
// data must hold no realistic secrets (they are generated at test time).
func TestSelfScanClean(t *testing.T) {
	var out, errOut syncBuffer
	if code := run(context.Background(), []string{"scan", "../.."}, testStdio(&out, &errOut)); code != exitClean {
		t.Fatalf("vigil scan of its own repository exited %d:\n%s\n%s", code, out.String(), errOut.String())
	}
}
