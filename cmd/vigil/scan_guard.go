package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/vigilsec/vigil/internal/compat/gitleaks"
	"github.com/vigilsec/vigil/internal/config"
	"github.com/vigilsec/vigil/internal/suppress"
	"github.com/vigilsec/vigil/rules"
)

// guard makes a scan of a change (a pre-commit or pre-push hook, a range,
// a CI run) unable to silence itself: the configuration, allowlists,
// ignore files and baselines apply as they were at the change's base, and
// what the change added or widened in them does not apply to it.
type guard struct {
	dir  string // where git runs
	top  string // the repository's top level
	base string // the commit the change builds on; "" when there is none
	why  string // what made this a guarded scan
	// ignored lists, per file, what the change added that was not applied.
	ignored []string
}

// ciDetected reports whether vigil runs in CI.
func ciDetected(a *app) bool {
	for _, k := range []string{"CI", "GITHUB_ACTIONS", "GITLAB_CI", "BUILDKITE", "CIRCLECI", "JENKINS_URL", "TF_BUILD"} {
		if v := strings.ToLower(a.getenv(k)); v != "" && v != "false" && v != "0" {
			return true
		}
	}
	return false
}

// newGuard returns the guard of a scan of a change, or nil for a scan
// that is not of one (a scan of a work tree or history outside CI, with
// no --base).
func newGuard(ctx context.Context, a *app, f scanFlags, cfg *config.Config, mode scanMode, paths []string) (*guard, error) {
	if cfg.Path == "" && f.baseline == "" && !hasIgnoreFile(cfg, paths) {
		return nil, nil // nothing a change could add to: no git work
	}
	g := &guard{dir: "."}
	if len(paths) == 1 && paths[0] != "-" {
		if st, err := os.Stat(paths[0]); err == nil && st.IsDir() {
			g.dir = paths[0]
		}
	}
	gm, _ := mode.(*gitMode)
	var spec string
	switch {
	case f.base != "":
		spec, g.why = f.base, "--base "+f.base
	case gm != nil && gm.staged:
		spec, g.why = "HEAD", "a scan of staged changes"
	case gm != nil && gm.prePush:
		if gm.check() != nil || len(paths) != 1 {
			return nil, nil // the git source reports it
		}
		gm.path = paths[0]
		revs, err := gm.pushed(ctx, a)
		if err != nil {
			return nil, err
		}
		if revs == nil {
			return nil, nil // a push that only deletes: nothing is scanned
		}
		spec, g.why = g.boundary(ctx, revs), "a scan of pushed commits"
	case gm != nil && gm.rng != "":
		spec, g.why = g.boundary(ctx, []string{gm.rng}), "a scan of --range "+gm.rng
	case ciDetected(a):
		spec, g.why = g.ciBase(ctx, a)
	default:
		return nil, nil
	}
	top, err := g.git(ctx, "rev-parse", "--show-toplevel")
	if err != nil {
		if gm != nil {
			return nil, nil // the git source reports it
		}
		a.logger.Debug("not a git repository: suppression files apply as they are", "dir", g.dir, "err", err)
		return nil, nil
	}
	g.top = strings.TrimSpace(top)
	if spec != "" {
		if out, err := g.git(ctx, "rev-parse", "--verify", "--quiet", "--end-of-options", spec+"^{commit}"); err == nil {
			g.base = strings.TrimSpace(out)
		} else if !(gm != nil && gm.staged) {
			// (Staged changes in a repository with no commit yet have
			// no base: every file is new in them, as the notes say.)
			a.warnf("%s: cannot read the base of the change (%s): no suppression file written in the repository applies", g.why, spec)
			a.warnf("hint: fetch the base commit (actions/checkout: fetch-depth: 0), or name it with --base REV or VIGIL_BASE")
		}
	}
	return g, nil
}

