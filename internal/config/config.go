// Package config reads .vigil.toml, the per-repository configuration: scan
// limits, extra and overridden rules, disabled rules, and allowlists. It
// only ever extends vigil's defaults; nothing in it silently replaces them.
package config

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/rules"
)

// FileName is the configuration file vigil looks for.
const FileName = ".vigil.toml"

// Config is the content of .vigil.toml.
type Config struct {
	Scan  Scan  `toml:"scan"`
	Allow Allow `toml:"allow"`
	// Allowlists are allowlists with conditions: limited to some rules,
	// or with every condition required.
	Allowlists []Allowlist  `toml:"allowlist"`
	Rules      []rules.Rule `toml:"rules"`
	// Disable lists built-in rule ids to turn off.
	Disable []string `toml:"disable"`
	Compat  Compat   `toml:"compat"`

	// Path is where the configuration was read from.
	Path string `toml:"-"`
	// Converted is set for a configuration read from another scanner's
	// format; Notes are what it could not carry over, one line each.
	Converted bool     `toml:"-"`
	Notes     []string `toml:"-"`
}

// Scan holds scan settings that flags can override.
type Scan struct {
	Exclude     []string         `toml:"exclude"`
	MaxFileSize Size             `toml:"max_file_size"`
	Confidence  vigil.Confidence `toml:"confidence"`
}

// Allow suppresses findings: a finding that any one of its lists matches
// is not reported, and is counted as suppressed.
type Allow struct {
	// Paths are globs of files whose findings are not reported.
	Paths []string `toml:"paths"`
	// PathRegexes are regular expressions searched in the path.
	PathRegexes []string `toml:"path_regexes"`
	// Values are regexes; a secret matching one is not reported.
	Values []string `toml:"values"`
	// Lines are regexes searched in the line holding the secret.
	Lines []string `toml:"lines"`
	// Stopwords are substrings (any case) of secrets not to report.
	Stopwords []string `toml:"stopwords"`
	// Commits are commits whose findings are not reported (history
	// scans).
	Commits []string `toml:"commits"`
}

// Allowlist is an [[allowlist]] table: the lists of Allow, limited to some
// rules, and with "match" either "any" (the default: one list is enough)
// or "all" (every list given must match).
type Allowlist struct {
	Description string   `toml:"description"`
	Rules       []string `toml:"rules"`
	Match       string   `toml:"match"`
	Allow
}

// Compat turns off what vigil reads from other scanners: their inline
// comments, and .gitleaksignore. Everything is on by default.
type Compat struct {
	GitleaksAllow       *bool `toml:"gitleaks_allow"`
	TrufflehogIgnore    *bool `toml:"trufflehog_ignore"`
	DetectSecretsPragma *bool `toml:"detect_secrets_pragma"`
	GitleaksIgnore      *bool `toml:"gitleaksignore"`
}

// On reports whether a switch is on (unset means on).
func On(b *bool) bool { return b == nil || *b }

// Markers are the inline comments of other scanners the configuration
// leaves on.
func (c *Config) Markers() []rules.Marker {
	var out []rules.Marker
	for _, m := range []struct {
		on     *bool
		marker rules.Marker
	}{{c.Compat.GitleaksAllow, rules.MarkerGitleaks}, {c.Compat.TrufflehogIgnore, rules.MarkerTrufflehog}, {c.Compat.DetectSecretsPragma, rules.MarkerDetectSecrets}} {
		if On(m.on) {
			out = append(out, m.marker)
		}
	}
	return out
}

// AllowEntries are the configuration's allowlists, for rules.NewAllowlist.
func (c *Config) AllowEntries() []rules.AllowEntry {
	var out []rules.AllowEntry
	if !c.Allow.empty() {
		out = append(out, c.Allow.entry(c.Path))
	}
	for _, a := range c.Allowlists {
		out = append(out, a.entry(c.Path))
	}
	return out
}

func (a Allowlist) entry(source string) rules.AllowEntry {
	e := a.Allow.entry(source)
	e.Description, e.Rules, e.All = a.Description, a.Rules, a.Match == "all"
	return e
}

