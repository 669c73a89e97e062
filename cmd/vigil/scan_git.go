package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/spf13/pflag"
	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/source/files"
	gitsrc "github.com/vigilsec/vigil/source/git"
)

// gitMode scans git history (--git), staged changes (--staged) and the
// commits of a push (--pre-push).
type gitMode struct {
	history, staged, prePush bool
	branch, since, rng       string
	remote                   string
	submodules               bool
	// reader is the hidden --git-reader: "cat-file" reads a whole history
	// through git cat-file, the reference reader, for benchmarks and
	// checks of the in-process one.
	reader string

	// Set by source (or prestart), used by finish.
	hist  *gitsrc.History
	stage *gitsrc.Staged

	// opened is closed once prestart has opened the repository (repo, or
	// openErr).
	opened  chan struct{}
	repo    *gitsrc.Repo
	openErr error

	// path is the repository scanned.
	path string
	// pushRevs, once read (pushed), are the revisions a push sends.
	pushRevs []string
	pushRead bool
}

// prestart opens the repository in the background and, for --staged,
// starts listing what is staged, or, for the whole history, starts
// walking it, so that this git work overlaps the loading of the rules: a
// pre-commit hook waits for both. Flag errors are
// left to source, which reports them.
func (g *gitMode) prestart(ctx context.Context, logger *slog.Logger, paths []string, opts files.Options) {
	if g.check() != nil || len(paths) != 1 || g.repo != nil {
		return
	}
	g.path = paths[0]
	g.opened = make(chan struct{})
	go func() {
		defer close(g.opened)
		if g.staged {
			g.repo, g.stage, g.openErr = gitsrc.OpenStaged(ctx, paths[0], logger, g.options(opts))
			return
		}
		g.repo, g.openErr = gitsrc.Open(ctx, paths[0])
		if g.openErr != nil {
			return
		}
		g.repo.Logger = logger
		if g.wholeHistory() {
			g.hist = gitsrc.NewHistory(g.repo, g.options(opts))
			g.hist.Start(ctx)
		}
	}()
}

// wholeHistory reports whether the scan is of every commit reachable from
// any ref: no --branch, --since, --range or pre-push selection.
func (g *gitMode) wholeHistory() bool {
	return !g.staged && !g.prePush && g.branch == "" && g.since == "" && g.rng == ""
}

// options are the git source options for files options.
func (g *gitMode) options(opts files.Options) gitsrc.Options {
	return gitsrc.Options{MaxSize: opts.MaxFileSize, Exclude: opts.Exclude, ChunkSize: opts.ChunkSize, Submodules: g.submodules, CatFile: g.reader == "cat-file"}
}

func (g *gitMode) register(fl *pflag.FlagSet) {
	fl.BoolVar(&g.history, "git", false, "scan every commit of the git repository at PATH (default: all refs)")
	fl.StringVar(&g.branch, "branch", "", "with --git: scan only commits reachable from `REF`")
	fl.StringVar(&g.since, "since", "", "with --git: scan only commits after `REV` (a commit) or DATE (\"2024-01-31\", \"2 weeks ago\")")
	fl.StringVar(&g.rng, "range", "", "with --git: scan only the commits in `A..B`")
	fl.BoolVar(&g.submodules, "submodules", false, "with --git: also scan the history of submodules (from their local clones)")
	fl.StringVar(&g.reader, "git-reader", "", "with --git: how blobs are read: \"packs\" (in-process, the default for a whole history) or \"cat-file\" (through git, the reference)")
	_ = fl.MarkHidden("git-reader")
	fl.BoolVar(&g.staged, "staged", false, "scan what is staged for the next commit (the index, not the work tree)")
	fl.BoolVar(&g.prePush, "pre-push", false, "scan the commits a push sends; reads git's pre-push lines on stdin")
	fl.StringVar(&g.remote, "remote", "", "with --pre-push: the remote pushed to (the hook's first argument)")
}

func (g *gitMode) active() bool {
	return g.history || g.staged || g.prePush || g.branch != "" || g.since != "" || g.rng != "" || g.submodules || g.remote != ""
}

