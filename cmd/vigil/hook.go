package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
	"github.com/vigilsec/vigil/internal/githook"
	gitsrc "github.com/vigilsec/vigil/source/git"
)

func newHookCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "hook",
		Short: "Install or remove the git hooks that block secrets before they land",
		Long: `Install git hooks that run 'vigil scan --staged' before each commit and
'vigil scan --pre-push' before each push. The hooks go where git runs hooks
from (core.hooksPath, or .git/hooks). A hook that is already there is kept
and run first; 'vigil hook uninstall' puts it back.`,
	}
	cmd.AddCommand(newHookInstallCmd(a), newHookUninstallCmd(a))
	return cmd
}

// hookFlags selects hooks; neither flag means both.
type hookFlags struct {
	preCommit, prePush bool
	repo               string
}

func (f *hookFlags) register(cmd *cobra.Command) {
	cmd.Flags().BoolVar(&f.preCommit, "pre-commit", false, "the pre-commit hook (scans staged changes)")
	cmd.Flags().BoolVar(&f.prePush, "pre-push", false, "the pre-push hook (scans the commits pushed)")
	cmd.Flags().StringVarP(&f.repo, "repo", "C", ".", "the repository (`DIR`)")
}

func (f *hookFlags) kinds() []githook.Kind {
	if !f.preCommit && !f.prePush {
		return []githook.Kind{githook.PreCommit, githook.PrePush}
	}
	var out []githook.Kind
	if f.preCommit {
		out = append(out, githook.PreCommit)
	}
	if f.prePush {
		out = append(out, githook.PrePush)
	}
	return out
}

// each runs do on the hooks directory for every selected hook, and
// reports what it did.
func (f *hookFlags) each(cmd *cobra.Command, a *app, do func(dir string, k githook.Kind) (string, error)) error {
	dir, err := f.dir(cmd)
	if err != nil {
		return err
	}
	for _, k := range f.kinds() {
		res, err := do(dir, k)
		if err != nil {
			return runtimeError(err, "")
		}
		a.warnf("%s", res)
	}
	return nil
}

func (f *hookFlags) dir(cmd *cobra.Command) (string, error) {
	repo, err := gitsrc.Open(cmd.Context(), f.repo)
	if err != nil {
		hint := ""
		if errors.Is(err, gitsrc.ErrNotRepository) {
			hint = "run it inside a git repository, or give one with -C DIR"
		}
		return "", runtimeError(err, hint)
	}
	dir, err := repo.HooksDir(cmd.Context())
	if err != nil {
		return "", runtimeError(err, "")
	}
	return dir, nil
}

func newHookInstallCmd(a *app) *cobra.Command {
	var f hookFlags
	cmd := &cobra.Command{
		Use:   "install",
		Short: "Install the pre-commit and pre-push hooks (both unless one is named)",
		Args:  cobra.NoArgs,
		Example: `  vigil hook install
  vigil hook install --pre-commit
  vigil hook install -C path/to/repo --pre-push`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			exe, err := os.Executable()
			if err != nil {
				return runtimeError(fmt.Errorf("find the vigil binary: %w", err), "")
			}
			if p, err := filepath.EvalSymlinks(exe); err == nil {
				exe = p
			}
			return f.each(cmd, a, func(dir string, k githook.Kind) (string, error) { return githook.Install(dir, k, exe) })
		},
	}
	f.register(cmd)
	return cmd
}

func newHookUninstallCmd(a *app) *cobra.Command {
	var f hookFlags
	cmd := &cobra.Command{
		Use:   "uninstall",
		Short: "Remove vigil's hooks and restore the hooks they chained to",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return f.each(cmd, a, githook.Uninstall)
		},
	}
	f.register(cmd)
	return cmd
}
