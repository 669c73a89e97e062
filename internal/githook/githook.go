// Package githook installs and removes the git hooks that run vigil: a
// pre-commit hook that scans the staged changes and a pre-push hook that
// scans the commits being pushed. A hook already in place is kept beside
// vigil's (NAME.pre-vigil) and run first; uninstalling puts it back.
// Installing twice is the same as installing once.
package githook

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Kind is a git hook vigil can install.
type Kind string

// The hooks vigil installs.
const (
	PreCommit Kind = "pre-commit"
	PrePush   Kind = "pre-push"
)

// marker identifies a hook vigil wrote.
const marker = "# vigil-hook: "

// chainSuffix names the hook vigil's hook runs first.
const chainSuffix = ".pre-vigil"

// BaselineFile is the baseline the hooks pass to vigil when it exists at
// the top of the work tree.
const BaselineFile = ".vigil-baseline.json"

// Script returns the hook script for kind, running the vigil binary at
// exe (or the vigil in PATH, if exe has gone).
func Script(kind Kind, exe string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "#!/bin/sh\n%s%s (installed by 'vigil hook install'; 'vigil hook uninstall' removes it)\n", marker, kind)
	verb := "commit"
	if kind == PrePush {
		verb = "push"
	}
	fmt.Fprintf(&b, "# Blocks a %s that adds secrets. To skip it once: git %s --no-verify\n", verb, verb)
	fmt.Fprintf(&b, "vigil=%s\n", shellQuote(exe))
	b.WriteString(`[ -x "$vigil" ] || vigil=$(command -v vigil) || {
	echo "vigil: the vigil binary is gone; install it, or remove this hook with 'vigil hook uninstall'" >&2
	exit 1
}
hookdir=$(dirname "$0")
baseline=
[ -f ` + BaselineFile + ` ] && baseline="--baseline ` + BaselineFile + `"
`)
	chained := `"$hookdir/` + string(kind) + chainSuffix + `"`
	switch kind {
	case PrePush:
		// git writes the refs on stdin once: keep them for both hooks.
		b.WriteString(`input=$(cat)
if [ -x ` + chained + ` ]; then
	printf '%s\n' "$input" | ` + chained + ` "$@" || exit $?
fi
printf '%s\n' "$input" | "$vigil" scan --pre-push --remote "$1" $baseline
`)
	default:
		b.WriteString(`if [ -x ` + chained + ` ]; then
	` + chained + ` "$@" || exit $?
fi
exec "$vigil" scan --staged $baseline
`)
	}
	return b.String()
}

func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// IsVigil reports whether the file at path is a hook vigil wrote.
func IsVigil(path string) bool {
	data, err := os.ReadFile(path)
	return err == nil && bytes.Contains(data, []byte(marker))
}

// Install writes kind's hook into dir (creating dir). An existing hook
// that is not vigil's is renamed NAME.pre-vigil and run first by vigil's;
// vigil's own hook is rewritten in place. It returns what it did.
func Install(dir string, kind Kind, exe string) (string, error) {
	path := filepath.Join(dir, string(kind))
	chain := path + chainSuffix
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("install %s hook: %w", kind, err)
	}
	note := "installed " + path
	_, err := os.Lstat(path)
	switch {
	case err == nil && IsVigil(path):
		note = "updated " + path
	case err == nil:
		if _, err := os.Lstat(chain); err == nil {
			return "", fmt.Errorf("install %s hook: both %s and %s exist; move one of them away", kind, path, chain)
		}
		if err := os.Rename(path, chain); err != nil {
			return "", fmt.Errorf("install %s hook: keep the existing hook: %w", kind, err)
		}
		note = fmt.Sprintf("installed %s (the existing hook, now %s, runs first)", path, filepath.Base(chain))
	case !errors.Is(err, fs.ErrNotExist):
		return "", fmt.Errorf("install %s hook: %w", kind, err)
	}
	if _, err := os.Lstat(chain); err == nil && note == "updated "+path {
		note += " (still chaining to " + filepath.Base(chain) + ")"
	}
	if err := writeExecutable(path, Script(kind, exe)); err != nil {
		return "", fmt.Errorf("install %s hook: %w", kind, err)
	}
	return note, nil
}

// Uninstall removes vigil's kind hook from dir and restores the hook it
// chained to. A hook that is not vigil's is left alone.
func Uninstall(dir string, kind Kind) (string, error) {
	path := filepath.Join(dir, string(kind))
	chain := path + chainSuffix
	if _, err := os.Lstat(path); errors.Is(err, fs.ErrNotExist) {
		return fmt.Sprintf("no %s hook in %s: nothing to remove", kind, dir), nil
	}
	if !IsVigil(path) {
		return fmt.Sprintf("%s is not vigil's hook: left alone", path), nil
	}
	if err := os.Remove(path); err != nil {
		return "", fmt.Errorf("uninstall %s hook: %w", kind, err)
	}
	if _, err := os.Lstat(chain); err == nil {
		if err := os.Rename(chain, path); err != nil {
			return "", fmt.Errorf("uninstall %s hook: restore %s: %w", kind, chain, err)
		}
		return fmt.Sprintf("removed vigil's %s hook and restored the previous one", kind), nil
	}
	return "removed " + path, nil
}

// writeExecutable replaces path atomically with an executable file.
func writeExecutable(path, content string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.WriteString(content); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o755); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
