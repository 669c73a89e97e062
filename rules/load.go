package rules

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/vigilsec/vigil"
)

// File is the shape of one rules file.
type File struct {
	// Provider applies to every rule in the file that does not set its own.
	Provider string `toml:"provider"`
	Rules    []Rule `toml:"rules"`
}

// Set is a validated collection of rules.
type Set struct {
	rules []*Rule
	byID  map[string]*Rule
}

// Rules returns the rules in a stable order (by id).
func (s *Set) Rules() []*Rule { return s.rules }

// Get returns the rule with the given id.
func (s *Set) Get(id string) (*Rule, bool) {
	r, ok := s.byID[id]
	return r, ok
}

// Len is the number of rules.
func (s *Set) Len() int { return len(s.rules) }

// Default returns vigil's built-in rules. They are written in
// data/*.toml and compiled ahead of time into builtin_rules.go (go
// generate), so a scan does not parse TOML at start-up: parsing was most
// of the start-up time of a small scan such as a pre-commit hook. A test
// keeps the two in step.
//
//go:generate go test . -run TestBuiltinRulesGenerated -update
func Default() (*Set, error) {
	return NewSet(builtinRules())
}

// ParseFile decodes and checks one built-in rules file. Errors name the
// file and line.
func ParseFile(name string, data []byte) ([]Rule, error) {
	return parse(name, data, "", true)
}

// ParseCustom decodes and checks rules from a user's configuration: the
// provider defaults to "custom" and examples are optional.
func ParseCustom(name string, data []byte) ([]Rule, error) {
	return parse(name, data, "custom", false)
}

func parse(name string, data []byte, defaultProvider string, needExamples bool) ([]Rule, error) {
	var f File
	md, err := toml.Decode(string(data), &f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, tomlError(err))
	}
	if und := md.Undecoded(); len(und) > 0 {
		return nil, fmt.Errorf("%s: line %d: unknown key %q", name, keyLine(data, und[0]), und[0].String())
	}
	for i := range f.Rules {
		r := &f.Rules[i]
		if r.Provider == "" {
			r.Provider = f.Provider
		}
		if r.Provider == "" {
			r.Provider = defaultProvider
		}
		if !needExamples {
			// A user's rule is compiled at once: its errors should stop
			// the scan before it starts.
			if err := r.Regex.check(); err != nil {
				return nil, fmt.Errorf("%s: line %d: rule %q: bad regex: %w", name, ruleLine(data, i), r.ID, err)
			}
		}
		if err := r.validate(needExamples); err != nil {
			return nil, fmt.Errorf("%s: line %d: rule %q: %w", name, ruleLine(data, i), r.ID, err)
		}
	}
	return f.Rules, nil
}

// CheckCustom checks a user's rule built in code, such as one converted
// from another scanner's configuration, as ParseCustom checks one read
// from TOML.
func CheckCustom(r *Rule) error {
	if r.Provider == "" {
		r.Provider = "custom"
	}
	if err := r.Regex.check(); err != nil {
		return fmt.Errorf("bad regex: %w", err)
	}
	return r.validate(false)
}

// tomlError rewrites a TOML parse error as "line N: message".
func tomlError(err error) error {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		if pe.LastKey != "" {
			return fmt.Errorf("line %d: %s: %s", pe.Position.Line, pe.LastKey, pe.Message)
		}
		return fmt.Errorf("line %d: %s", pe.Position.Line, pe.Message)
	}
	return err
}

// ruleLine finds the line of the i-th [[rules]] table.
func ruleLine(data []byte, i int) int {
	n := -1
	for ln, line := range bytes.Split(data, []byte("\n")) {
		if bytes.HasPrefix(bytes.TrimSpace(line), []byte("[[rules]]")) {
			n++
			if n == i {
				return ln + 1
			}
		}
	}
	return 0
}

// keyLine finds the first line that sets the last element of key.
func keyLine(data []byte, key toml.Key) int {
	last := key[len(key)-1]
	for ln, line := range bytes.Split(data, []byte("\n")) {
		t := bytes.TrimSpace(line)
		if bytes.HasPrefix(t, []byte(last)) {
			rest := bytes.TrimSpace(t[len(last):])
			if bytes.HasPrefix(rest, []byte("=")) || bytes.HasPrefix(rest, []byte("]")) {
				return ln + 1
			}
		}
	}
	return 0
}

var validID = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)

