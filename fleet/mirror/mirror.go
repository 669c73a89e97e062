// Package mirror keeps a bare mirror of each repository a fleet watches:
// cloned once, then brought up to date with 'git fetch', and tells which
// commits are new since the last scan.
//
// Tokens never reach the mirror's configuration or git's command line:
// they are passed to git in its environment (GIT_CONFIG_COUNT) for the one
// command that needs them.
package mirror

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// Auth is an HTTPS credential for a mirror's URL.
type Auth struct {
	User  string // "x-access-token" for GitHub, "oauth2" for GitLab
	Token string
}

// Mirror is a bare mirror of one repository.
type Mirror struct {
	// URL is what the mirror is fetched from.
	URL string
	// Dir is the mirror's directory.
	Dir  string
	Auth *Auth
	// Timeout bounds one fetch (default 30 minutes).
	Timeout time.Duration
}

// New returns the mirror of url under the cache directory (not yet
// fetched).
func New(cache, url string, auth *Auth) *Mirror {
	sum := sha256.Sum256([]byte(url))
	return &Mirror{URL: url, Dir: filepath.Join(cache, safeName(url)+"-"+hex.EncodeToString(sum[:8])+".git"), Auth: auth}
}

var unsafeChars = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// safeName is the last part of a URL, fit for a directory name.
func safeName(url string) string {
	name := strings.TrimSuffix(strings.TrimRight(url, "/"), ".git")
	if i := strings.LastIndexAny(name, "/:"); i >= 0 {
		name = name[i+1:]
	}
	name = unsafeChars.ReplaceAllString(name, "_")
	if len(name) > 40 {
		name = name[:40]
	}
	if name == "" || name[0] == '.' {
		name = "repo" + name
	}
	return name
}

// Failure kinds of a sync, so that callers can tell a repository that is
// gone from a network that is down.
var (
	// ErrGone: the repository does not exist (deleted or renamed
	// upstream, or never there).
	ErrGone = errors.New("repository not found (deleted or renamed upstream?)")
	// ErrAuth: the credentials were refused or are missing.
	ErrAuth = errors.New("authentication failed")
	// ErrUnreachable: the host could not be reached.
	ErrUnreachable = errors.New("host unreachable")
)

// SyncError is a failed sync: Kind (one of the Err values, or nil when
// unknown) and git's own words.
type SyncError struct {
	Kind error
	Msg  string
}

func (e *SyncError) Error() string {
	if e.Kind == nil {
		return e.Msg
	}
	return e.Kind.Error() + ": " + e.Msg
}

func (e *SyncError) Unwrap() error { return e.Kind }

// Sync clones the mirror the first time (into a temporary directory,
// renamed into place once complete, so a clone cut short leaves nothing
// behind) and fetches every ref afterwards, pruning refs deleted upstream.
func (m *Mirror) Sync(ctx context.Context) error {
	timeout := m.Timeout
	if timeout == 0 {
		timeout = 30 * time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if _, err := os.Stat(filepath.Join(m.Dir, "HEAD")); err == nil {
		_, err := m.git(ctx, true, "fetch", "--prune", "--force", "--quiet", "--no-write-fetch-head", "origin")
		return err
	}
	if err := os.MkdirAll(filepath.Dir(m.Dir), 0o700); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(m.Dir), ".clone-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	dst := filepath.Join(tmp, "m.git")
	if _, err := m.gitIn(ctx, "", true, "clone", "--mirror", "--quiet", "--", m.URL, dst); err != nil {
		return err
	}
	os.RemoveAll(m.Dir) // a directory without HEAD: a broken leftover
	return os.Rename(dst, m.Dir)
}

// Exists reports whether the mirror has been cloned.
func (m *Mirror) Exists() bool {
	_, err := os.Stat(filepath.Join(m.Dir, "HEAD"))
	return err == nil
}

func (m *Mirror) git(ctx context.Context, remote bool, args ...string) ([]byte, error) {
	return m.gitIn(ctx, m.Dir, remote, args...)
}

// gitIn runs git in dir ("" for none); remote commands get the
// credentials and have their failures classified.
func (m *Mirror) gitIn(ctx context.Context, dir string, remote bool, args ...string) ([]byte, error) {
	full := append([]string{"-c", "core.quotePath=false", "-c", "gc.autoDetach=false"}, args...)
	cmd := exec.CommandContext(ctx, "git", full...)
	cmd.Dir = dir
	cmd.WaitDelay = time.Second
	cmd.Env = append(os.Environ(), "GIT_TERMINAL_PROMPT=0", "GIT_ASKPASS=", "SSH_ASKPASS=", "LC_ALL=C",
		// Only the transports a fleet file may name: never ext:: or
		// others a crafted URL or submodule could ask for.
		"GIT_ALLOW_PROTOCOL=https:http:ssh:git:file",
		"GIT_SSH_COMMAND=ssh -o BatchMode=yes -o ConnectTimeout=30")
	if remote && m.Auth != nil && m.Auth.Token != "" {
		basic := base64.StdEncoding.EncodeToString([]byte(m.Auth.User + ":" + m.Auth.Token))
		cmd.Env = append(cmd.Env, "GIT_CONFIG_COUNT=1", "GIT_CONFIG_KEY_0=http.extraHeader", "GIT_CONFIG_VALUE_0=Authorization: Basic "+basic)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err == nil {
		return out, nil
	}
	if ctx.Err() != nil {
		return nil, fmt.Errorf("git %s: %w", args[0], ctx.Err())
	}
	msg := strings.TrimSpace(stderr.String())
	if msg == "" {
		msg = err.Error()
	}
	msg = gitMessage(msg)
	if !remote {
		return nil, fmt.Errorf("git %s: %s", args[0], msg)
	}
	return nil, &SyncError{Kind: classify(msg), Msg: msg}
}

// classify reads git's error for why a fetch failed.
func classify(msg string) error {
	l := strings.ToLower(msg)
	has := func(subs ...string) bool {
		for _, s := range subs {
			if strings.Contains(l, s) {
				return true
			}
		}
		return false
	}
	switch {
	case has("authentication failed", "could not read username", "could not read password", "permission denied (publickey", "http 401", "error: 401", "returned error: 403", "http 403", "invalid credentials", "terminal prompts disabled"):
		return ErrAuth
	case has("repository not found", "does not appear to be a git repository", "not found", "returned error: 404", "no such repository", "repository not exported", "does not exist"):
		return ErrGone
	case has("could not resolve host", "connection refused", "timed out", "network is unreachable", "no route to host", "unable to connect", "connection reset", "failed to connect"):
		return ErrUnreachable
	}
	return nil
}

// gitMessage keeps what a failed git says went wrong: its fatal line (or
// error lines), without the advice around them.
func gitMessage(stderr string) string {
	var keep []string
	for _, line := range strings.Split(stderr, "\n") {
		line = strings.TrimSpace(line)
		if rest, ok := strings.CutPrefix(line, "fatal: "); ok && !strings.HasPrefix(rest, "Could not read from remote repository") {
			keep = append(keep, rest)
		} else if rest, ok := strings.CutPrefix(line, "error: "); ok {
			keep = append(keep, rest)
		}
	}
	if len(keep) == 0 {
		return strings.ReplaceAll(strings.TrimSpace(stderr), "\n", "; ")
	}
	return strings.Join(keep, "; ")
}