// ciBase finds the base of the change a CI run tests: VIGIL_BASE, the
// target branch of a pull or merge request, the commit before a push, or
// else the first parent of HEAD.
func (g *guard) ciBase(ctx context.Context, a *app) (spec, why string) {
	if b := a.getenv("VIGIL_BASE"); b != "" {
		return b, "CI (VIGIL_BASE=" + b + ")"
	}
	if ref := a.getenv("GITHUB_BASE_REF"); ref != "" {
		if mb, err := g.git(ctx, "merge-base", "HEAD", "origin/"+ref); err == nil {
			return strings.TrimSpace(mb), "CI (pull request into " + ref + ")"
		}
		return "origin/" + ref, "CI (pull request into " + ref + ")"
	}
	if sha := a.getenv("CI_MERGE_REQUEST_DIFF_BASE_SHA"); sha != "" {
		return sha, "CI (merge request)"
	}
	if before := githubBefore(a.getenv("GITHUB_EVENT_PATH")); before != "" {
		return before, "CI (push)"
	}
	if sha := a.getenv("CI_COMMIT_BEFORE_SHA"); sha != "" && strings.Trim(sha, "0") != "" {
		return sha, "CI (push)"
	}
	return "HEAD^", "CI (no base named: HEAD's first parent)"
}

// githubBefore reads "before" from a GitHub push event payload.
func githubBefore(path string) string {
	if path == "" {
		return ""
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	var ev struct {
		Before string `json:"before"`
	}
	if json.Unmarshal(data, &ev) != nil || strings.Trim(ev.Before, "0") == "" {
		return ""
	}
	return ev.Before
}

// boundary returns the commit a selection of history builds on: the
// first commit git lists as its boundary, or "" for a selection that
// reaches the root.
func (g *guard) boundary(ctx context.Context, revs []string) string {
	args := append([]string{"rev-list", "--boundary"}, revs...)
	out, err := g.git(ctx, append(args, "--")...)
	if err != nil {
		return ""
	}
	for _, l := range strings.Split(out, "\n") {
		if sha, ok := strings.CutPrefix(l, "-"); ok {
			return sha
		}
	}
	return ""
}

func (g *guard) git(ctx context.Context, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "git", append([]string{"-C", g.dir}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return string(out), nil
}

// atBase returns a file as it was at the base. inChange is false for a
// file outside the repository or not tracked in it, which the change
// cannot have touched: it applies as it is. data is nil when the file is
// tracked now but was not at the base.
func (g *guard) atBase(ctx context.Context, path string) (data []byte, inChange bool) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, false
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	}
	top := g.top
	if real, err := filepath.EvalSymlinks(top); err == nil {
		top = real
	}
	rel, err := filepath.Rel(top, abs)
	if err != nil || !filepath.IsLocal(rel) {
		return nil, false
	}
	rel = filepath.ToSlash(rel)
	if _, err := g.git(ctx, "ls-files", "--error-unmatch", "--", ":/"+rel); err != nil {
		if g.base == "" {
			return nil, false
		}
		if _, err := g.git(ctx, "cat-file", "-e", g.base+":"+rel); err != nil {
			return nil, false // untracked, and not at the base either
		}
	}
	if g.base == "" {
		return nil, true
	}
	out, err := g.git(ctx, "show", g.base+":"+rel)
	if err != nil {
		return nil, true
	}
	return []byte(out), true
}

// reader reads files as they were at the base: those the change could
// have touched from the base, others from disk.
func (g *guard) reader(ctx context.Context) func(string) ([]byte, error) {
	return func(p string) ([]byte, error) {
		data, inChange := g.atBase(ctx, p)
		if !inChange {
			return os.ReadFile(p)
		}
		if data == nil {
			return nil, fmt.Errorf("%s: %w at the base of the change", p, os.ErrNotExist)
		}
		return data, nil
	}
}

