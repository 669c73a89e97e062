package vigil

import "fmt"

// SuppressKind is the kind of rule that kept a finding out of a report.
type SuppressKind string

// Kinds of suppression. Every finding a scan does not report for one of
// these reasons is counted, so that a scan silenced by its configuration
// says so.
const (
	// SuppressPath is an allowlist of paths (globs or regexes).
	SuppressPath SuppressKind = "path"
	// SuppressValue is an allowlist of values, lines or stopwords.
	SuppressValue SuppressKind = "value"
	// SuppressCommit is an allowlist of commits.
	SuppressCommit SuppressKind = "commit"
	// SuppressInline is a comment on the line of the secret, such as
	// vigil:allow or gitleaks:allow.
	SuppressInline SuppressKind = "inline"
	// SuppressBaseline is a baseline of accepted findings (vigil's,
	// detect-secrets' or a gitleaks report).
	SuppressBaseline SuppressKind = "baseline"
	// SuppressIgnoreFile is an ignore file of finding fingerprints
	// (.gitleaksignore).
	SuppressIgnoreFile SuppressKind = "ignore-file"
)

// Suppression says why a finding was not reported: the kind of rule and
// where that rule is written (".vigil.toml", ".gitleaks.toml",
// "gitleaks:allow", ".secrets.baseline").
type Suppression struct {
	Kind   SuppressKind `json:"kind"`
	Source string       `json:"source"`
}

// String renders "path allowlist in .vigil.toml", "inline gitleaks:allow"…
func (s Suppression) String() string {
	switch s.Kind {
	case SuppressPath:
		return "path allowlist in " + s.Source
	case SuppressValue:
		return "value allowlist in " + s.Source
	case SuppressCommit:
		return "commit allowlist in " + s.Source
	case SuppressInline:
		return "inline " + s.Source
	case SuppressBaseline:
		return "baseline " + s.Source
	case SuppressIgnoreFile:
		return "ignore file " + s.Source
	}
	return fmt.Sprintf("%s %s", s.Kind, s.Source)
}

// SuppressionCount is how many distinct findings one suppression kept out
// of a report.
type SuppressionCount struct {
	Suppression
	Count int `json:"count"`
}
