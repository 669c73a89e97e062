package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/pflag"

	"github.com/vigilsec/vigil/internal/twiliosdk"
	"github.com/vigilsec/vigil/report"
)

// sdkScan is vigil scan --twilio-sdk: the Twilio helper libraries named in
// the scanned paths' manifests and lock files, judged as 'vigil twilio
// sdk' judges them, reported in the scan's SARIF log.
type sdkScan struct {
	on bool
}

func (s *sdkScan) register(fl *pflag.FlagSet) {
	fl.BoolVar(&s.on, "twilio-sdk", false, "also report Twilio helper libraries behind or on an unsupported major in the scanned paths' manifests and lock files, as 'vigil twilio sdk' does (SARIF only)")
}

// validate refuses --twilio-sdk where it has nowhere to go.
func (s *sdkScan) validate(format string) error {
	if s.on && format != "sarif" {
		return withHint(usageError(errors.New("--twilio-sdk is reported in SARIF only")), "add --format sarif, or run 'vigil twilio sdk PATH' for text or JSON")
	}
	return nil
}

// sdkOutcome is what the check found across the scanned paths.
type sdkOutcome struct {
	findings   int
	incomplete bool
}

// run checks every scanned path on disk and adds the reports to rep, with
// file paths relative to rep.Root (absolute when outside it).
func (s *sdkScan) run(ctx context.Context, a *app, paths []string, rep *report.Report) (sdkOutcome, error) {
	var out sdkOutcome
	if !s.on {
		return out, nil
	}
	table, err := twiliosdk.Embedded()
	if err != nil {
		return out, runtimeError(err, "")
	}
	for _, p := range paths {
		if p == "-" {
			continue
		}
		if _, err := os.Stat(p); err != nil {
			return out, withHint(usageError(fmt.Errorf("--twilio-sdk: %w", err)), "--twilio-sdk reads manifests on disk: give directories or files, not images or stdin")
		}
		r, err := twiliosdk.Check(ctx, p, table)
		if err != nil {
			return out, runtimeError(fmt.Errorf("--twilio-sdk: %w", err), "")
		}
		base := sdkBase(p)
		for i := range r.Assessments {
			r.Assessments[i].File = rootRelative(rep.Root, base, r.Assessments[i].File)
		}
		for i := range r.Problems {
			r.Problems[i].File = rootRelative(rep.Root, base, r.Problems[i].File)
			a.warnf("--twilio-sdk: %s: not read: %v", r.Problems[i].File, r.Problems[i].Err)
		}
		out.findings += r.Findings()
		out.incomplete = out.incomplete || r.Incomplete()
		rep.Checks = append(rep.Checks, r)
	}
	if out.findings > 0 {
		a.warnf("--twilio-sdk: %d Twilio helper libraries behind or on an unsupported major (in the SARIF log; 'vigil twilio sdk' lists them)", out.findings)
	}
	return out, nil
}

// rootRelative makes file (relative to base) relative to root, or
// absolute when it lies outside root.
func rootRelative(root, base, file string) string {
	abs, err := filepath.Abs(filepath.Join(base, filepath.FromSlash(file)))
	if err != nil {
		return file
	}
	if rel, err := filepath.Rel(root, abs); err == nil && filepath.IsLocal(rel) {
		return filepath.ToSlash(rel)
	}
	return abs
}

// exit folds the check into the scan's exit: a scan otherwise clean exits
// with findingsExit when a library is behind, 3 when a file was unread.
func (o sdkOutcome) exit(scanErr error, findingsExit int) error {
	switch {
	case scanErr != nil:
		return scanErr
	case o.findings > 0 && findingsExit != exitClean:
		return &exitError{code: findingsExit}
	case o.incomplete:
		return runtimeError(errors.New("--twilio-sdk could not read every manifest (listed above)"), "")
	}
	return nil
}
