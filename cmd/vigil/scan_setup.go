package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime/debug"
	"sync/atomic"
	"time"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/internal/config"
	"github.com/vigilsec/vigil/internal/fakecred"
	"github.com/vigilsec/vigil/internal/gcfloor"
	"github.com/vigilsec/vigil/report"
	"github.com/vigilsec/vigil/rules"
	"github.com/vigilsec/vigil/source/files"
	gitsrc "github.com/vigilsec/vigil/source/git"
)

// scanSetup is everything a scan needs, built from flags and .vigil.toml
// before anything is read, so configuration errors come first.
type scanSetup struct {
	set      *rules.Set
	matcher  *rules.Matcher
	source   vigil.Source
	baseline *report.Baseline
	floor    vigil.Confidence
	workers  int
	// mode is the active scan mode, or nil for files and stdin.
	mode scanMode
}

// prestarter is a scan mode that can begin its own work (git's) in the
// background while the rules load.
type prestarter interface {
	prestart(ctx context.Context, logger *slog.Logger, paths []string, opts files.Options)
}

// scanResult is what a scan found, after the baseline and the floor.
type scanResult struct {
	findings          []vigil.Finding
	stats             vigil.Stats
	suppressed, below int
	// interrupted says the scan was stopped (Ctrl-C): findings and stats
	// are what it had, and the history's findings are not attributed.
	interrupted bool
}

func newScanSetup(ctx context.Context, a *app, f scanFlags, paths []string) (*scanSetup, error) {
	cfg, err := loadConfig(f, paths)
	if err != nil {
		return nil, err
	}
	if cfg == nil {
		cfg = &config.Config{}
	}
	s := &scanSetup{workers: f.workers, floor: vigil.Medium}
	if cfg.Scan.Confidence != 0 {
		s.floor = cfg.Scan.Confidence
	}
	if f.confidence != "" {
		if s.floor, err = vigil.ParseConfidence(f.confidence); err != nil {
			return nil, usageError(fmt.Errorf("--confidence: %w", err))
		}
	}
	allow, err := rules.NewAllowlist(cfg.Allow.Paths, cfg.Allow.Values)
	if err != nil {
		return nil, usageError(err)
	}
	opts := files.Options{Exclude: append(cfg.Scan.Exclude, f.exclude...), MaxFileSize: int64(cfg.Scan.MaxFileSize)}
	if f.maxFileSize != "" {
		n, err := config.ParseSize(f.maxFileSize)
		if err != nil {
			return nil, usageError(fmt.Errorf("--max-file-size: %w", err))
		}
		opts.MaxFileSize = n
		if n == 0 {
			opts.MaxFileSize = -1
		}
	}
	if opts.Archives, err = f.archive.reader(a, opts); err != nil {
		return nil, err
	}
	for _, m := range f.modes {
		if !m.active() {
			continue
		}
		if s.mode != nil {
			return nil, usageError(errors.New("choose one of --git, --staged, --pre-push and --image"))
		}
		s.mode = m
	}
	if p, ok := s.mode.(prestarter); ok {
		p.prestart(ctx, a.logger, paths, opts)
	}
	// Compiling the rules allocates a few MB that is garbage a moment
	// later (more with custom rules, parsed from TOML): a collection
	// meanwhile would only cost a pre-commit scan time.
	gc := debug.SetGCPercent(-1)
	s.set, err = ruleSet(a, cfg)
	if err == nil {
		s.matcher = rules.NewMatcher(s.set, rules.Options{Allow: allow, Logger: a.logger})
	}
	debug.SetGCPercent(gc)
	if err != nil {
		return nil, err
	}
	if err := checkCustomExamples(s.matcher, cfg); err != nil {
		return nil, usageError(err)
	}
	if s.mode != nil {
		if s.source, err = s.mode.source(ctx, a, paths, opts); err != nil {
			return nil, err
		}
	} else {
		for _, p := range paths {
			if p == "-" {
				continue
			}
			if _, err := os.Stat(p); err != nil {
				return nil, usageError(fmt.Errorf("cannot scan %s: %w", p, unwrapPath(err)))
			}
		}
		s.source = sourceFor(a, paths, opts)
	}
	if f.baseline != "" {
		if s.baseline, err = report.ReadBaseline(f.baseline); err != nil {
			return nil, withHint(usageError(err), "write a fresh one with 'vigil scan --write-baseline FILE'")
		}
	}
	return s, nil
}

// loadConfig reads --config, or .vigil.toml from the current directory or
// the single directory being scanned.
func loadConfig(f scanFlags, paths []string) (*config.Config, error) {
	if f.noConfig {
		return nil, nil
	}
	if f.configPath != "" {
		c, err := config.Load(f.configPath)
		if err != nil {
			return nil, usageError(fmt.Errorf("config: %w", err))
		}
		return c, nil
	}
	dirs := []string{""}
	if len(paths) == 1 && paths[0] != "-" && paths[0] != "." {
		if st, err := os.Stat(paths[0]); err == nil && st.IsDir() {
			dirs = append(dirs, paths[0])
		}
	}
	for _, d := range dirs {
		c, err := config.Find(d)
		if err != nil {
			return nil, usageError(fmt.Errorf("config: %w", err))
		}
		if c != nil {
			return c, nil
		}
	}
	return nil, nil
}

