package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
	"github.com/vigilsec/vigil/internal/atomicfile"
	"github.com/vigilsec/vigil/internal/compat/gitleaks"
	"github.com/vigilsec/vigil/internal/compat/trufflehog"
	"github.com/vigilsec/vigil/internal/config"
)

func newConfigCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Work with .vigil.toml: import another scanner's configuration",
	}
	cmd.AddCommand(newConfigImportCmd(a))
	return cmd
}

func newConfigImportCmd(a *app) *cobra.Command {
	var output string
	var force bool
	cmd := &cobra.Command{
		Use:   "import gitleaks|trufflehog FILE",
		Short: "Convert a gitleaks or trufflehog configuration to .vigil.toml",
		Long: `Convert another scanner's configuration to an equivalent .vigil.toml: custom
rules, allowlists (paths, regexes, stopwords, commits), gitleaks' [extend]
(useDefault, path, disabledRules) and trufflehog's custom detectors and
allowlists. Every setting that could not be carried over is named on stderr,
with the reason, and in a comment at the top of the file.

vigil's built-in rules stay on; a configuration never silently replaces them.`,
		Example: `  vigil config import gitleaks .gitleaks.toml
  vigil config import trufflehog trufflehog.yaml --output -`,
		Args:      cobra.ExactArgs(2),
		ValidArgs: []string{"gitleaks", "trufflehog"},
		RunE: func(_ *cobra.Command, args []string) error {
			return importConfig(a, args[0], args[1], output, force)
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", config.FileName, "write to `FILE` (- for stdout)")
	cmd.Flags().BoolVar(&force, "force", false, "overwrite FILE if it exists")
	return cmd
}

func importConfig(a *app, tool, path, output string, force bool) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return usageError(err)
	}
	var cfg *config.Config
	switch tool {
	case "gitleaks":
		cfg, err = gitleaks.ConvertConfig(path, data)
	case "trufflehog":
		cfg, err = trufflehog.ConvertConfig(path, data)
	default:
		return usageError(fmt.Errorf("cannot import %q: want gitleaks or trufflehog", tool))
	}
	if err != nil {
		return usageError(err)
	}
	header := []string{fmt.Sprintf("Converted from %s (%s) by 'vigil config import %s'.", path, tool, tool)}
	if len(cfg.Notes) > 0 {
		header = append(header, "Not carried over, or carried over differently:")
		for _, n := range cfg.Notes {
			header = append(header, "  - "+n)
			a.warnf("note: %s", n)
		}
	}
	write := func(w io.Writer) error { return config.Encode(w, cfg, header) }
	if output == "-" {
		return write(a.stdout)
	}
	if _, err := os.Stat(output); err == nil && !force {
		return withHint(usageError(fmt.Errorf("%s exists", output)), "merge by hand from --output -, or overwrite with --force")
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return runtimeError(err, "")
	}
	if err := atomicfile.Write(output, 0o644, write); err != nil {
		return runtimeError(fmt.Errorf("write %s: %w", output, err), "")
	}
	a.warnf("wrote %s: %d rules, %d allowlists, %d disabled rules; %d settings not carried over",
		output, len(cfg.Rules), len(cfg.AllowEntries()), len(cfg.Disable), len(cfg.Notes))
	return nil
}
