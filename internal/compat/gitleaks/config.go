package gitleaks

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/vigilsec/vigil/internal/config"
	"github.com/vigilsec/vigil/rules"
)

// ConfigFileName is the configuration gitleaks reads from a repository.
const ConfigFileName = ".gitleaks.toml"

// maxExtendDepth bounds [extend] path chains, as gitleaks does.
const maxExtendDepth = 2

// LooksLikeConfig reports whether TOML data is a gitleaks configuration
// rather than a vigil one: it has gitleaks' top-level keys, or rules
// written with gitleaks' field names.
func LooksLikeConfig(data []byte) bool {
	var m map[string]any
	if _, err := toml.Decode(string(data), &m); err != nil {
		return false
	}
	for k := range m {
		switch k {
		case "scan", "allow", "disable", "compat":
			return false // vigil's own
		}
	}
	for k, v := range m {
		switch strings.ToLower(k) {
		case "title", "extend", "allowlists", "minversion", "description":
			return true
		case "allowlist":
			// gitleaks' [allowlist] is a table; vigil's [[allowlist]] an
			// array of them.
			if _, ok := v.(map[string]any); ok {
				return true
			}
		}
	}
	for _, r := range tables(get(m, "rules")) {
		for k := range r {
			switch strings.ToLower(k) {
			case "secretgroup", "tags", "path", "required", "skipreport", "allowlists":
				return true
			}
			if k == "allowlist" {
				if _, ok := r[k].(map[string]any); ok {
					return true
				}
			}
		}
	}
	return false
}

// ReadConfig reads a gitleaks configuration file (and the files it
// extends) as a vigil configuration. Config.Notes lists every setting
// that could not be carried over, and why.
func ReadConfig(path string) (*config.Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ConvertConfig(path, data)
}

// ConvertConfig converts gitleaks configuration text to a vigil
// configuration. An [extend] path is read relative to the directory of
// path.
func ConvertConfig(path string, data []byte) (*config.Config, error) {
	return ConvertConfigWith(path, data, os.ReadFile)
}

// ConvertConfigWith is ConvertConfig reading the files an [extend] path
// names with read: a scan of a change reads them as they were at its base.
func ConvertConfigWith(path string, data []byte, read func(string) ([]byte, error)) (*config.Config, error) {
	cv := &converter{cfg: &config.Config{Path: path, Converted: true}, seenRules: map[string]bool{}, read: read}
	if err := cv.file(path, data, 0); err != nil {
		return nil, err
	}
	cv.cfg.Notes = cv.notes
	if err := cv.cfg.Check(); err != nil {
		return nil, err
	}
	return cv.cfg, nil
}

type converter struct {
	read      func(string) ([]byte, error)
	cfg       *config.Config
	notes     []string
	seenRules map[string]bool
}

func (cv *converter) note(format string, args ...any) {
	n := fmt.Sprintf(format, args...)
	if !slices.Contains(cv.notes, n) {
		cv.notes = append(cv.notes, n)
	}
}

func (cv *converter) file(path string, data []byte, depth int) error {
	var m map[string]any
	if _, err := toml.Decode(string(data), &m); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	for k := range m {
		switch strings.ToLower(k) {
		case "title", "description", "minversion", "extend", "allowlist", "allowlists", "rules":
		default:
			cv.note("%s: %q is not a gitleaks setting vigil knows; ignored", path, k)
		}
	}
	for _, r := range tables(get(m, "rules")) {
		if err := cv.rule(path, r); err != nil {
			return err
		}
	}
	global := tables(get(m, "allowlists"))
	if one, ok := get(m, "allowlist").(map[string]any); ok {
		global = append(global, one)
	}
	for _, a := range global {
		var targets []string
		for _, id := range strs(get(a, "targetRules")) {
			targets = append(targets, cv.ruleTargets(path, id)...)
		}
		if len(strs(get(a, "targetRules"))) > 0 && len(targets) == 0 {
			continue // every target was noted as unknown
		}
		if err := cv.allowlist(path, a, targets, "[allowlist]"); err != nil {
			return err
		}
	}
	if ext, ok := get(m, "extend").(map[string]any); ok {
		return cv.extend(path, ext, depth)
	}
	return nil
}