// config limits cfg to what it was at the base, and returns the
// allowlist to match with.
func (g *guard) config(ctx context.Context, cfg *config.Config) (*config.Config, *rules.Allowlist, error) {
	cur, err := rules.NewAllowlist(cfg.AllowEntries())
	if err != nil {
		return nil, nil, usageError(err)
	}
	if cfg.Path == "" {
		return cfg, cur, nil
	}
	data, inChange := g.atBase(ctx, cfg.Path)
	if !inChange {
		return cfg, cur, nil
	}
	var base *config.Config
	if data != nil {
		if base, err = parseAnyConfigWith(cfg.Path, data, g.reader(ctx)); err != nil {
			g.note(cfg.Path, "its version at the base does not parse ("+err.Error()+"): none of it applies")
			base = nil
		}
	}
	if base == nil {
		base = &config.Config{Path: cfg.Path}
	}
	eff, ignored := cfg.Within(base, isBuiltinRule)
	for _, i := range ignored {
		g.note(cfg.Path, i)
	}
	baseAllow, err := rules.NewAllowlist(base.AllowEntries())
	if err != nil {
		baseAllow = nil
	}
	return eff, cur.Restrict(baseAllow), nil
}

// filter limits a baseline or ignore file to what it held at the base.
func (g *guard) filter(ctx context.Context, path string, cur suppress.Filter, parse func([]byte) (suppress.Filter, int, error), entries int) suppress.Filter {
	data, inChange := g.atBase(ctx, path)
	if !inChange {
		return cur
	}
	var base suppress.Filter
	n := 0
	if data != nil {
		var err error
		if base, n, err = parse(data); err != nil {
			g.note(path, "its version at the base does not parse: none of it applies")
			base = nil
		}
	}
	if entries > n {
		g.note(path, fmt.Sprintf("%d entries new in this change", entries-n))
	}
	return suppress.Both(cur, base)
}

func (g *guard) ignoreFile(ctx context.Context, ig *gitleaks.Ignore) suppress.Filter {
	return g.filter(ctx, ig.Source, ig, func(data []byte) (suppress.Filter, int, error) {
		b := gitleaks.ParseIgnore(ig.Source, data)
		return b, len(b.Entries), nil
	}, len(ig.Entries))
}

func (g *guard) baseline(ctx context.Context, b *suppress.Baseline) suppress.Filter {
	return g.filter(ctx, b.Path, b, func(data []byte) (suppress.Filter, int, error) {
		old, err := suppress.ParseBaseline(b.Path, data)
		if err != nil {
			return nil, 0, err
		}
		return old, old.Entries, nil
	}, b.Entries)
}

func (g *guard) note(file, what string) {
	g.ignored = append(g.ignored, file+": "+what)
}

// announce says what the change added that does not apply to it.
func (g *guard) announce(a *app) {
	if len(g.ignored) == 0 {
		return
	}
	base := "no earlier commit"
	if g.base != "" {
		base = g.base[:min(12, len(g.base))]
	}
	a.warnf("%s: what the change adds to its own suppressions does not apply to it (they apply as of %s); not applied:", g.why, base)
	for i, l := range g.ignored {
		if i == 20 {
			fmt.Fprintf(a.stderr, "  … and %d more\n", len(g.ignored)-20)
			break
		}
		fmt.Fprintf(a.stderr, "  %s\n", l)
	}
}

// isBuiltinRule reports whether id names one of vigil's built-in rules.
func isBuiltinRule(id string) bool {
	set, err := rules.Default()
	if err != nil {
		return false
	}
	_, ok := set.Get(id)
	return ok
}

// hasIgnoreFile reports whether a .gitleaksignore would be read.
func hasIgnoreFile(cfg *config.Config, paths []string) bool {
	if !config.On(cfg.Compat.GitleaksIgnore) {
		return false
	}
	for _, d := range configDirs(paths) {
		if _, err := os.Stat(filepath.Join(d, gitleaks.IgnoreFileName)); err == nil {
			return true
		}
	}
	return false
}
