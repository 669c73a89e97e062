package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/vigilsec/vigil/passphrase"
)

func newPassphraseCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "passphrase",
		Short: "Check passphrases against a modern policy; build the offline breach index",
	}
	cmd.AddCommand(newPassphraseCheckCmd(a))
	cmd.AddCommand(newPassphraseIndexCmd(a))
	return cmd
}

type passphraseCheckFlags struct {
	minLength int
	context   []string
	offline   string
	rangeURL  string
	noBreach  bool
	timeout   time.Duration
	format    string
}

func newPassphraseCheckCmd(a *app) *cobra.Command {
	var f passphraseCheckFlags
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Check a passphrase read from the terminal (no echo) or stdin",
		Long: `Check a passphrase against the policy: at least --min-length characters
(14 by default), no composition rules, not guessable (zxcvbn estimate), not
built from --context words, and not found in known breaches.

The passphrase is read from the terminal without echo, or from stdin when
it is not a terminal (one trailing newline is dropped). It is never taken
from the command line, where it would land in shell history and ps. It is
judged in Unicode normalization form NFKC (NIST SP 800-63B): however its
accents or widths were typed, it is one passphrase.

The breach check asks the Pwned Passwords range API (only the first five hex
digits of the passphrase's SHA-1 leave the machine), or an offline index
built with 'vigil passphrase index'. Skipping it takes --no-breach-check.

Exit codes: 0 acceptable, 1 rejected, 2 bad input or flags,
3 could not check (for example the range API is down): not known to be safe.`,
		Example: `  vigil passphrase check --context alice --context "Acme Corp"
  printf '%s' "$PW" | vigil passphrase check --offline pwned.idx --format json`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) > 0 {
				return withHint(usageError(errors.New("the passphrase is never taken from the command line")),
					"type it at the prompt, or pipe it on stdin: printf '%s' \"$PW\" | vigil passphrase check")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.passphraseCheck(cmd.Context(), cmd, f)
		},
	}
	fl := cmd.Flags()
	fl.IntVar(&f.minLength, "min-length", passphrase.DefaultMinLength, "least number of characters")
	fl.StringArrayVar(&f.context, "context", nil, "a word an attacker would try first: user name, email, company, service (repeatable)")
	fl.StringVar(&f.offline, "offline", "", "answer the breach check from this index instead of the range API")
	fl.StringVar(&f.rangeURL, "range-url", passphrase.DefaultRangeURL, "base URL of a Pwned Passwords compatible range API")
	fl.BoolVar(&f.noBreach, "no-breach-check", false, "skip the breach check (explicitly)")
	fl.DurationVar(&f.timeout, "timeout", passphrase.DefaultRangeTimeout, "how long the range API may take")
	fl.StringVar(&f.format, "format", "text", "output format: text or json")
	return cmd
}

func (a *app) passphraseCheck(ctx context.Context, cmd *cobra.Command, f passphraseCheckFlags) error {
	if f.format != "text" && f.format != "json" {
		return usageError(fmt.Errorf("--format %q: want text or json", f.format))
	}
	if f.minLength < 1 {
		return usageError(fmt.Errorf("--min-length %d: not positive", f.minLength))
	}
	breaches, source, closeFn, err := a.breachSource(cmd, f)
	if err != nil {
		return err
	}
	defer closeFn()
	policy := passphrase.Policy{MinLength: f.minLength, Context: f.context, Breaches: breaches, Logger: a.logger}
	if err := policy.Validate(); err != nil {
		return usageError(err)
	}
	pw, err := a.readPassphrase()
	if err != nil {
		return err
	}
	res, err := policy.Check(ctx, pw)
	if err != nil {
		hint := ""
		if errors.Is(err, passphrase.ErrEmpty) {
			hint = "type it at the prompt, or pipe it on stdin: printf '%s' \"$PW\" | vigil passphrase check"
		}
		return withHint(usageError(err), hint)
	}
	if ctx.Err() != nil {
		return interrupted(ctx.Err())
	}
	if f.format == "json" {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(struct {
			passphrase.Result
			Source string `json:"breach_source,omitempty"`
		}{res, source}); err != nil {
			return runtimeError(err, "")
		}
	} else {
		a.printCheckResult(res, source, f.minLength)
	}
	switch res.Verdict {
	case passphrase.Rejected:
		return found()
	case passphrase.Unchecked:
		return runtimeError(res.Breach.Err,
			"the passphrase is NOT known to be safe; retry, use --offline INDEX, or skip the check explicitly with --no-breach-check")
	}
	return nil
}

