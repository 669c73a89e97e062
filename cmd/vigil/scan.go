package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/internal/atomicfile"
	"github.com/vigilsec/vigil/report"
	"github.com/vigilsec/vigil/source/files"
)

// scanFlags are the flags of 'vigil scan'.
type scanFlags struct {
	format        string
	output        string
	exclude       []string
	maxFileSize   string
	configPath    string
	noConfig      bool
	baseline      string
	writeBaseline string
	base          string
	showSecrets   bool
	confidence    string
	workers       int
	color         string

	// modes are the other things vigil scans besides files: git history,
	// staged changes, images. Each lives in its own scan_*.go file.
	modes []scanMode
	// verify asks providers whether findings are live (scan_verify.go).
	verify verifyFlags
	// archive opens archives and sets their limits (scan_archive.go).
	archive archiveFlags
	// findingsExit is the exit code when findings are reported.
	findingsExit int
	// ignoreGitleaksAllow turns gitleaks:allow comments off.
	ignoreGitleaksAllow bool
	// gitleaks holds gitleaks' spellings of these flags.
	gitleaks gitleaksFlags
	// sdk adds the Twilio helper-library check to SARIF (scan_sdk.go).
	sdk sdkScan
}

// git returns the git mode.
func (f *scanFlags) git() *gitMode {
	for _, m := range f.modes {
		if g, ok := m.(*gitMode); ok {
			return g
		}
	}
	return nil
}

// scanMode is a kind of scan other than files and stdin. A mode registers
// its flags, says whether the user asked for it, builds the source, and may
// rework the findings once the scan is done (history scans fold the same
// secret found in many commits into one finding).
type scanMode interface {
	register(fl *pflag.FlagSet)
	active() bool
	source(ctx context.Context, a *app, paths []string, opts files.Options) (vigil.Source, error)
	finish(ctx context.Context, a *app, findings []vigil.Finding) ([]vigil.Finding, error)
}

func newScanCmd(a *app) *cobra.Command {
	f := scanFlags{modes: []scanMode{&gitMode{}, &imageMode{}}}
	cmd := &cobra.Command{
		Use:   "scan [PATH...]",
		Short: "Find secrets in files, directories or stdin (-)",
		Long: `Scan files and directories (default: the current directory) for secrets.
Use - to read stdin. Findings go to stdout; a summary and anything that could
not be scanned go to stderr.

With --verify, each distinct credential found is sent to its provider's
read-only endpoint to learn whether it is live ('vigil rules --verifiers'
lists them). Verification is off by default.

Exit codes: 0 nothing found, 1 findings, 2 usage error, 3 the scan could not
read everything it was asked to (it lists what), 130 interrupted.`,
		Example: `  vigil scan .
  vigil scan --format sarif --output vigil.sarif .
  git diff | vigil scan -
  vigil scan --baseline .vigil-baseline.json src/
  vigil scan --verify --only-verified .`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := f.gitleaks.apply(a, cmd.Flags(), &f); err != nil {
				return err
			}
			return runScan(cmd.Context(), a, f, args)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.format, "format", "f", "text", "output format: text, json or sarif")
	fl.StringVarP(&f.output, "output", "o", "", "write the report to `FILE` instead of stdout")
	fl.StringArrayVar(&f.exclude, "exclude", nil, "do not scan paths matching `GLOB` (repeatable; ** spans directories)")
	fl.StringVar(&f.maxFileSize, "max-file-size", "", "skip text files larger than `SIZE` and report the scan incomplete (default 256MB; 0 = no cap)")
	fl.StringVar(&f.configPath, "config", "", "read configuration from `FILE` (default: .vigil.toml in the current directory)")
	fl.BoolVar(&f.noConfig, "no-config", false, "ignore .vigil.toml")
	fl.StringVar(&f.baseline, "baseline", "", "do not report findings recorded in baseline `FILE`")
	fl.StringVar(&f.writeBaseline, "write-baseline", "", "record every current finding as accepted in baseline `FILE` and exit 0")
	fl.StringVar(&f.base, "base", "", "scan a change whose base is `REV`: suppression files apply as they were there, not as the change left them (default in hooks and CI: found from git and the CI's environment)")
	fl.BoolVar(&f.showSecrets, "show-secrets", false, "print secrets in clear (text and JSON only; never in SARIF)")
	fl.StringVar(&f.confidence, "confidence", "", "report findings at or above `LEVEL`: low, medium or high (default medium)")
	fl.IntVar(&f.workers, "workers", 0, "matching goroutines (default: number of CPUs)")
	fl.StringVar(&f.color, "color", "auto", "colour the text report: auto, always or never")
	fl.IntVar(&f.findingsExit, "findings-exit", exitFindings, "exit with `CODE` when findings are reported (0: report without failing; an incomplete scan still exits 3)")
	f.gitleaks.register(fl)
	completeValues(cmd, "format", "text", "json", "sarif")
	completeValues(cmd, "confidence", "low", "medium", "high")
	completeValues(cmd, "color", "auto", "always", "never")
	for _, m := range f.modes {
		m.register(fl)
	}
	f.verify.register(a, fl)
	f.archive.register(fl)
	f.sdk.register(fl)
	return cmd
}

