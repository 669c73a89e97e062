package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// elsewhereCmds answer the commands of gitleaks (dir, git, detect,
// protect) and trufflehog (filesystem) with the vigil command that does
// the same, so that muscle memory gets an answer rather than "unknown
// command".
func elsewhereCmds(a *app) []*cobra.Command {
	var out []*cobra.Command
	for _, c := range []struct{ name, tool string }{
		{"dir", "gitleaks"}, {"git", "gitleaks"}, {"detect", "gitleaks"}, {"protect", "gitleaks"}, {"filesystem", "trufflehog"},
	} {
		out = append(out, &cobra.Command{
			Use:                c.name,
			Short:              fmt.Sprintf("%s's '%s': prints the vigil command that does the same", c.tool, c.name),
			Hidden:             true,
			DisableFlagParsing: true,
			RunE: func(_ *cobra.Command, args []string) error {
				vigil := vigilCommand(c.name, args)
				return withHint(usageError(fmt.Errorf("'%s' is a %s command; in vigil it is: %s", strings.TrimSpace(c.name+" "+strings.Join(args, " ")), c.tool, vigil)),
					"docs/coming-from-gitleaks.md lists every flag and file")
			},
		})
	}
	return out
}

// vigilCommand translates a gitleaks or trufflehog command line.
func vigilCommand(name string, args []string) string {
	var flags, paths []string
	git, staged, noGit := name == "git" || name == "detect", name == "protect", false
	source := ""
	for i := 0; i < len(args); i++ {
		a := args[i]
		key, val, hasVal := strings.Cut(a, "=")
		next := func() string {
			if hasVal {
				return val
			}
			if i+1 < len(args) {
				i++
				return args[i]
			}
			return ""
		}
		switch key {
		case "--no-git":
			noGit = true
		case "--staged", "--pre-commit":
			staged = true
		case "-s", "--source":
			source = next()
		case "-r", "--report-path":
			flags = append(flags, "--output "+next())
		case "-f", "--report-format":
			flags = append(flags, "--format "+next())
		case "-b", "--baseline-path":
			flags = append(flags, "--baseline "+next())
		case "-c", "--config":
			flags = append(flags, "--config "+next())
		case "--log-opts":
			sf := scanFlags{modes: []scanMode{&gitMode{}}}
			lo := gitleaksFlags{logOpts: next()}
			if s, err := lo.logOptions(&sf); err == nil {
				flags = append(flags, strings.TrimSpace(strings.TrimPrefix(s, "--git")))
			}
		case "--max-target-megabytes":
			flags = append(flags, "--max-file-size "+next()+"MB")
		case "--exit-code":
			flags = append(flags, "--findings-exit "+next())
		case "-v", "--verbose":
			flags = append(flags, "-v")
		case "--redact", "--no-banner", "--no-color", "--json", "--no-update":
		default:
			if !strings.HasPrefix(a, "-") {
				paths = append(paths, strings.TrimPrefix(a, "file://"))
			}
		}
	}
	if source != "" {
		paths = append(paths, source)
	}
	cmd := []string{"vigil scan"}
	switch {
	case staged:
		cmd = append(cmd, "--staged")
	case git && !noGit:
		cmd = append(cmd, "--git")
	}
	cmd = append(cmd, flags...)
	if len(paths) == 0 {
		paths = []string{"."}
	}
	return strings.Join(append(cmd, paths...), " ")
}
