// Package git is the vigil Source for git repositories: every blob in the
// selected history (read once each, straight from git's object store),
// the staged changes of a commit about to be made, and the commits of a
// push. It runs the real git binary.
//
// A history scan reads each unique blob once, however many commits and
// paths share it, scans blobs in parallel, and only afterwards attributes
// each finding to the commit, path, author and date that introduced it
// (see History.Attribute).
package git

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Repo is a git repository (bare or with a work tree).
type Repo struct {
	// Dir is the directory git runs in.
	Dir string
	// Bare and Shallow describe the repository.
	Bare, Shallow bool
	// Logger receives debug diagnostics; nil discards them.
	Logger *slog.Logger
}

// ErrNotRepository is returned by Open for a path that is not in a git
// repository.
var ErrNotRepository = errors.New("not a git repository")

// Open checks that dir is (inside) a git repository.
func Open(ctx context.Context, dir string) (*Repo, error) {
	r, err := at(dir)
	if err != nil {
		return nil, err
	}
	return r, r.probe(ctx)
}

// at returns the Repo of directory dir, not yet checked by git.
func at(dir string) (*Repo, error) {
	if dir == "" {
		dir = "."
	}
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("open repository %s: %w", dir, unwrapPath(err))
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("open repository %s: %w (it is a file)", dir, ErrNotRepository)
	}
	return &Repo{Dir: dir}, nil
}

// probe asks git whether r is a repository, and whether it is bare or
// shallow.
func (r *Repo) probe(ctx context.Context) error {
	out, err := r.output(ctx, "rev-parse", "--is-bare-repository", "--is-shallow-repository")
	if err != nil {
		if strings.Contains(err.Error(), "not a git repository") {
			return fmt.Errorf("open repository %s: %w", r.Dir, ErrNotRepository)
		}
		return fmt.Errorf("open repository %s: %w", r.Dir, err)
	}
	f := strings.Fields(string(out))
	if len(f) != 2 {
		return fmt.Errorf("open repository %s: unexpected rev-parse output %q", r.Dir, out)
	}
	r.Bare, r.Shallow = f[0] == "true", f[1] == "true"
	return nil
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func (r *Repo) logger() *slog.Logger {
	if r.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return r.Logger
}

// gitWaitDelay bounds how long Wait waits for the pipes of a git that was
// killed to close (see exec.Cmd.WaitDelay).
const gitWaitDelay = 250 * time.Millisecond

// command prepares a git command in the repository. Paths are never
// quoted (core.quotePath=false, and callers use -z), output is never
// paged or coloured, and git never prompts.
func (r *Repo) command(ctx context.Context, args ...string) *exec.Cmd {
	return r.commandCaching(ctx, deltaCacheLimit(args[0]), args...)
}

// commandCaching is command with git's delta base cache bounded to limit
// ("" leaves git's default).
func (r *Repo) commandCaching(ctx context.Context, limit string, args ...string) *exec.Cmd {
	full := []string{"-C", r.Dir, "-c", "core.quotePath=false", "-c", "color.ui=false",
		"-c", "log.showSignature=false", "-c", "diff.external=", "--no-pager"}
	if limit != "" {
		full = append(full, "-c", "core.deltaBaseCacheLimit="+limit)
	}
	full = append(full, args...)
	cmd := exec.CommandContext(ctx, "git", full...)
	// A git stopped early (a cancelled scan, a walk that met the other)
	// may be a wrapper whose own git lives on, holding the pipes: give up
	// on them after a moment, so that git gets EPIPE instead of Wait
	// waiting for it forever.
	cmd.WaitDelay = gitWaitDelay
	cmd.Env = append(os.Environ(), "GIT_TERMINAL_PROMPT=0", "GIT_OPTIONAL_LOCKS=0", "LC_ALL=C")
	r.logger().Debug("git", "args", strings.Join(args, " "))
	return cmd
}

// deltaCacheLimit bounds git's cache of delta bases for a long-running
// subcommand, which is most of its memory (96 MiB by default): the history
// walk reads trees, which gain nothing from more than a little; cat-file
// reading blobs oldest first, the reverse of the order deltas are stored
// in, gains more, but half git's default costs little CPU for the memory
// it saves (figures in bench/README.md, "Figures behind choices in the code"). Reading in pack order needs
// little (packOrderCacheLimit).
func deltaCacheLimit(sub string) string {
	switch sub {
	case "log":
		return "8m"
	case "cat-file":
		return "48m"
	}
	return ""
}

// output runs git and returns its stdout; a failure carries git's stderr.
func (r *Repo) output(ctx context.Context, args ...string) ([]byte, error) {
	cmd := r.command(ctx, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return out, gitError(args, err, stderr.Bytes())
	}
	return out, nil
}

// gitError describes a failed git command with what it wrote to stderr.
func gitError(args []string, err error, stderr []byte) error {
	msg := strings.TrimSpace(string(stderr))
	if i := strings.LastIndex(msg, "\n"); i >= 0 && strings.HasPrefix(msg[i+1:], "fatal: ") {
		// The fatal line says what went wrong; earlier lines are details.
		msg = msg[i+1:] + " (" + strings.ReplaceAll(msg[:i], "\n", "; ") + ")"
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) && msg != "" {
		return fmt.Errorf("git %s: %s", args[0], msg)
	}
	if msg != "" {
		return fmt.Errorf("git %s: %w: %s", args[0], err, msg)
	}
	return fmt.Errorf("git %s: %w", args[0], err)
}

// stream runs git with its stdout as a stream passed to read. It returns
// read's error, or git's (with its stderr) when git fails.
func (r *Repo) stream(ctx context.Context, read func(io.Reader) error, args ...string) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cmd := r.command(ctx, args...)
	stderr := &limitedBuffer{max: 64 << 10}
	cmd.Stderr = stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	widenPipe(out)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("git %s: %w", args[0], err)
	}
	rerr := read(out)
	if rerr == nil {
		// Drain, so git is not killed by a closed pipe.
		_, rerr = io.Copy(io.Discard, out)
	}
	if rerr != nil {
		cancel() // stop git, if it is still running
	}
	werr := cmd.Wait()
	switch {
	case rerr != nil && werr != nil && bytes.Contains(stderr.Bytes(), []byte("fatal:")):
		// git failed on its own and said why: that is the story.
		return gitError(args, werr, stderr.Bytes())
	case rerr != nil:
		return rerr
	case werr != nil:
		return gitError(args, werr, stderr.Bytes())
	}
	return nil
}

