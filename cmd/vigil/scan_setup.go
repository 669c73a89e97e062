package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime/debug"
	"sync"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/internal/config"
	"github.com/vigilsec/vigil/internal/fakecred"
	"github.com/vigilsec/vigil/internal/gcfloor"
	"github.com/vigilsec/vigil/internal/suppress"
	"github.com/vigilsec/vigil/report"
	"github.com/vigilsec/vigil/rules"
	"github.com/vigilsec/vigil/source/files"
)

// scanSetup is everything a scan needs, built from flags and .vigil.toml
// before anything is read, so configuration errors come first.
type scanSetup struct {
	set     *rules.Set
	matcher *rules.Matcher
	source  vigil.Source
	floor   vigil.Confidence
	workers int
	// mode is the active scan mode, or nil for files and stdin.
	mode scanMode
	// filters suppress findings once they are final: baselines, ignore
	// files, commit allowlists. tally counts every suppressed finding.
	filters []suppress.Filter
	tally   *suppress.Tally
	// held keeps the findings the matcher suppressed in a hook's scan
	// until the mode has said which of them the change adds (see
	// suppressed).
	heldMu sync.Mutex
	held   []heldFinding
}

type heldFinding struct {
	f   vigil.Finding
	why vigil.Suppression
}

// suppressed counts a finding the matcher suppressed. A scan of staged
// changes or of pushed commits reads whole files but reports only what
// the change adds: its suppressed findings wait for the same test.
func (s *scanSetup) suppressed(f vigil.Finding, why vigil.Suppression) {
	if f.Confidence < s.floor {
		return
	}
	if g, ok := s.mode.(*gitMode); ok && (g.staged || g.prePush) {
		s.heldMu.Lock()
		s.held = append(s.held, heldFinding{f, why})
		s.heldMu.Unlock()
		return
	}
	s.tally.Add(&f, why)
}

// countHeld counts the held findings the mode keeps as the change's own.
func (s *scanSetup) countHeld(ctx context.Context) error {
	g, ok := s.mode.(*gitMode)
	if !ok || len(s.held) == 0 {
		return nil
	}
	fs := make([]vigil.Finding, len(s.held))
	why := map[string]vigil.Suppression{}
	for i, h := range s.held {
		fs[i] = h.f
		why[suppress.Key(&h.f)] = h.why
	}
	kept, err := g.changeOwn(ctx, fs)
	if err != nil {
		return err
	}
	for i := range kept {
		if w, ok := why[suppress.Key(&kept[i])]; ok {
			s.tally.Add(&kept[i], w)
		}
	}
	return nil
}

// prestarter is a scan mode that can begin its own work (git's) in the
// background while the rules load.
type prestarter interface {
	prestart(ctx context.Context, logger *slog.Logger, paths []string, opts files.Options)
}

// scanResult is what a scan found, after suppressions and the floor.
type scanResult struct {
	findings []vigil.Finding
	stats    vigil.Stats
	// streamed is set when the findings were shown as they came.
	streamed   bool
	suppressed []vigil.SuppressionCount
	below      int
	// interrupted says the scan was stopped (Ctrl-C): findings and stats
	// are what it had, and the history's findings are not attributed.
	interrupted bool
}

