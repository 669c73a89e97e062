package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/vigilsec/vigil/internal/escape"
)

// Exit codes shared by every command.
const (
	exitClean       = 0   // nothing found, every control passed
	exitFindings    = 1   // findings, or failed controls
	exitUsage       = 2   // bad flags, arguments or configuration
	exitRuntime     = 3   // runtime error, or a scan that did not finish
	exitInterrupted = 130 // SIGINT or SIGTERM
)

// exitError carries an exit code. A nil err means the command has already
// said what there was to say (findings were reported).
type exitError struct {
	code int
	err  error
	hint string
}

func (e *exitError) Error() string {
	if e.err == nil {
		return ""
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// usageError marks err as a usage error (exit 2).
func usageError(err error) error { return &exitError{code: exitUsage, err: err} }

// runtimeError marks err as a runtime error (exit 3) with an optional hint.
func runtimeError(err error, hint string) error {
	return &exitError{code: exitRuntime, err: err, hint: hint}
}

// withHint attaches a "hint:" line to an error, keeping its exit code.
func withHint(err error, hint string) error {
	var e *exitError
	if errors.As(err, &e) {
		return &exitError{code: e.code, err: e.err, hint: hint}
	}
	return &exitError{code: exitRuntime, err: err, hint: hint}
}

// found ends a command that reported findings or failed controls (exit 1).
func found() error { return &exitError{code: exitFindings} }

// incomplete ends a command whose work did not finish (exit 3); what was
// skipped has already been reported.
func incomplete() error { return &exitError{code: exitRuntime} }

func interrupted(err error) error { return &exitError{code: exitInterrupted, err: err} }

// report prints err, if it has a message, and returns the exit code. This is
// the one place that maps errors to exit codes.
func (a *app) report(err error) int {
	if err == nil {
		return exitClean
	}
	code := exitRuntime
	hint := ""
	var e *exitError
	switch {
	case errors.As(err, &e):
		code, hint = e.code, e.hint
		if e.code == exitInterrupted {
			a.warnf("interrupted")
			return code
		}
		if e.err == nil {
			return code
		}
	case errors.Is(err, context.Canceled):
		a.warnf("interrupted")
		return exitInterrupted
	case isCobraUsage(err):
		code = exitUsage
		hint = "run 'vigil help' for usage"
	}
	a.warnf("%v", err)
	if hint != "" {
		fmt.Fprintf(a.stderr, "hint: %s\n", escape.Line(hint))
	}
	return code
}

// isCobraUsage recognises the argument errors cobra makes itself.
func isCobraUsage(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand flag", "flag needs an argument", "invalid argument", "accepts ", "requires at least", "requires at most", "required flag"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}
