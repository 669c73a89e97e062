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
func explainBlock(a *app, staged bool, accept string, fs []vigil.Finding) {
	what, where, skip := "push", "in the commits being pushed", "git push --no-verify"
	remove := "from those commits (git rebase -i, git commit --amend)"
	if staged {
		what, where, skip = "commit", "in the staged changes", "git commit --no-verify"
		remove = "from the file and stage it again"
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

// acceptCommand is the command that writes the findings of a blocked
// commit or push to the baseline the hooks read. For a push it names the
// commits pushed as the hook saw them, so it works on a first push too,
// when there is no upstream to name: the range of an update, the branch
// pushed when the remote has none of it (its whole history: more than the
// push, never less), or every ref when several were pushed.
func acceptCommand(staged bool, pushed []string) string {
	if staged {
		return "vigil scan --staged --write-baseline " + baselineFile
	}
	var pos, neg, ranges []string
	others := false
	for _, r := range pushed {
		switch {
		case strings.Contains(r, ".."):
			ranges = append(ranges, r)
		case strings.HasPrefix(r, "^"):
			neg = append(neg, r[1:])
		case strings.HasPrefix(r, "-"):
			others = true // --not --remotes: what no remote has
		default:
			pos = append(pos, r)
		}
	}
	sel := "--git"
	switch {
	case len(ranges) == 1 && len(pos) == 0 && len(neg) == 0 && !others:
		from, to, _ := strings.Cut(ranges[0], "..")
		sel = "--git --range " + short(from) + ".." + short(to)
	case len(pos) == 1 && len(neg) == 1 && len(ranges) == 0 && !others:
		sel = "--git --range " + short(neg[0]) + ".." + short(pos[0])
	case len(pos) == 1 && len(ranges) == 0:
		sel = "--git --branch " + short(pos[0])
	}
	return "vigil scan " + sel + " --write-baseline " + baselineFile
}

// short abbreviates a full object id to 12 digits; other revisions are
// left as they are.
func short(rev string) string {
	if len(rev) >= 40 && strings.Trim(rev, "0123456789abcdef") == "" {
		return rev[:12]
	}
	return rev
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
