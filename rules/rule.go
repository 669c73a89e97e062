// Package rules holds vigil's detection rules as data (embedded TOML, one
// file per provider) and the Matcher that runs them: one keyword automaton
// over all rules, regexes only near keyword hits, then entropy, checksum,
// placeholder and context checks, and pairing of multi-part credentials.
package rules

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"sync"

	"github.com/vigilsec/vigil"
)

// Rule describes one kind of secret. Rules are data: see data/*.toml.
type Rule struct {
	ID          string `toml:"id"`
	Provider    string `toml:"provider"`
	Description string `toml:"description"`
	// Category groups rules for reports: cloud, vcs, ci, chat, payment,
	// messaging, observability, ai, database, registry, key, generic.
	Category string `toml:"category"`
	// Keywords are literals matched ASCII-case-insensitively; the regex
	// runs only on lines holding one of them.
	Keywords []string `toml:"keywords"`
	// KeywordsExact are literals matched with exact case.
	KeywordsExact []string `toml:"keywords_exact"`
	// Triggers are built-in prefilters: "hex32" (a run of 32 or more hex
	// digits), "uuid" (8-4-4-4-12 hex digits) and "near:RULE" (lines
	// around each candidate of RULE).
	Triggers []string `toml:"triggers"`
	// Regex finds the secret; SecretGroup selects it (a group named
	// "secret", else group 1 when there are groups, else the whole match).
	Regex       Regexp `toml:"regex"`
	SecretGroup int    `toml:"secret_group"`
	// Multiline lets the regex see up to 64 KiB after the keyword's line.
	Multiline bool `toml:"multiline"`
	// Assignment says the keyword is part of a name that is assigned a
	// value (name = value, name: value): hits not followed by an
	// assignment operator are skipped before the regex runs, and the
	// regex starts at the name.
	Assignment bool `toml:"assignment"`
	// AssignmentTail lets an assignment rule read the rest of the line
	// after the operator, for secrets that come later than the first value
	// (os.getenv("X") or "fallback").
	AssignmentTail bool `toml:"assignment_tail"`
	// Requires lists literals (matched ignoring ASCII case) of which at
	// least one must appear in the text the regex would read; a cheap
	// check that spares the regex on most hits.
	Requires []string `toml:"requires"`
	// Lookbehind and Lookahead bound how far before and after a hit the
	// regex looks (0: to the start or end of the line). Tight bounds keep
	// lines full of hits cheap.
	Lookbehind int `toml:"lookbehind"`
	Lookahead  int `toml:"lookahead"`
	// Entropy is the minimum Shannon entropy of the secret, in bits per
	// character.
	Entropy float64 `toml:"entropy"`
	// MinLength and MaxLength bound the secret's length.
	MinLength int `toml:"min_length"`
	MaxLength int `toml:"max_length"`
	// Check names a validation in Go for what a regex cannot say:
	// checksums, JWT structure, key material. See checks.go.
	Check string `toml:"check"`
	// Allow lists regexes; a secret matching any of them is not reported.
	Allow []Regexp `toml:"allow"`
	// Stopwords are substrings (case-insensitive) that mark a secret as a
	// placeholder or a non-secret.
	Stopwords []string `toml:"stopwords"`
	// NoPlaceholderFilter turns off the built-in placeholder filter.
	NoPlaceholderFilter bool `toml:"no_placeholder_filter"`
	// DenyContext lists words that, appearing on the line before the
	// secret, say it is not a credential (md5, checksum, commit…).
	DenyContext []string `toml:"deny_context"`
	// Pair joins this rule's secret to partners found nearby: a Twilio API
	// key secret to its key SID and to the Account SID.
	Pair []Pair `toml:"pair"`
	// Confidence of a finding of this rule; generic rules are scored from
	// their context instead (see context.go).
	Confidence vigil.Confidence `toml:"confidence"`
	// Generic names the kind of secret (password, secret, token, key,
	// auth, uuid, url, header) of rules that find secrets by the name they
	// are given rather than their format; such findings are scored by
	// context: the name, the value's shape, the path (see context.go).
	Generic string `toml:"generic"`
	// Priority decides between rules whose secrets overlap: the higher
	// wins. The default is 10 for provider rules and 0 for generic ones.
	Priority int `toml:"priority"`
	// Report is false for rules that only provide parts to other rules
	// and are never reported alone.
	Report *bool `toml:"report"`
	// Verify names the verifier for this rule's findings.
	Verify string `toml:"verify"`
	// Hint says what to do about a finding, in one line.
	Hint string `toml:"hint"`
	// Examples must produce a finding of this rule and Negatives must not.
	// Both are templates: {hex:32}, {alnum:40}… expand to random values at
	// test time, so no realistic secret is stored in the repository.
	Examples  []string `toml:"examples"`
	Negatives []string `toml:"negatives"`
}

