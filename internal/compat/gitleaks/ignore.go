package gitleaks

import (
	"bufio"
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/vigilsec/vigil"
)

// IgnoreFileName is gitleaks' ignore file.
const IgnoreFileName = ".gitleaksignore"

// Ignore is a .gitleaksignore: fingerprints of findings a team accepted,
// "path:rule:line" (any scan) or "commit:path:rule:line" (that commit of a
// history scan).
type Ignore struct {
	// Source names the file, for the summary.
	Source  string
	Entries []IgnoreEntry
	// Invalid lists the lines that are not fingerprints ("line N: …").
	Invalid []string
}

// IgnoreEntry is one fingerprint.
type IgnoreEntry struct {
	Commit, Path, Rule string
	Line               int
}

// String renders the fingerprint as gitleaks writes it.
func (e IgnoreEntry) String() string {
	s := fmt.Sprintf("%s:%s:%d", e.Path, e.Rule, e.Line)
	if e.Commit != "" {
		s = e.Commit + ":" + s
	}
	return s
}

// ParseIgnore reads a .gitleaksignore. Blank lines and lines starting
// with # are skipped; a line that is not a fingerprint is listed in
// Invalid, not fatal (gitleaks warns and goes on too).
func ParseIgnore(source string, data []byte) *Ignore {
	ig := &Ignore{Source: source}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		e, err := parseFingerprint(line)
		if err != nil {
			ig.Invalid = append(ig.Invalid, fmt.Sprintf("line %d: %v", n, err))
			continue
		}
		ig.Entries = append(ig.Entries, e)
	}
	return ig
}

// parseFingerprint reads "[commit:]path:rule:line". Paths may hold
// colons (Windows drive letters, odd names): the rule and line are the
// last two fields, the commit the first when it is a hex object id.
func parseFingerprint(s string) (IgnoreEntry, error) {
	f := strings.Split(s, ":")
	if len(f) < 3 {
		return IgnoreEntry{}, fmt.Errorf("%q is not path:rule:line or commit:path:rule:line", s)
	}
	line, err := strconv.Atoi(f[len(f)-1])
	if err != nil || line < 0 {
		return IgnoreEntry{}, fmt.Errorf("%q: the last field must be a line number", s)
	}
	e := IgnoreEntry{Rule: f[len(f)-2], Line: line}
	rest := f[:len(f)-2]
	if len(rest) > 1 && isCommit(rest[0]) {
		e.Commit, rest = strings.ToLower(rest[0]), rest[1:]
	}
	e.Path = strings.ReplaceAll(strings.Join(rest, ":"), `\`, "/")
	if e.Path == "" || e.Rule == "" {
		return IgnoreEntry{}, fmt.Errorf("%q: empty path or rule", s)
	}
	return e, nil
}

func isCommit(s string) bool {
	if len(s) < 7 || len(s) > 64 {
		return false
	}
	return strings.Trim(strings.ToLower(s), "0123456789abcdef") == ""
}

// Suppress reports whether f is one of the fingerprints: same path and
// line, the same rule (or a vigil rule of the same meaning; any rule at
// that line when gitleaks' rule has no vigil counterpart), and, for an
// entry with a commit, the commit that introduced f.
func (ig *Ignore) Suppress(f *vigil.Finding) (vigil.Suppression, bool) {
	for _, e := range ig.Entries {
		if e.matches(f) {
			return vigil.Suppression{Kind: vigil.SuppressIgnoreFile, Source: ig.Source}, true
		}
	}
	return vigil.Suppression{}, false
}

func (e IgnoreEntry) matches(f *vigil.Finding) bool {
	if e.Path != f.Origin.Path || e.Line != f.Origin.Line {
		return false
	}
	if e.Commit != "" {
		c := f.Origin.Commit
		if c == nil || !strings.HasPrefix(strings.ToLower(c.SHA), e.Commit) {
			return false
		}
	}
	return Describes(e.Rule, f.RuleID)
}
