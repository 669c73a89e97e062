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
	Scan  Scan         `toml:"scan"`
	Allow Allow        `toml:"allow"`
	Rules []rules.Rule `toml:"rules"`
	// Disable lists built-in rule ids to turn off.
	Disable []string `toml:"disable"`

	// Path is where the configuration was read from.
	Path string `toml:"-"`
}

// Scan holds scan settings that flags can override.
type Scan struct {
	Exclude     []string         `toml:"exclude"`
	MaxFileSize Size             `toml:"max_file_size"`
	Confidence  vigil.Confidence `toml:"confidence"`
}

// Allow suppresses findings.
type Allow struct {
	// Paths are globs of files whose findings are not reported.
	Paths []string `toml:"paths"`
	// Values are regexes; a secret matching one is not reported.
	Values []string `toml:"values"`
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
		return nil, fmt.Errorf("%s: unknown key %q (known: scan, allow, rules, disable)", name, k.String())
	}
	c.Rules = rs
	c.Path = name
	if _, err := rules.NewAllowlist(c.Allow.Paths, c.Allow.Values); err != nil {
		return nil, fmt.Errorf("%s: [allow]: %w", name, err)
	}
	return &c, nil
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