// extend carries over [extend]: the default configuration (vigil's
// built-in rules are always on; gitleaks' default allowlist is added),
// another file, and disabled rules.
func (cv *converter) extend(path string, ext map[string]any, depth int) error {
	useDefault, _ := get(ext, "useDefault").(bool)
	extPath, _ := get(ext, "path").(string)
	if url, _ := get(ext, "url").(string); url != "" {
		cv.note("%s: [extend] url = %q: not carried over (gitleaks does not read it either)", path, url)
	}
	if useDefault && extPath != "" {
		return fmt.Errorf("%s: [extend] sets both useDefault and path; gitleaks refuses this too", path)
	}
	for _, id := range strs(get(ext, "disabledRules")) {
		ids, ok := VigilRules(id)
		if !ok {
			cv.note("%s: [extend] disabledRules %q: no vigil rule finds the same credential; nothing to disable", path, id)
			continue
		}
		for _, v := range ids {
			if !slices.Contains(cv.cfg.Disable, v) {
				cv.cfg.Disable = append(cv.cfg.Disable, v)
			}
		}
	}
	switch {
	case useDefault:
		cv.cfg.Allowlists = append(cv.cfg.Allowlists, DefaultAllowlist())
	case extPath != "":
		if depth+1 > maxExtendDepth {
			cv.note("%s: [extend] path %q: deeper than %d files; not read (gitleaks stops there too)", path, extPath, maxExtendDepth)
			return nil
		}
		p := extPath
		if !filepath.IsAbs(p) {
			p = filepath.Join(filepath.Dir(path), p)
		}
		data, err := cv.read(p)
		if err != nil {
			return fmt.Errorf("%s: [extend] path: %w", path, err)
		}
		return cv.file(p, data, depth+1)
	default:
		if len(cv.cfg.Rules) > 0 {
			cv.note("%s: no [extend] useDefault: gitleaks would run only this file's rules; vigil keeps its built-in rules on as well (list any to turn off under disable)", path)
		}
	}
	return nil
}

// ruleTargets returns the vigil rule ids a gitleaks rule id stands for in
// an allowlist: a custom rule of this configuration, or the vigil rules
// of a gitleaks built-in one.
func (cv *converter) ruleTargets(path, id string) []string {
	if v := normalizeID(id); cv.seenRules[v] {
		return []string{v}
	}
	if ids, ok := VigilRules(id); ok {
		return ids
	}
	cv.note("%s: allowlist for rule %q: no vigil rule finds the same credential; entry not carried over", path, id)
	return nil
}

var nonID = regexp.MustCompile(`[^a-z0-9]+`)

// normalizeID turns a gitleaks rule id into a vigil one: lower-case words
// joined by '-'.
func normalizeID(id string) string {
	return strings.Trim(nonID.ReplaceAllString(strings.ToLower(id), "-"), "-")
}

func (cv *converter) rule(path string, r map[string]any) error {
	id, _ := get(r, "id").(string)
	if id == "" {
		return fmt.Errorf("%s: a rule has no id", path)
	}
	regex, _ := get(r, "regex").(string)
	if regex == "" {
		// A rule without a regex extends gitleaks' built-in rule of that
		// id (its allowlists), or matches file names only.
		if p, _ := get(r, "path").(string); p != "" {
			cv.note("%s: rule %q finds files by name only (path = %q): vigil's rules look at content; not carried over", path, id, p)
			return nil
		}
		targets, ok := VigilRules(id)
		if !ok {
			cv.note("%s: rule %q has no regex and no vigil counterpart; not carried over", path, id)
			return nil
		}
		return cv.ruleAllowlists(path, id, r, targets)
	}
	vid := normalizeID(id)
	if vid != id {
		cv.note("%s: rule %q is named %q in vigil (lower-case words joined by '-')", path, id, vid)
	}
	desc, _ := get(r, "description").(string)
	if desc == "" {
		desc = id
	}
	rule := rules.Rule{ID: vid, Provider: "custom", Description: desc, Keywords: lowerAll(strs(get(r, "keywords")))}
	if err := rule.Regex.UnmarshalText([]byte(regex)); err != nil {
		return fmt.Errorf("%s: rule %q: %w", path, id, err)
	}
	if g, ok := get(r, "secretGroup").(int64); ok {
		rule.SecretGroup = int(g)
	}
	switch e := get(r, "entropy").(type) {
	case float64:
		rule.Entropy = e
	case int64:
		rule.Entropy = float64(e)
	}
	rule.Keywords = slices.DeleteFunc(rule.Keywords, func(k string) bool {
		if len(k) < 2 {
			cv.note("%s: rule %q: keyword %q dropped: vigil keys rules on 2 bytes or more", path, id, k)
			return true
		}
		return false
	})
	if len(rule.Keywords) == 0 {
		lit := requiredLiteral(regex)
		if lit == "" {
			cv.note("%s: rule %q has no keywords and its regex has no literal text to key on: vigil runs a rule only near a keyword; not carried over", path, id)
			return nil
		}
		rule.Keywords = []string{lit}
		cv.note("%s: rule %q has no keywords; vigil keys it on %q, text every match holds", path, id, lit)
	}
	if p, _ := get(r, "path").(string); p != "" {
		cv.note("%s: rule %q: path = %q not carried over: vigil applies the rule to every file", path, id, p)
	}
	if len(tables(get(r, "required"))) > 0 {
		cv.note("%s: rule %q: [[rules.required]] not carried over: the rule reports its own match alone", path, id)
	}
	if skip, _ := get(r, "skipReport").(bool); skip {
		cv.note("%s: rule %q: skipReport not carried over: vigil reports it", path, id)
	}
	if get(r, "tags") != nil {
		cv.note("%s: rule tags are not used by vigil", path)
	}
	if err := rules.CheckCustom(&rule); err != nil {
		cv.note("%s: rule %q not carried over: %v", path, id, err)
		return nil
	}
	for i := range cv.cfg.Rules {
		if cv.cfg.Rules[i].ID == vid { // an extended file's rule, overridden
			cv.cfg.Rules = slices.Delete(cv.cfg.Rules, i, i+1)
			break
		}
	}
	cv.cfg.Rules = append(cv.cfg.Rules, rule)
	cv.seenRules[vid] = true
	if _, ok := VigilRules(id); ok {
		cv.note("%s: rule %q redefines a gitleaks built-in rule; vigil adds it as a rule of its own beside its built-in rules of the same credential", path, id)
	}
	return cv.ruleAllowlists(path, id, r, []string{vid})
}

