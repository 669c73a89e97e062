package main

import (
	"fmt"
	"strings"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/internal/escape"
	"github.com/vigilsec/vigil/internal/githook"
	"github.com/vigilsec/vigil/report"
)

// baselineFile is the baseline the installed hooks use when it exists.
const baselineFile = githook.BaselineFile

// explainBlock tells, on stderr, why a hook blocks a commit or a push:
// each secret's file and line, and how to allow a false positive.
func explainBlock(a *app, staged bool, fs []vigil.Finding) {
	what, where, skip := "push", "in the commits being pushed", "git push --no-verify"
	remove := "from those commits (git rebase -i, git commit --amend)"
	accept := "vigil scan --git --range @{upstream}..HEAD --write-baseline " + baselineFile
	if staged {
		what, where, skip = "commit", "in the staged changes", "git commit --no-verify"
		remove = "from the file and stage it again"
		accept = "vigil scan --staged --write-baseline " + baselineFile
	}
	noun := "secrets"
	if len(fs) == 1 {
		noun = "secret"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "vigil: %s blocked: %d %s %s:\n", what, len(fs), noun, where)
	for _, f := range fs {
		loc := report.Location(f.Origin)
		if c := f.Origin.Commit; c != nil && len(c.SHA) >= 12 {
			loc += " in commit " + c.SHA[:12]
		}
		fmt.Fprintf(&b, "  %s: %s (%s, %s confidence)\n", loc, f.RuleID, f.Description, f.Confidence)
	}
	rule := fs[0].RuleID
	fmt.Fprintf(&b, "vigil: if it is a real secret, remove it %s, and rotate it. If it is not, allow it:\n", remove)
	fmt.Fprintf(&b, "  - add a comment containing vigil:allow on that line (or vigil:allow=%s for this rule only);\n", rule)
	fmt.Fprintf(&b, "  - or list the path or value in .vigil.toml: [allow] paths = [%s] or values = [\"REGEX\"],\n", tomlString(fs[0].Origin.Path))
	b.WriteString("    and commit that first, on its own: what a change adds to .vigil.toml does not apply to that same change;\n")
	fmt.Fprintf(&b, "  - or accept the current findings: %s (the hook reads it; commit it on its own, or leave it untracked);\n", accept)
	fmt.Fprintf(&b, "  - or skip the check this once: %s\n", skip)
	fmt.Fprint(a.stderr, b.String())
}

// tomlString quotes a path as a TOML basic string, escaped as text output
// escapes names (see escape.Name), so that it is safe on a terminal and
// can be pasted into .vigil.toml.
func tomlString(p string) string {
	if q := escape.Name(p, ""); q != p {
		return q
	}
	return `"` + p + `"`
}
