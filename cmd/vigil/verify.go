package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/spf13/cobra"
	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/internal/boundedread"
	"github.com/vigilsec/vigil/report"
)

// verifyCmdFlags are the flags of 'vigil verify'.
type verifyCmdFlags struct {
	verifyOptions
	format      string
	output      string
	showSecrets bool
	color       string
}

func newVerifyCmd(a *app) *cobra.Command {
	var f verifyCmdFlags
	cmd := &cobra.Command{
		Use:   "verify REPORT",
		Short: "Verify again the findings of an earlier JSON report (- for stdin)",
		Long: `Read a report written by 'vigil scan --format json --show-secrets' and ask
each credential's provider again whether it is live, without scanning again.
This SENDS each credential to its provider ('vigil rules --verifiers' lists
every endpoint). A report written without --show-secrets holds redacted
secrets and cannot be verified again.

Exit codes: 0 no findings, 1 findings, 2 usage error or unreadable report,
3 with --only-verified, nothing live but some verifications inconclusive.`,
		Example: `  vigil scan --format json --show-secrets -o findings.json .
  vigil verify findings.json
  vigil verify --only-verified --format json findings.json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runVerify(cmd.Context(), a, f, args[0])
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.format, "format", "f", "text", "output format: text, json or sarif")
	fl.StringVarP(&f.output, "output", "o", "", "write the report to `FILE` instead of stdout")
	fl.BoolVar(&f.showSecrets, "show-secrets", false, "print secrets in clear (text and JSON only; never in SARIF)")
	fl.StringVar(&f.color, "color", "auto", "colour the text report: auto, always or never")
	f.verifyOptions.register(a, fl)
	return cmd
}

func runVerify(ctx context.Context, a *app, f verifyCmdFlags, path string) error {
	if !slices.Contains([]string{"text", "json", "sarif"}, f.format) {
		return usageError(fmt.Errorf("unknown --format %q (want text, json or sarif)", f.format))
	}
	data, err := readReportFile(ctx, a, path)
	if err != nil {
		if ctx.Err() != nil {
			return interrupted(ctx.Err())
		}
		return withHint(usageError(err), "give a report written by 'vigil scan --format json --show-secrets'")
	}
	findings, err := findingsFromReport(path, data)
	if err != nil {
		return err
	}
	v, err := f.verifier(a)
	if err != nil {
		return err
	}
	started := time.Now()
	rep := &report.Report{ShowSecrets: f.showSecrets, Version: buildVersion(), Started: started}
	if rep.Findings, rep.NotLive, rep.NotLiveUnknown, err = f.run(ctx, a, v, findings); err != nil {
		return err
	}
	for _, fd := range rep.Findings {
		rep.Rules = append(rep.Rules, report.RuleInfo{ID: fd.RuleID, Provider: fd.Provider, Description: fd.Description, Hint: fd.Hint})
	}
	if err := writeReport(a, scanFlags{format: f.format, output: f.output, color: f.color}, rep, false); err != nil {
		return err
	}
	a.warnf("%d findings from %s", len(findings), path)
	report.VerdictSummary(a.stderr, rep)
	if len(rep.Findings) > 0 {
		return found()
	}
	return verifyExit(rep)
}

// maxReport bounds the report 'vigil verify' reads: far above any scan's,
// far below what would exhaust memory.
const maxReport = 256 << 20

// readReportFile reads a JSON report from path (- for stdin), refusing at
// once what does not start like JSON (/dev/zero, a binary), and stopping at
// maxReport bytes or when ctx is cancelled.
func readReportFile(ctx context.Context, a *app, path string) ([]byte, error) {
	looksJSON := func(head []byte) error {
		if t := bytes.TrimLeft(head, " \t\r\n"); len(t) > 0 && t[0] != '{' {
			return errors.New("not a JSON report (it does not start with '{')")
		}
		return nil
	}
	if path == "-" {
		return boundedread.All(ctx, a.stdin, maxReport, "stdin", looksJSON)
	}
	data, err := boundedread.File(ctx, path, maxReport, looksJSON)
	if err != nil {
		return nil, fmt.Errorf("read report: %w", unwrapPath(err))
	}
	return data, nil
}

// findingsFromReport rebuilds findings from a JSON report, refusing one
// whose secrets were redacted: they cannot be sent to a provider.
func findingsFromReport(path string, data []byte) ([]vigil.Finding, error) {
	rep, err := report.ReadJSON(data)
	if err != nil {
		return nil, withHint(usageError(fmt.Errorf("%s: %w", path, err)), "give a report written by 'vigil scan --format json --show-secrets'")
	}
	var out []vigil.Finding
	for i, jf := range rep.Findings {
		at := fmt.Sprintf("%s:%d: finding %d (%s)", path, report.FindingLine(data, i), i+1, jf.Rule)
		if jf.Redacted {
			return nil, withHint(usageError(fmt.Errorf("%s: the secret is redacted: a report written without --show-secrets cannot be verified again", at)),
				"scan again with 'vigil scan --format json --show-secrets -o FILE' and keep FILE private")
		}
		f := vigil.Finding{
			RuleID: jf.Rule, Provider: jf.Provider, Description: jf.Description, Secret: vigil.NewSecret(jf.Secret),
			Origin: jf.Location, Details: jf.Details, Verifier: jf.Verifier, Hint: jf.Hint,
			Present: jf.Present, Occurrences: jf.Occurrences,
		}
		if f.Confidence, err = vigil.ParseConfidence(jf.Confidence); err != nil {
			return nil, usageError(fmt.Errorf("%s: %w", at, err))
		}
		for _, name := range slices.Sorted(maps.Keys(jf.Parts)) {
			f.Parts = append(f.Parts, vigil.Part{Name: name, Value: vigil.NewSecret(jf.Parts[name])})
		}
		if jf.Rule == "" || jf.Secret == "" {
			return nil, usageError(fmt.Errorf("%s: needs a rule and a secret", at))
		}
		if jf.Fingerprint != "" && f.Fingerprint() != jf.Fingerprint {
			return nil, usageError(errors.New(at + ": the secret does not match the fingerprint: the report was edited"))
		}
		out = append(out, f)
	}
	return out, nil
}