func (cv *converter) ruleAllowlists(path, id string, r map[string]any, targets []string) error {
	als := tables(get(r, "allowlists"))
	if one, ok := get(r, "allowlist").(map[string]any); ok {
		als = append(als, one)
	}
	for _, a := range als {
		if err := cv.allowlist(path, a, targets, fmt.Sprintf("rule %q allowlist", id)); err != nil {
			return err
		}
	}
	return nil
}

// allowlist converts one gitleaks allowlist to an [[allowlist]] table.
func (cv *converter) allowlist(path string, a map[string]any, targets []string, what string) error {
	out := config.Allowlist{Rules: targets, Match: "any"}
	out.Description, _ = get(a, "description").(string)
	switch cond, _ := get(a, "condition").(string); strings.ToUpper(cond) {
	case "", "OR", "||":
	case "AND", "&&":
		out.Match = "all"
	default:
		return fmt.Errorf("%s: %s: condition = %q (want AND or OR)", path, what, cond)
	}
	out.PathRegexes = strs(get(a, "paths"))
	out.Stopwords = strs(get(a, "stopwords"))
	out.Commits = strs(get(a, "commits"))
	regexes := strs(get(a, "regexes"))
	switch target, _ := get(a, "regexTarget").(string); target {
	case "", "secret":
		out.Values = regexes
	case "line":
		out.Lines = regexes
	case "match":
		out.Lines = regexes
		if len(regexes) > 0 {
			cv.note("%s: %s: regexTarget = \"match\" is read as \"line\": vigil tests the line holding the match", path, what)
		}
	default:
		return fmt.Errorf("%s: %s: regexTarget = %q (want secret, match or line)", path, what, target)
	}
	if len(out.PathRegexes)+len(out.Stopwords)+len(out.Commits)+len(out.Values)+len(out.Lines) == 0 {
		return fmt.Errorf("%s: %s: empty (gitleaks refuses this too)", path, what)
	}
	if out.Match == "all" && len(out.Commits) > 0 && len(out.Lines) > 0 {
		cv.note("%s: %s: condition = AND with both commits and line regexes cannot be carried over (vigil knows a finding's commit only after its lines); not carried over", path, what)
		return nil
	}
	if out.Match == "any" && len(targets) == 0 {
		cv.cfg.Allow = mergeAllow(cv.cfg.Allow, out.Allow)
		return nil
	}
	cv.cfg.Allowlists = append(cv.cfg.Allowlists, out)
	return nil
}

func mergeAllow(a, b config.Allow) config.Allow {
	a.Paths = append(a.Paths, b.Paths...)
	a.PathRegexes = append(a.PathRegexes, b.PathRegexes...)
	a.Values = append(a.Values, b.Values...)
	a.Lines = append(a.Lines, b.Lines...)
	a.Stopwords = append(a.Stopwords, b.Stopwords...)
	a.Commits = append(a.Commits, b.Commits...)
	return a
}

// get reads a key of a TOML table ignoring case, as gitleaks (through
// viper) does.
func get(m map[string]any, key string) any {
	if v, ok := m[key]; ok {
		return v
	}
	for k, v := range m {
		if strings.EqualFold(k, key) {
			return v
		}
	}
	return nil
}

func tables(v any) []map[string]any {
	switch t := v.(type) {
	case []map[string]any:
		return t
	case []any:
		var out []map[string]any
		for _, e := range t {
			if m, ok := e.(map[string]any); ok {
				out = append(out, m)
			}
		}
		return out
	}
	return nil
}

func strs(v any) []string {
	var out []string
	if l, ok := v.([]any); ok {
		for _, e := range l {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
	}
	return out
}

func lowerAll(ss []string) []string {
	for i, s := range ss {
		ss[i] = strings.ToLower(s)
	}
	return ss
}