// limitedBuffer keeps the first max bytes written to it.
type limitedBuffer struct {
	bytes.Buffer
	max int
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := b.max - b.Len(); room > 0 {
		b.Buffer.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

// GitDir returns the repository's git directory.
func (r *Repo) GitDir(ctx context.Context) (string, error) {
	out, err := r.output(ctx, "rev-parse", "--absolute-git-dir")
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}

// HooksDir returns the directory git runs hooks from: core.hooksPath
// (relative to the work tree's top, as git reads it) or GIT_DIR/hooks.
func (r *Repo) HooksDir(ctx context.Context) (string, error) {
	out, err := r.output(ctx, "rev-parse", "--git-path", "hooks")
	if err != nil {
		return "", err
	}
	p := strings.TrimSpace(string(out))
	if !filepath.IsAbs(p) {
		p = filepath.Join(r.Dir, p)
	}
	return p, nil
}

// IsCommit reports whether rev names a commit in the repository.
func (r *Repo) IsCommit(ctx context.Context, rev string) bool {
	if strings.HasPrefix(rev, "-") {
		return false
	}
	_, err := r.output(ctx, "rev-parse", "--verify", "--quiet", "--end-of-options", rev+"^{commit}")
	return err == nil
}

// whyMissing explains an object cat-file reported missing: absent (a
// shallow or partial clone), or present but damaged, in git's words.
func (r *Repo) whyMissing(ctx context.Context, oid string) error {
	_, err := r.output(ctx, "cat-file", "-t", oid)
	if err != nil && !strings.Contains(err.Error(), "Not a valid object name") {
		return fmt.Errorf("object %s is damaged: %w", oid, err)
	}
	return fmt.Errorf("object %s is missing from the repository (a shallow or partial clone, or a damaged object store)", oid)
}

// Root returns the absolute top directory of the repository's work tree,
// which the paths of its history are relative to, or its git directory
// when it is bare.
func (r *Repo) Root(ctx context.Context) (string, error) {
	out, err := r.output(ctx, "rev-parse", "--show-toplevel")
	if dir := strings.TrimSpace(string(out)); err == nil && dir != "" {
		return dir, nil
	}
	return r.GitDir(ctx)
}
