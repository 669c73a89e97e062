package main

import (
	"os"
	"testing"
)

// TestMain lets a test run this test binary as vigil itself (set
// VIGIL_TEST_AS_VIGIL=1), so that it can kill a real vigil process.
func TestMain(m *testing.M) {
	if os.Getenv("VIGIL_TEST_AS_VIGIL") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}