// ruleSet is the built-in rules, less those the config disables, plus its
// own; a config rule that replaces a built-in one is announced.
func ruleSet(a *app, cfg *config.Config) (*rules.Set, error) {
	set, err := rules.Default()
	if err != nil {
		return nil, runtimeError(fmt.Errorf("built-in rules: %w", err), "")
	}
	if len(cfg.Disable) > 0 {
		if set, err = set.Without(cfg.Disable); err != nil {
			return nil, usageError(fmt.Errorf("%s: disable: %w", cfg.Path, err))
		}
	}
	if len(cfg.Rules) > 0 {
		var replaced []string
		if set, replaced, err = set.With(cfg.Rules); err != nil {
			return nil, usageError(fmt.Errorf("%s: %w", cfg.Path, err))
		}
		for _, id := range replaced {
			a.warnf("%s replaces the built-in rule %s", cfg.Path, id)
		}
	}
	return set, nil
}

// checkCustomExamples makes sure every example a user gives for their own
// rules is found, so a broken custom rule fails loudly, not silently.
func checkCustomExamples(m *rules.Matcher, cfg *config.Config) error {
	gen := fakecred.New(1)
	for _, r := range cfg.Rules {
		for i, tmpl := range r.Examples {
			text, err := gen.Expand(tmpl)
			if err != nil {
				return err
			}
			found := false
			m.Match(vigil.Chunk{Data: []byte(text), Origin: vigil.Origin{Path: "example", Line: 1}}, func(f vigil.Finding) {
				found = found || f.RuleID == r.ID
			})
			if !found {
				return fmt.Errorf("%s: rule %q: example %d does not match: %q", cfg.Path, r.ID, i+1, text)
			}
		}
	}
	return nil
}

// run scans, showing progress on a terminal, then applies the baseline and
// the confidence floor.
func (s *scanSetup) run(ctx context.Context, a *app) (*scanResult, error) {
	res := &scanResult{}
	if a.getenv("GOGC") == "" {
		switch s.source.(type) {
		case *gitsrc.History:
			defer gcfloor.Floor(gcfloor.History)()
		case *gitsrc.Staged:
			defer gcfloor.Floor(gcfloor.Staged)()
		default:
			// A scan's live data is small (chunks in flight); collecting
			// sooner keeps the process near it: 77 → 65 MB on the Go
			// tree, for 5–7% more CPU.
			debug.SetGCPercent(50)
		}
	}
	sc := &vigil.Scanner{Matcher: s.matcher, Workers: s.workers, Logger: a.logger}
	var progress atomic.Int64
	stop := startProgress(a, &progress)
	stats, err := sc.Scan(ctx, s.source, func(f vigil.Finding) {
		progress.Add(1)
		switch {
		case f.Confidence < s.floor:
			res.below++
		case s.baseline != nil && s.baseline.Contains(&f):
			res.suppressed++
		default:
			res.findings = append(res.findings, f)
		}
	})
	stop()
	res.stats = stats
	if err != nil {
		if errors.Is(err, context.Canceled) {
			// What was found is reported, marked partial; attributing
			// it would ask git more, when the user wants out.
			res.interrupted = true
			report.Sort(res.findings)
			return res, nil
		}
		return nil, runtimeError(err, "")
	}
	if s.mode != nil {
		if res.findings, err = s.mode.finish(ctx, a, res.findings); err != nil {
			return nil, runtimeError(err, "")
		}
	}
	report.Sort(res.findings)
	return res, nil
}

// startProgress prints a findings counter on stderr while a scan runs, only
// when stderr is a terminal.
func startProgress(a *app, found *atomic.Int64) (stop func()) {
	if !a.isTerminal(a.stderr) {
		return func() {}
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	start := time.Now()
	go func() {
		defer close(finished)
		t := time.NewTicker(250 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				fmt.Fprint(a.stderr, "\r\x1b[K")
				return
			case <-t.C:
				fmt.Fprintf(a.stderr, "\r\x1b[Kscanning… %s, %d findings", time.Since(start).Round(time.Second), found.Load())
			}
		}
	}()
	return func() { close(done); <-finished }
}

func (s *scanSetup) ruleInfos(fs []vigil.Finding) []report.RuleInfo {
	seen := map[string]bool{}
	var out []report.RuleInfo
	for _, f := range fs {
		if seen[f.RuleID] {
			continue
		}
		seen[f.RuleID] = true
		if r, ok := s.set.Get(f.RuleID); ok {
			out = append(out, report.RuleInfo{ID: r.ID, Provider: r.Provider, Description: r.Description, Hint: r.Hint, Category: r.Category})
		}
	}
	return out
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