// breachSource picks the breach check the flags ask for.
func (a *app) breachSource(cmd *cobra.Command, f passphraseCheckFlags) (passphrase.Breaches, string, func(), error) {
	nop := func() {}
	rangeSet := cmd.Flags().Changed("range-url")
	switch {
	case f.noBreach && (f.offline != "" || rangeSet):
		return nil, "", nop, usageError(errors.New("--no-breach-check cannot be combined with --offline or --range-url"))
	case f.offline != "" && rangeSet:
		return nil, "", nop, usageError(errors.New("give either --offline or --range-url, not both"))
	case f.noBreach:
		return nil, "", nop, nil
	case f.offline != "":
		ix, err := passphrase.OpenIndex(f.offline)
		if err != nil {
			return nil, "", nop, runtimeError(fmt.Errorf("could not check for breaches: %w", err),
				"build the index with: vigil passphrase index HASHFILE "+f.offline)
		}
		return ix, ix.String(), func() { ix.Close() }, nil
	}
	if f.timeout <= 0 {
		return nil, "", nop, usageError(fmt.Errorf("--timeout %v: must be positive", f.timeout))
	}
	u, err := url.Parse(f.rangeURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, "", nop, usageError(fmt.Errorf("--range-url %q: not an http(s) URL", f.rangeURL))
	}
	return &passphrase.RangeAPI{BaseURL: f.rangeURL, Timeout: f.timeout, Logger: a.logger}, "range API " + u.Host, nop, nil
}

// maxPassphraseInput bounds what is read from stdin: anything longer is
// refused before it is judged.
const maxPassphraseInput = passphrase.MaxLengthLimit * passphrase.MaxBytesPerChar

// readPassphrase reads from the terminal without echo, or from stdin.
func (a *app) readPassphrase() (string, error) {
	if f, ok := a.stdin.(*os.File); ok && a.isTerminal(f) {
		fmt.Fprint(a.stderr, "Passphrase (not echoed): ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(a.stderr)
		if err != nil {
			return "", runtimeError(fmt.Errorf("read passphrase from the terminal: %w", err), "")
		}
		return string(b), nil
	}
	b, err := io.ReadAll(io.LimitReader(a.stdin, maxPassphraseInput+3))
	if err != nil {
		return "", runtimeError(fmt.Errorf("read passphrase from stdin: %w", err), "")
	}
	b = bytes.TrimSuffix(b, []byte("\n"))
	b = bytes.TrimSuffix(b, []byte("\r"))
	if len(b) > maxPassphraseInput {
		return "", usageError(fmt.Errorf("%w: stdin holds more than %d bytes", passphrase.ErrTooLong, maxPassphraseInput))
	}
	return string(b), nil
}

func (a *app) printCheckResult(r passphrase.Result, source string, minLength int) {
	w := a.stdout
	fmt.Fprintf(w, "verdict:   %s\n", r.Verdict)
	fmt.Fprintf(w, "length:    %d characters (at least %d)\n", r.Length, minLength)
	partial := ""
	if r.Strength.Partial {
		partial = " (estimated on the first 100 characters)"
	}
	fmt.Fprintf(w, "strength:  %s%s\n", r.Strength.Summary, partial)
	switch r.Breach.Status {
	case passphrase.BreachFound:
		fmt.Fprintf(w, "breaches:  found %d times (%s)\n", r.Breach.Count, source)
	case passphrase.BreachNotFound:
		fmt.Fprintf(w, "breaches:  not found (%s)\n", source)
	case passphrase.BreachUnchecked:
		fmt.Fprintf(w, "breaches:  COULD NOT CHECK (%s)\n", source)
	case passphrase.BreachSkipped:
		fmt.Fprintln(w, "breaches:  not checked (--no-breach-check)")
	}
	if len(r.Problems) > 0 {
		fmt.Fprintln(w, "problems:")
		for _, p := range r.Problems {
			fmt.Fprintf(w, "  - %s\n", p.Message)
		}
	}
	if r.Strength.Warning != "" {
		fmt.Fprintf(w, "warning:   %s\n", r.Strength.Warning)
	}
	if len(r.Strength.Suggestions) > 0 {
		fmt.Fprintln(w, "suggestions:")
		for _, s := range r.Strength.Suggestions {
			fmt.Fprintf(w, "  - %s\n", strings.TrimSpace(s))
		}
	}
}
