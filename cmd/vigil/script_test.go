package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/vigilsec/vigil/internal/fakecred"
)

// TestScripts runs the end-to-end CLI scripts in testdata/script. Secrets
// are never stored in the scripts: the gen command writes files from
// templates ({hex:32}, {alnum:40}…) with values generated at test time.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"gen": cmdGen,
		},
	})
}

// cmdGen writes a file from fakecred templates, one line per argument:
//
//	gen FILE TEMPLATE...
func cmdGen(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: gen FILE TEMPLATE...")
	}
	g := fakecred.New(uint64(len(args[0])))
	var b strings.Builder
	for _, tmpl := range args[1:] {
		line, err := g.Expand(tmpl)
		ts.Check(err)
		fmt.Fprintln(&b, line)
	}
	path := ts.MkAbs(args[0])
	ts.Check(os.MkdirAll(filepath.Dir(path), 0o755))
	ts.Check(os.WriteFile(path, []byte(b.String()), 0o644))
}