func newScanSetup(ctx context.Context, a *app, f scanFlags, paths []string) (*scanSetup, error) {
	cfg, err := loadConfig(a, f, paths)
	if err != nil {
		return nil, err
	}
	if cfg == nil {
		cfg = &config.Config{}
	}
	if f.ignoreGitleaksAllow {
		off := false
		cfg.Compat.GitleaksAllow = &off
	}
	s := &scanSetup{workers: f.workers, floor: vigil.Medium, tally: &suppress.Tally{}}
	for _, m := range f.modes {
		if !m.active() {
			continue
		}
		if s.mode != nil {
			return nil, usageError(errors.New("choose one of --git, --staged, --pre-push and --image"))
		}
		s.mode = m
	}
	guard, err := newGuard(ctx, a, f, cfg, s.mode, paths)
	if err != nil {
		return nil, err
	}
	cfg, allow, err := s.suppressions(ctx, a, f, cfg, guard, paths)
	if err != nil {
		return nil, err
	}
	if cfg.Scan.Confidence != 0 {
		s.floor = cfg.Scan.Confidence
	}
	if f.confidence != "" {
		if s.floor, err = vigil.ParseConfidence(f.confidence); err != nil {
			return nil, usageError(fmt.Errorf("--confidence: %w", err))
		}
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
	if p, ok := s.mode.(prestarter); ok {
		p.prestart(ctx, a.logger, paths, opts)
	}
	// Compiling the rules allocates a few MB that is garbage a moment
	// later (more with custom rules, parsed from TOML): a collection
	// meanwhile would only cost a pre-commit scan time.
	gc := debug.SetGCPercent(-1)
	s.set, err = ruleSet(a, cfg)
	if err == nil {
		s.matcher = rules.NewMatcher(s.set, rules.Options{Allow: allow, Markers: cfg.Markers(), Logger: a.logger,
			Suppressed: s.suppressed})
	}
	debug.SetGCPercent(gc)
	if err != nil {
		return nil, err
	}
	if err := checkCustomExamples(s.matcher, cfg); err != nil {
		return nil, usageError(err)
	}
	a.matcher.use(s.matcher, s.set)
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
	return s, nil
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
func (s *scanSetup) run(ctx context.Context, a *app, f scanFlags) (*scanResult, error) {
	res := &scanResult{}
	if a.getenv("GOGC") == "" {
		if h, ok := s.source.(vigil.HeapFloorer); ok && h.HeapFloor() > 0 {
			defer gcfloor.Floor(h.HeapFloor())()
		} else {
			// A scan's live data is small (chunks in flight); collecting
			// sooner keeps the process near it, for a little more CPU
			// (bench/README.md, "Directories").
			debug.SetGCPercent(50)
		}
	}
	// Findings of files and stdin are final when found; a mode's are
	// final once it has finished them (history: attributed).
	final := s.mode == nil
	live := newLiveView(a, f, s.source, final)
	res.streamed = live.shown()
	sc := &vigil.Scanner{Matcher: s.matcher, Workers: s.workers, Logger: a.logger, Progress: live.scanProgress()}
	stats, err := sc.Scan(ctx, s.source, func(f vigil.Finding) {
		// Whatever is reported, or would be at the default floor, is
		// hidden in every text vigil prints (see redact.go).
		if f.Confidence >= min(s.floor, vigil.Medium) {
			a.redactor.Learn(&f)
		}
		if f.Confidence < s.floor {
			res.below++
			return
		}
		if final && len(suppress.Apply([]vigil.Finding{f}, s.filters, s.tally)) == 0 {
			return
		}
		live.found(&f)
		res.findings = append(res.findings, f)
	})
	live.stop()
	res.stats = stats
	if err != nil {
		if errors.Is(err, context.Canceled) {
			// What was found is reported, marked partial; attributing
			// it would ask git more, when the user wants out.
			res.interrupted = true
			res.suppressed = s.tally.Counts()
			report.Sort(res.findings)
			return res, nil
		}
		return nil, runtimeError(err, "")
	}
	if s.mode != nil {
		if res.findings, err = s.mode.finish(ctx, a, res.findings); err != nil {
			return nil, runtimeError(err, "")
		}
		if err := s.countHeld(ctx); err != nil {
			return nil, runtimeError(err, "")
		}
		res.findings = suppress.Apply(res.findings, s.filters, s.tally)
	}
	res.suppressed = s.tally.Counts()
	report.Sort(res.findings)
	return res, nil
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

// rooter is a scan mode whose paths are relative to a directory of its
// own (git: the repository's top).
type rooter interface {
	root(ctx context.Context) string
}

// root is the absolute directory the scan's relative paths are relative
// to: the mode's, or the current directory.
func (s *scanSetup) root(ctx context.Context) string {
	if r, ok := s.mode.(rooter); ok {
		return r.root(ctx)
	}
	wd, err := os.Getwd()
	if err != nil {
		return ""
	}
	return wd
}