func (r *Rule) validate(needExamples bool) error {
	switch {
	case !validID.MatchString(r.ID):
		return fmt.Errorf("id %q must be lower-case words joined by '-'", r.ID)
	case r.Provider == "":
		return errors.New("no provider")
	case r.Description == "":
		return errors.New("no description")
	case r.Regex.IsZero():
		return errors.New("no regex")
	case len(r.Keywords)+len(r.KeywordsExact)+len(r.Triggers) == 0:
		return errors.New("no keywords or triggers: the rule would never run")
	}
	for _, k := range append(append([]string{}, r.Keywords...), r.KeywordsExact...) {
		if len(k) < 2 {
			return fmt.Errorf("keyword %q is too short (2 bytes at least)", k)
		}
	}
	for _, t := range r.Triggers {
		if t != "hex32" && t != "uuid" && !strings.HasPrefix(t, "near:") {
			return fmt.Errorf("unknown trigger %q (want hex32, uuid or near:RULE)", t)
		}
	}
	groups := r.Regex.NumSubexp()
	if i := r.Regex.SubexpIndex("secret"); i > 0 && r.SecretGroup == 0 {
		r.SecretGroup = i
	} else if r.SecretGroup == 0 && groups > 0 {
		r.SecretGroup = 1
	}
	if r.SecretGroup > groups {
		return fmt.Errorf("secret_group %d but the regex has %d groups", r.SecretGroup, groups)
	}
	if r.Check != "" && lookupCheck(r.Check) == nil {
		return fmt.Errorf("unknown check %q (known: %s)", r.Check, strings.Join(checkNames(), ", "))
	}
	if r.Confidence == 0 {
		r.Confidence = vigil.Medium
	}
	for i := range r.Pair {
		p := &r.Pair[i]
		if p.With == "" || p.Part == "" {
			return errors.New("pair needs with and part")
		}
		if p.Within <= 0 {
			p.Within = 5
		}
		if p.AloneConfidence == 0 {
			p.AloneConfidence = vigil.Medium
		}
	}
	if needExamples && len(r.Examples) == 0 && r.reported() {
		return errors.New("no examples: every rule needs at least one")
	}
	return nil
}

// NewSet checks rules against each other (unique ids, pair and near
// references) and returns them as a Set.
func NewSet(rules []Rule) (*Set, error) {
	s := &Set{byID: make(map[string]*Rule, len(rules))}
	for i := range rules {
		r := &rules[i]
		if _, dup := s.byID[r.ID]; dup {
			return nil, fmt.Errorf("rule %q is defined twice", r.ID)
		}
		s.byID[r.ID] = r
		s.rules = append(s.rules, r)
	}
	for _, r := range s.rules {
		for _, p := range r.Pair {
			if _, ok := s.byID[p.With]; !ok {
				return nil, fmt.Errorf("rule %q pairs with unknown rule %q", r.ID, p.With)
			}
		}
		for _, t := range r.Triggers {
			if id, ok := strings.CutPrefix(t, "near:"); ok {
				if _, ok := s.byID[id]; !ok {
					return nil, fmt.Errorf("rule %q is triggered near unknown rule %q", r.ID, id)
				}
			}
		}
	}
	sort.Slice(s.rules, func(i, j int) bool { return s.rules[i].ID < s.rules[j].ID })
	return s, nil
}

// Without returns a copy of s without the named rules; an unknown name is an
// error, so a typo does not silently keep a rule on.
func (s *Set) Without(ids []string) (*Set, error) {
	drop := map[string]bool{}
	for _, id := range ids {
		if _, ok := s.byID[id]; !ok {
			return nil, fmt.Errorf("cannot disable unknown rule %q", id)
		}
		drop[id] = true
	}
	var keep []Rule
	for _, r := range s.rules {
		if !drop[r.ID] {
			keep = append(keep, *r)
		}
	}
	return NewSet(keep)
}

// With returns a copy of s with extra rules added; a rule whose id is
// already in s replaces it, and the replaced ids are returned so the
// caller can say so.
func (s *Set) With(extra []Rule) (*Set, []string, error) {
	replace := map[string]bool{}
	var replaced []string
	for _, r := range extra {
		if _, ok := s.byID[r.ID]; ok {
			replace[r.ID] = true
			replaced = append(replaced, r.ID)
		}
	}
	var all []Rule
	for _, r := range s.rules {
		if !replace[r.ID] {
			all = append(all, *r)
		}
	}
	all = append(all, extra...)
	set, err := NewSet(all)
	return set, replaced, err
}
