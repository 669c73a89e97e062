package main

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/pflag"
)

// gitleaksFlags are gitleaks' spellings of scan flags, accepted (hidden)
// so that a switching user's command lines and CI scripts keep working;
// each use prints vigil's spelling once.
type gitleaksFlags struct {
	reportPath, reportFormat, baselinePath, logOpts, ignorePath string
	redact                                                      string
	noBanner, ignoreAllow                                       bool
	exitCode, maxTargetMB, maxArchiveDepth                      int
}

func (g *gitleaksFlags) register(fl *pflag.FlagSet) {
	hidden := func(name string) { _ = fl.MarkHidden(name) }
	fl.StringVar(&g.reportPath, "report-path", "", "gitleaks' --output")
	fl.StringVar(&g.reportFormat, "report-format", "", "gitleaks' --format")
	fl.StringVar(&g.baselinePath, "baseline-path", "", "gitleaks' --baseline")
	fl.StringVar(&g.redact, "redact", "", "gitleaks' redaction (vigil redacts unless --show-secrets)")
	fl.Lookup("redact").NoOptDefVal = "100"
	fl.BoolVar(&g.noBanner, "no-banner", false, "gitleaks' banner switch (vigil prints none)")
	fl.IntVar(&g.exitCode, "exit-code", -1, "gitleaks' --findings-exit")
	fl.StringVar(&g.logOpts, "log-opts", "", "gitleaks' git log options (--git, --range, --branch, --since)")
	fl.IntVar(&g.maxTargetMB, "max-target-megabytes", 0, "gitleaks' --max-file-size in MB")
	fl.StringVar(&g.ignorePath, "gitleaks-ignore-path", "", "gitleaks' .gitleaksignore location")
	fl.BoolVar(&g.ignoreAllow, "ignore-gitleaks-allow", false, "gitleaks' switch for gitleaks:allow comments")
	fl.IntVar(&g.maxArchiveDepth, "max-archive-depth", 0, "gitleaks' --archive-depth")
	for _, n := range []string{"report-path", "report-format", "baseline-path", "redact", "no-banner", "exit-code", "log-opts",
		"max-target-megabytes", "gitleaks-ignore-path", "ignore-gitleaks-allow", "max-archive-depth"} {
		hidden(n)
	}
}

// apply turns the gitleaks flags that were given into vigil's, saying
// each time what vigil calls it. fl tells which flags were set.
func (g *gitleaksFlags) apply(a *app, fl *pflag.FlagSet, f *scanFlags) error {
	say := func(flag, vigil string) {
		a.warnf("--%s is gitleaks' spelling: vigil's is %s (taken as such)", flag, vigil)
	}
	set := func(name string) bool { return fl.Changed(name) }
	if set("report-path") {
		say("report-path", "--output "+g.reportPath)
		f.output = g.reportPath
	}
	if set("report-format") {
		switch g.reportFormat {
		case "json", "sarif":
			say("report-format", "--format "+g.reportFormat)
			f.format = g.reportFormat
		default:
			return usageError(fmt.Errorf("--report-format %s: vigil writes text, json or sarif (--format)", g.reportFormat))
		}
	}
	if set("baseline-path") {
		say("baseline-path", "--baseline "+g.baselinePath)
		f.baseline = g.baselinePath
	}
	if set("redact") {
		if f.showSecrets {
			return usageError(errors.New("--redact and --show-secrets contradict each other"))
		}
		a.warnf("--redact is gitleaks' flag: vigil redacts secrets unless --show-secrets is given")
	}
	if set("no-banner") {
		a.warnf("--no-banner is gitleaks' flag: vigil prints no banner")
	}
	if set("exit-code") {
		say("exit-code", "--findings-exit "+strconv.Itoa(g.exitCode))
		f.findingsExit = g.exitCode
	}
	if set("max-target-megabytes") {
		size := strconv.Itoa(g.maxTargetMB) + "MB"
		say("max-target-megabytes", "--max-file-size "+size)
		f.maxFileSize = size
	}
	if set("ignore-gitleaks-allow") {
		say("ignore-gitleaks-allow", "gitleaks_allow = false under [compat] in .vigil.toml")
		f.ignoreGitleaksAllow = true
	}
	if set("max-archive-depth") {
		say("max-archive-depth", "--archive-depth "+strconv.Itoa(g.maxArchiveDepth))
		f.archive.depth = g.maxArchiveDepth
	}
	if set("gitleaks-ignore-path") {
		a.warnf("--gitleaks-ignore-path is gitleaks' flag: vigil reads .gitleaksignore from the current directory and the directory scanned")
	}
	if set("log-opts") {
		vigil, err := g.logOptions(f)
		if err != nil {
			return usageError(err)
		}
		say("log-opts", vigil)
	}
	return nil
}

// logOptions turns gitleaks' --log-opts (git log options) into vigil's
// history flags, or says which option has no equivalent.
func (g *gitleaksFlags) logOptions(f *scanFlags) (string, error) {
	gm := f.git()
	gm.history = true
	out := []string{"--git"}
	fields := strings.Fields(g.logOpts)
	for i := 0; i < len(fields); i++ {
		o := fields[i]
		switch {
		case o == "--all":
		case strings.HasPrefix(o, "--since=") || strings.HasPrefix(o, "--after="):
			_, gm.since, _ = strings.Cut(o, "=")
			out = append(out, "--since "+gm.since)
		case (o == "--since" || o == "--after") && i+1 < len(fields):
			i++
			gm.since = fields[i]
			out = append(out, "--since "+gm.since)
		case strings.Contains(o, "..") && !strings.HasPrefix(o, "-"):
			gm.rng = o
			out = append(out, "--range "+o)
		case !strings.HasPrefix(o, "-") && gm.branch == "":
			gm.branch = o
			out = append(out, "--branch "+o)
		default:
			return "", fmt.Errorf("--log-opts: vigil has no equivalent of git log's %q (it takes --all, A..B, a branch and --since)", o)
		}
	}
	return strings.Join(out, " "), nil
}