// Pair joins a secret to its partner: a Twilio Auth Token to the Account
// SID next to it, a key secret to its key ID.
type Pair struct {
	// With is the partner's rule id.
	With string `toml:"with"`
	// Part names the partner in the finding ("account_sid").
	Part string `toml:"part"`
	// Within is the largest distance, in lines, to the partner.
	Within int `toml:"within"`
	// Required drops secrets with no partner, unless one of OrContext
	// appears within Within lines.
	Required  bool     `toml:"required"`
	OrContext []string `toml:"or_context"`
	// AloneConfidence is the confidence of a secret kept without a partner.
	AloneConfidence vigil.Confidence `toml:"alone_confidence"`
}

// reported reports whether findings of r are emitted on their own.
func (r *Rule) reported() bool { return r.Report == nil || *r.Report }

// Regexp is a regular expression checked while TOML is decoded, so that a
// bad pattern is reported with its line, and compiled on first use, so
// that a scan pays only for the rules whose keywords it meets (a
// pre-commit scan of a few files meets few). Copies share the compiled
// form.
type Regexp struct {
	lazy *lazyRegexp
}

type lazyRegexp struct {
	src      string
	names    []string // capture group names; [0] is the whole match
	once     sync.Once
	re       *regexp.Regexp
	anchored *regexp.Regexp
	err      error
}

// UnmarshalText parses the pattern (a syntax error is reported now).
func (r *Regexp) UnmarshalText(b []byte) error {
	re, err := syntax.Parse(string(b), syntax.Perl)
	if err != nil {
		return fmt.Errorf("bad regex: %w", err)
	}
	r.lazy = &lazyRegexp{src: string(b), names: append([]string{""}, re.CapNames()[1:]...)}
	return nil
}

// precompiled returns the Regexp of a pattern checked ahead of time, with
// its capture group names (names[0] is the whole match's, ""): the
// built-in rules (builtin_rules.go).
func precompiled(src string, names ...string) Regexp {
	return Regexp{lazy: &lazyRegexp{src: src, names: names}}
}

// MarshalText returns the pattern.
func (r Regexp) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// IsZero reports whether no pattern was given.
func (r Regexp) IsZero() bool { return r.lazy == nil }

// String returns the pattern.
func (r Regexp) String() string {
	if r.lazy == nil {
		return ""
	}
	return r.lazy.src
}

// SubexpNames returns the names of the capture groups, as
// regexp.Regexp.SubexpNames does.
func (r Regexp) SubexpNames() []string {
	if r.lazy == nil {
		return nil
	}
	return r.lazy.names
}

// NumSubexp returns the number of capture groups.
func (r Regexp) NumSubexp() int { return max(0, len(r.SubexpNames())-1) }

// SubexpIndex returns the index of the first group with the given name,
// or -1.
func (r Regexp) SubexpIndex(name string) int {
	for i, n := range r.SubexpNames() {
		if i > 0 && n == name {
			return i
		}
	}
	return -1
}

// MatchString reports whether s holds a match.
func (r Regexp) MatchString(s string) bool {
	re, _ := r.compiled()
	return re.MatchString(s)
}

// compiled returns the regexp and its form anchored at the start of the
// text, compiling both on first use.
func (r Regexp) compiled() (re, anchored *regexp.Regexp) {
	l := r.lazy
	l.once.Do(func() {
		if l.re, l.err = regexp.Compile(l.src); l.err == nil {
			l.anchored, l.err = regexp.Compile(`^(?:` + l.src + `)`)
		}
		if l.err != nil {
			// Only a pattern past regexp's size limits parses but does
			// not compile; check() reports it when the rule loads, and
			// it never matches.
			l.re, l.anchored = regexp.MustCompile(`[^\x00-\x{10FFFF}]`), regexp.MustCompile(`[^\x00-\x{10FFFF}]`)
		}
	})
	return l.re, l.anchored
}

// check compiles the pattern now and returns the error, if any.
func (r Regexp) check() error {
	if r.lazy == nil {
		return nil // validate reports a missing pattern
	}
	r.compiled()
	return r.lazy.err
}
