// Package trufflehog converts trufflehog's configuration (custom regex
// detectors and allowlists, in YAML) to a vigil configuration.
package trufflehog

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/vigilsec/vigil/internal/config"
	"github.com/vigilsec/vigil/rules"
	"go.yaml.in/yaml/v3"
)

// pairWithin is how many lines apart the parts of a multi-regex detector
// may be: trufflehog wants them in the same chunk, which vigil has no
// notion of; a generous distance stands for it.
const pairWithin = 200

type fileYAML struct {
	Detectors  []detectorYAML  `yaml:"detectors"`
	Allowlists []allowlistYAML `yaml:"allowlists"`
	Sources    []yaml.Node     `yaml:"sources"`
}

type detectorYAML struct {
	Name                  string            `yaml:"name"`
	Description           string            `yaml:"description"`
	Keywords              []string          `yaml:"keywords"`
	Regex                 map[string]string `yaml:"regex"`
	PrimaryRegexName      string            `yaml:"primary_regex_name"`
	Entropy               float64           `yaml:"entropy"`
	ExcludeWords          []string          `yaml:"exclude_words"`
	ExcludeRegexesCapture []string          `yaml:"exclude_regexes_capture"`
	ExcludeRegexesMatch   []string          `yaml:"exclude_regexes_match"`
	Verify                []yaml.Node       `yaml:"verify"`
	Validations           map[string]any    `yaml:"validations"`
}

type allowlistYAML struct {
	Description string   `yaml:"description"`
	Values      []string `yaml:"values"`
}

// ConvertConfig converts a trufflehog configuration to vigil's.
// Config.Notes lists every setting that could not be carried over, and
// why.
func ConvertConfig(path string, data []byte) (*config.Config, error) {
	var f fileYAML
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	cfg := &config.Config{Path: path, Converted: true}
	note := func(format string, args ...any) {
		n := fmt.Sprintf(format, args...)
		if !slices.Contains(cfg.Notes, n) {
			cfg.Notes = append(cfg.Notes, n)
		}
	}
	if len(f.Sources) > 0 {
		note("%s: sources are not carried over: say what to scan on vigil's command line", path)
	}
	for _, d := range f.Detectors {
		if err := convertDetector(path, d, cfg, note); err != nil {
			return nil, err
		}
	}
	for _, a := range f.Allowlists {
		for _, v := range a.Values {
			// trufflehog takes a value as a regex when it is one, else
			// as an exact string.
			if _, err := regexp.Compile(v); err != nil {
				v = "^" + regexp.QuoteMeta(v) + "$"
			}
			cfg.Allow.Values = append(cfg.Allow.Values, v)
		}
	}
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	return cfg, nil
}

var nonID = regexp.MustCompile(`[^a-z0-9]+`)

// ruleID turns a detector name (HogTokenDetector) into a vigil rule id
// (hog-token-detector).
func ruleID(name string) string {
	var b strings.Builder
	prev := rune(0)
	for _, r := range name {
		if 'A' <= r && r <= 'Z' && ('a' <= prev && prev <= 'z' || '0' <= prev && prev <= '9') {
			b.WriteByte('-')
		}
		b.WriteRune(r)
		prev = r
	}
	return strings.Trim(nonID.ReplaceAllString(strings.ToLower(b.String()), "-"), "-")
}

func convertDetector(path string, d detectorYAML, cfg *config.Config, note func(string, ...any)) error {
	if d.Name == "" || len(d.Regex) == 0 {
		return fmt.Errorf("%s: a detector needs a name and a regex", path)
	}
	id := ruleID(d.Name)
	names := make([]string, 0, len(d.Regex))
	for n := range d.Regex {
		names = append(names, n)
	}
	sort.Strings(names)
	primary := d.PrimaryRegexName
	if primary == "" {
		primary = names[0]
	}
	if _, ok := d.Regex[primary]; !ok {
		return fmt.Errorf("%s: detector %q: primary_regex_name %q is not one of its regexes", path, d.Name, primary)
	}
	desc := d.Description
	if desc == "" {
		desc = d.Name
	}
	var keywords []string
	for _, k := range d.Keywords {
		if len(k) < 2 {
			note("%s: detector %q: keyword %q dropped: vigil keys rules on 2 bytes or more", path, d.Name, k)
			continue
		}
		keywords = append(keywords, strings.ToLower(k))
	}
	if len(keywords) == 0 {
		note("%s: detector %q has no keywords of 2 bytes or more: not carried over (vigil runs a rule only near a keyword)", path, d.Name)
		return nil
	}
	main := rules.Rule{ID: id, Description: desc, Keywords: keywords, Entropy: d.Entropy}
	if err := main.Regex.UnmarshalText([]byte(d.Regex[primary])); err != nil {
		return fmt.Errorf("%s: detector %q: regex %q: %w", path, d.Name, primary, err)
	}
	var partners []rules.Rule
	no := false
	for _, n := range names {
		if n == primary {
			continue
		}
		p := rules.Rule{ID: id + "-" + ruleID(n), Description: desc + " (" + n + ")", Keywords: keywords, Report: &no}
		if err := p.Regex.UnmarshalText([]byte(d.Regex[n])); err != nil {
			return fmt.Errorf("%s: detector %q: regex %q: %w", path, d.Name, n, err)
		}
		partners = append(partners, p)
		main.Pair = append(main.Pair, rules.Pair{With: p.ID, Part: n, Within: pairWithin, Required: true})
	}
	if len(partners) > 0 {
		note("%s: detector %q: its regexes other than %q must match within %d lines of it (trufflehog: in the same chunk)", path, d.Name, primary, pairWithin)
	}
	all := append([]rules.Rule{main}, partners...)
	for i := range all {
		if err := rules.CheckCustom(&all[i]); err != nil {
			note("%s: detector %q not carried over: %v", path, d.Name, err)
			return nil
		}
	}
	cfg.Rules = append(cfg.Rules, all...)
	if len(d.ExcludeWords)+len(d.ExcludeRegexesCapture)+len(d.ExcludeRegexesMatch) > 0 {
		cfg.Allowlists = append(cfg.Allowlists, config.Allowlist{
			Description: "trufflehog detector " + d.Name + " exclusions",
			Rules:       []string{id},
			Match:       "any",
			Allow:       config.Allow{Stopwords: d.ExcludeWords, Values: d.ExcludeRegexesCapture, Lines: d.ExcludeRegexesMatch},
		})
		if len(d.ExcludeRegexesMatch) > 0 {
			note("%s: detector %q: exclude_regexes_match is tested against the line holding the match", path, d.Name)
		}
	}
	if len(d.Verify) > 0 {
		note("%s: detector %q: verify endpoints are not carried over: vigil verifies only with its own per-provider checks", path, d.Name)
	}
	if len(d.Validations) > 0 {
		note("%s: detector %q: validations are not carried over", path, d.Name)
	}
	return nil
}