// check validates the combination of git flags (scan setup checks that no
// other mode, such as --image, is asked for as well).
func (g *gitMode) check() error {
	n := 0
	for _, on := range []bool{g.history, g.staged, g.prePush} {
		if on {
			n++
		}
	}
	switch {
	case n > 1:
		return errors.New("choose one of --git, --staged, --pre-push and --image")
	case !g.history && (g.branch != "" || g.since != "" || g.rng != "" || g.submodules):
		return errors.New("--branch, --since, --range and --submodules go with --git")
	case g.rng != "" && (g.branch != "" || g.since != ""):
		return errors.New("--range already names the commits: drop --branch and --since")
	case g.rng != "" && !strings.Contains(g.rng, ".."):
		return fmt.Errorf("--range %q: want A..B", g.rng)
	case g.remote != "" && !g.prePush:
		return errors.New("--remote goes with --pre-push")
	case g.reader != "" && g.reader != "packs" && g.reader != "cat-file":
		return fmt.Errorf("--git-reader %q: want packs or cat-file", g.reader)
	}
	for _, rev := range []string{g.branch, g.since, g.rng, g.remote} {
		if strings.HasPrefix(rev, "-") {
			return fmt.Errorf("%q is not a revision, date or remote name", rev)
		}
	}
	return nil
}

func (g *gitMode) source(ctx context.Context, a *app, paths []string, opts files.Options) (vigil.Source, error) {
	if err := g.check(); err != nil {
		return nil, usageError(err)
	}
	if len(paths) > 1 {
		return nil, usageError(fmt.Errorf("git scans take one repository, got %d paths", len(paths)))
	}
	g.path = paths[0]
	repo, err := g.open(ctx, a)
	if err != nil {
		hint := ""
		if errors.Is(err, gitsrc.ErrNotRepository) {
			hint = "give the path of a git repository (a work tree or a bare repository)"
		}
		return nil, runtimeError(err, hint)
	}
	gopts := g.options(opts)
	switch {
	case g.staged:
		if g.stage == nil {
			g.stage = gitsrc.NewStaged(repo, gopts)
		}
		return g.stage, nil
	case g.prePush:
		revs, err := g.pushed(ctx, a)
		if err != nil {
			return nil, err
		}
		if revs == nil {
			return vigil.Sources{}, nil
		}
		gopts.Revs, gopts.NewOnly = revs, true
	default:
		if gopts.Revs, err = g.revs(ctx, repo); err != nil {
			return nil, err
		}
	}
	if repo.Shallow {
		a.warnf("%s is a shallow clone: commits before the shallow boundary are not in it, and the oldest commit present is credited with everything it holds", repo.Dir)
	}
	if g.hist == nil { // prestart began no walk
		g.hist = gitsrc.NewHistory(repo, gopts)
	}
	return g.hist, nil
}

// open opens the repository, or waits for prestart to have opened it.
func (g *gitMode) open(ctx context.Context, a *app) (*gitsrc.Repo, error) {
	if g.opened == nil && g.repo == nil && g.openErr == nil {
		g.repo, g.openErr = gitsrc.Open(ctx, g.path)
		if g.openErr == nil {
			g.repo.Logger = a.logger
		}
	} else if g.opened != nil {
		<-g.opened // prestart sets the logger: git may be running already
	}
	return g.repo, g.openErr
}

// revs turns --branch, --since and --range into 'git log' revisions.
func (g *gitMode) revs(ctx context.Context, repo *gitsrc.Repo) ([]string, error) {
	if g.rng != "" {
		return []string{g.rng}, nil
	}
	var revs []string
	if g.branch != "" {
		revs = append(revs, g.branch)
	} else if g.since != "" {
		revs = append(revs, "--all")
	}
	if g.since != "" {
		if repo.IsCommit(ctx, g.since) {
			revs = append(revs, "^"+g.since)
		} else {
			revs = append(revs, "--since="+g.since)
		}
	}
	return revs, nil
}

// pushed returns the revisions a push sends (nil for a push that only
// deletes), read once: the guard wants them before the source does.
func (g *gitMode) pushed(ctx context.Context, a *app) ([]string, error) {
	if g.pushRead {
		return g.pushRevs, nil
	}
	repo, err := g.open(ctx, a)
	if err != nil {
		return nil, err
	}
	if g.pushRevs, err = g.readPush(ctx, a, repo); err != nil {
		return nil, err
	}
	g.pushRead = true
	return g.pushRevs, nil
}