func runScan(ctx context.Context, a *app, f scanFlags, args []string) error {
	if f.findingsExit < 0 || f.findingsExit > 125 {
		return usageError(fmt.Errorf("--findings-exit %d: want 0 to 125", f.findingsExit))
	}
	if !slices.Contains([]string{"text", "json", "sarif"}, f.format) {
		return usageError(fmt.Errorf("unknown --format %q (want text, json or sarif)", f.format))
	}
	if err := f.sdk.validate(f.format); err != nil {
		return err
	}
	if len(args) == 0 {
		args = []string{"."}
	}
	// git work begun before the scan (prestart) ends with it, also when
	// the setup fails after starting it.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	setup, err := newScanSetup(ctx, a, f, args)
	if err != nil {
		return err
	}
	started := time.Now()
	res, err := setup.run(ctx, a, f)
	if err != nil {
		return err
	}
	if err := f.verify.apply(ctx, a, res); err != nil {
		return err
	}
	rep := &report.Report{
		Findings: res.findings, Stats: res.stats, Rules: setup.ruleInfos(res.findings),
		ShowSecrets: f.showSecrets, Version: buildVersion(), Started: started,
		Suppressed: res.suppressed, Below: res.below,
		Redactor: a.redactor, Root: setup.root(ctx),
	}
	f.verify.annotate(rep)
	sdk, err := f.sdk.run(ctx, a, args, rep)
	if err != nil {
		return err
	}
	if f.writeBaseline != "" {
		if err := report.NewBaseline(res.findings, started).Write(f.writeBaseline); err != nil {
			return runtimeError(fmt.Errorf("write baseline: %w", err), "")
		}
		a.warnf("wrote %d findings to baseline %s", len(res.findings), f.writeBaseline)
		report.Summary(a.stderr, rep)
		return scanExit(rep, true, f.findingsExit)
	}
	if err := writeReport(a, f, rep, res.streamed); err != nil {
		return err
	}
	report.Summary(a.stderr, rep)
	self, children := cpuTimes()
	a.logger.Debug("cpu time", "vigil", self, "child_processes", children)
	if rep.Stats.Items == 0 && len(rep.Stats.Incomplete()) == 0 && emptyIsClean(setup.mode) {
		return nil // nothing staged or pushed: nothing to block
	}
	return sdk.exit(scanExit(rep, false, f.findingsExit), f.findingsExit)
}

// scanExit maps a finished scan to its exit code: an incomplete scan (or
// one that read nothing) is 3 whatever it found, findings are 1.
func scanExit(rep *report.Report, baselineWritten bool, findingsExit int) error {
	if n := len(rep.Stats.Incomplete()); n > 0 {
		return runtimeError(fmt.Errorf("the scan is incomplete: %d items could not be scanned (listed above)", n),
			"fix what can be fixed (permissions, --max-file-size, --archive-* limits); --exclude what is known to be unreadable, such as deliberately broken test archives")
	}
	if rep.Stats.Items == 0 {
		return runtimeError(errors.New("nothing was scanned: every path was empty, excluded or binary"), "check the paths and --exclude; a scan that read nothing does not pass")
	}
	if len(rep.Findings) > 0 && !baselineWritten && findingsExit != exitClean {
		return &exitError{code: findingsExit}
	}
	return verifyExit(rep)
}

// writeReport writes the report in the chosen format to stdout or --output
// (atomically, so a failed run never leaves half a report).
func writeReport(a *app, f scanFlags, rep *report.Report, streamed bool) error {
	if streamed {
		return nil // the findings were shown on the terminal as they came
	}
	write := func(w io.Writer, color bool) error {
		switch f.format {
		case "json":
			return report.JSON(w, rep)
		case "sarif":
			return report.SARIF(w, rep)
		}
		return report.Text(w, rep, report.TextOptions{Color: color})
	}
	if f.output == "" || f.output == "-" {
		color := f.color == "always" || f.color == "auto" && a.isTerminal(a.stdout) && a.getenv("NO_COLOR") == ""
		return write(a.stdout, color)
	}
	if err := atomicfile.Write(f.output, 0o644, func(w io.Writer) error { return write(w, f.color == "always") }); err != nil {
		return runtimeError(fmt.Errorf("write report: %w", err), "")
	}
	return nil
}

func sourceFor(a *app, paths []string, opts files.Options) vigil.Source {
	var srcs vigil.Sources
	var dirs []string
	for _, p := range paths {
		if p == "-" {
			srcs = append(srcs, files.NewStream(a.stdin, "stdin", "stdin", opts.ChunkSize))
			continue
		}
		dirs = append(dirs, p)
	}
	if len(dirs) > 0 {
		srcs = append(srcs, files.New(dirs, opts))
	}
	return srcs
}

// completeValues makes shell completion offer values for a flag.
func completeValues(cmd *cobra.Command, flag string, values ...string) {
	_ = cmd.RegisterFlagCompletionFunc(flag, cobra.FixedCompletions(values, cobra.ShellCompDirectiveNoFileComp))
}
