package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/internal/escape"
	"golang.org/x/term"
)

// stdio is the outside world a command may touch: streams, environment and
// whether a stream is a terminal. Tests supply their own.
type stdio struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
	// environ is the environment of the programs vigil runs for secret
	// stores (pass, gopass, exec); nil means vigil's own.
	environ func() []string
	// isTerminal reports whether w is an interactive terminal.
	isTerminal func(w any) bool
}

func newStdio() stdio {
	return stdio{
		stdin:   os.Stdin,
		stdout:  os.Stdout,
		stderr:  os.Stderr,
		getenv:  os.Getenv,
		environ: os.Environ,
		isTerminal: func(w any) bool {
			f, ok := w.(*os.File)
			return ok && term.IsTerminal(int(f.Fd()))
		},
	}
}

// app is shared by every command.
type app struct {
	stdio
	verbose bool
	logger  *slog.Logger
	// redactor hides secrets in everything written on stderr, and in the
	// text fields of reports (see redact.go); matcher is its matcher.
	redactor *vigil.Redactor
	matcher  *lazyMatcher
	// allowEndpoints are the --allow-endpoint hosts; endpointNotices
	// the base URLs already announced on stderr (endpoints.go).
	allowEndpoints  []string
	endpointNotices map[string]bool
}

func (a *app) setupLogger() {
	level := slog.LevelWarn
	if a.verbose {
		level = slog.LevelDebug
	}
	a.logger = slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: level}))
}

// warnf prints a diagnostic on stderr, prefixed "vigil:", on one line:
// whatever its arguments hold (a path, an error quoting a file) is escaped
// so that it cannot end the line or act on the terminal.
func (a *app) warnf(format string, args ...any) {
	fmt.Fprintf(a.stderr, "vigil: %s\n", escape.Line(fmt.Sprintf(format, args...)))
}

// run executes one vigil command line and returns the process exit code.
func run(ctx context.Context, args []string, io stdio) int {
	a := &app{matcher: &lazyMatcher{}}
	a.redactor = vigil.NewRedactor(a.matcher)
	isTerminal := io.isTerminal
	io.isTerminal = func(w any) bool {
		if rw, ok := w.(*redactWriter); ok {
			w = rw.w
		}
		return isTerminal(w)
	}
	io.stderr = &redactWriter{w: io.stderr, r: a.redactor}
	a.stdio = io
	a.setupLogger()
	root := newRootCmd(a)
	root.SetArgs(args)
	root.SetIn(io.stdin)
	root.SetOut(io.stdout)
	root.SetErr(io.stderr)
	err := root.ExecuteContext(ctx)
	if err != nil && ctx.Err() != nil {
		err = interrupted(ctx.Err())
	}
	return a.report(err)
}