// readPush reads git's pre-push lines and returns what to scan (nil for a
// push that only deletes). Under the pre-commit framework, which passes
// the range in the environment instead, it reads that.
func (g *gitMode) readPush(ctx context.Context, a *app, repo *gitsrc.Repo) ([]string, error) {
	if to := a.getenv("PRE_COMMIT_TO_REF"); to != "" {
		from := a.getenv("PRE_COMMIT_FROM_REF")
		if strings.HasPrefix(to, "-") || strings.HasPrefix(from, "-") {
			return nil, usageError(fmt.Errorf("PRE_COMMIT_FROM_REF/PRE_COMMIT_TO_REF: %q..%q are not revisions", from, to))
		}
		if from == "" || strings.Trim(from, "0") == "" {
			remotes := "--remotes"
			if name := a.getenv("PRE_COMMIT_REMOTE_NAME"); name != "" {
				remotes += "=" + name
			}
			return []string{to, "--not", remotes}, nil
		}
		return []string{from + ".." + to}, nil
	}
	refs, err := gitsrc.ParsePush(a.stdin)
	if err != nil {
		return nil, usageError(err)
	}
	revs, err := gitsrc.PushRevs(ctx, repo, refs, g.remote)
	if err != nil {
		return nil, runtimeError(err, "")
	}
	return revs, nil
}

func (g *gitMode) finish(ctx context.Context, a *app, fs []vigil.Finding) ([]vigil.Finding, error) {
	var err error
	switch {
	case g.stage != nil:
		fs, err = g.stage.Filter(ctx, fs)
	case g.hist != nil:
		fs, err = g.hist.Attribute(ctx, fs)
		st := g.hist.Stats()
		how := "through git cat-file, %d of them new versions of a file scanned where they changed"
		if st.InProcess {
			how = "from the packs in-process, %d of them stored as deltas and scanned around their edits"
		}
		a.warnf("history: %d commits, %d unique blobs (%.1f MiB) read "+how,
			st.Commits, st.Blobs, float64(st.BlobBytes)/(1<<20), st.Diffed)
		if st.Commits == 0 && err == nil {
			a.warnf("no commit in %s: nothing to scan", g.selection())
		}
	}
	if err != nil {
		return nil, err
	}
	return fs, nil
}

// explain tells why a hook blocks a commit or a push, when it does: not
// when the scan only writes a baseline.
func (g *gitMode) explain(a *app, fs []vigil.Finding) {
	if (g.staged || g.prePush) && len(fs) > 0 {
		explainBlock(a, g.staged, acceptCommand(g.staged, g.pushRevs), fs)
	}
}

// selection describes the commits a history scan was asked for.
func (g *gitMode) selection() string {
	switch {
	case g.rng != "":
		return g.rng
	case g.branch != "" && g.since != "":
		return g.branch + " since " + g.since
	case g.since != "":
		return "any ref since " + g.since
	case g.branch != "":
		return g.branch
	case g.prePush:
		return "the commits pushed"
	}
	return "the history"
}

// changeOwn keeps, of findings, those a staged or pushed change adds, as
// finish does, without reporting anything.
func (g *gitMode) changeOwn(ctx context.Context, fs []vigil.Finding) ([]vigil.Finding, error) {
	switch {
	case g.stage != nil:
		return g.stage.Filter(ctx, fs)
	case g.hist != nil:
		return g.hist.Attribute(ctx, fs)
	}
	return fs, nil
}

// emptyIsClean reports whether a scan that read nothing is clean for this
// mode: a commit that only deletes files, a push that only deletes
// branches, or a range of commits (--range, --since, --branch) that holds
// none, as a push that adds no commit gives a CI job, has nothing to scan
// and must not be blocked. A whole history with nothing in it is not clean.
func emptyIsClean(m scanMode) bool {
	g, ok := m.(*gitMode)
	return ok && (g.staged || g.prePush || !g.wholeHistory())
}

// root is the top of the repository's work tree (its git directory, when
// it is bare): history paths are relative to it.
func (g *gitMode) root(ctx context.Context) string {
	if g.repo == nil {
		return ""
	}
	dir, err := g.repo.Root(ctx)
	if err != nil {
		return ""
	}
	return dir
}
