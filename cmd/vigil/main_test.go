package main

import (
	"context"
	"os"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets tests run this test binary as vigil itself: testscript
// scripts call it as "vigil", and a test that must kill a real vigil
// process starts it with VIGIL_TEST_AS_VIGIL=1.
func TestMain(m *testing.M) {
	if os.Getenv("VIGIL_TEST_AS_VIGIL") == "1" {
		main()
		return
	}
	testscript.Main(m, map[string]func(){
		"vigil": func() { os.Exit(run(context.Background(), os.Args[1:], newStdio())) },
	})
}