func (a Allow) empty() bool {
	return len(a.Paths)+len(a.PathRegexes)+len(a.Values)+len(a.Lines)+len(a.Stopwords)+len(a.Commits) == 0
}

func (a Allow) entry(source string) rules.AllowEntry {
	if source == "" {
		source = FileName
	}
	return rules.AllowEntry{Source: source, Paths: a.Paths, PathRegexes: a.PathRegexes, Values: a.Values, Lines: a.Lines, Stopwords: a.Stopwords, Commits: a.Commits}
}

// Size is a byte count written as 512KB, 100MB, 2GB or a plain number.
type Size int64

// UnmarshalText parses a size.
func (s *Size) UnmarshalText(b []byte) error {
	n, err := ParseSize(string(b))
	*s = Size(n)
	return err
}

// ParseSize reads 100, 512KB, 100MB, 2GB (powers of 1024; "B" optional).
func ParseSize(v string) (int64, error) {
	t := strings.ToUpper(strings.TrimSpace(v))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"KIB", 1 << 10}, {"MIB", 1 << 20}, {"GIB", 1 << 30}, {"KB", 1 << 10}, {"MB", 1 << 20}, {"GB", 1 << 30}, {"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}, {"B", 1}} {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseFloat(t, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("bad size %q (want e.g. 512KB, 100MB, 2GB)", v)
	}
	return int64(n * float64(mult)), nil
}

// Load reads a configuration file. Errors name the file and line.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

// Find returns the configuration in dir, or nil when there is none.
func Find(dir string) (*Config, error) {
	p := dir + string(os.PathSeparator) + FileName
	if dir == "" {
		p = FileName
	}
	c, err := Load(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	return c, err
}

// Parse decodes and checks configuration text.
func Parse(name string, data []byte) (*Config, error) {
	var c Config
	// Rules in .vigil.toml use the same schema and checks as the
	// built-in rule files, so parse them with the rules loader.
	rs, err := rules.ParseCustom(name, rulesOnly(data))
	if err != nil {
		return nil, err
	}
	md, err := toml.Decode(string(data), &c)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, tomlLine(err))
	}
	for _, k := range md.Undecoded() {
		if len(k) > 0 && k[0] == "rules" {
			continue // checked by rules.ParseFile
		}
		return nil, fmt.Errorf("%s: unknown key %q (known: scan, allow, allowlist, rules, disable, compat)", name, k.String())
	}
	c.Rules = rs
	c.Path = name
	if err := c.Check(); err != nil {
		return nil, err
	}
	return &c, nil
}

// Check validates the allowlists, naming the table at fault.
func (c *Config) Check() error {
	if !c.Allow.empty() {
		if _, err := rules.NewAllowlist([]rules.AllowEntry{c.Allow.entry(c.Path)}); err != nil {
			return fmt.Errorf("%s: [allow]: %w", c.Path, err)
		}
	}
	for i, a := range c.Allowlists {
		if a.Match != "" && a.Match != "any" && a.Match != "all" {
			return fmt.Errorf("%s: [[allowlist]] %d: match = %q (want \"any\" or \"all\")", c.Path, i+1, a.Match)
		}
		if _, err := rules.NewAllowlist([]rules.AllowEntry{a.entry(c.Path)}); err != nil {
			return fmt.Errorf("%s: [[allowlist]] %d: %w", c.Path, i+1, err)
		}
	}
	return nil
}

// rulesOnly keeps the [[rules]] tables of a config, blanking other lines
// so that line numbers stay right, for the rules loader.
func rulesOnly(data []byte) []byte {
	lines := strings.Split(string(data), "\n")
	in := false
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "[") {
			in = strings.HasPrefix(t, "[[rules]]") || strings.HasPrefix(t, "[[rules.") || strings.HasPrefix(t, "[rules.")
		}
		if !in {
			lines[i] = ""
		}
	}
	return []byte(strings.Join(lines, "\n"))
}

func tomlLine(err error) error {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("line %d: %s", pe.Position.Line, pe.Message)
	}
	return err
}
