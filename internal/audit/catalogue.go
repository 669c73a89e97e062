package audit

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

//go:embed controls.yaml
var controlsYAML []byte

// Level is a profile level: L1 baseline, L2 hardened, L3 maximum.
type Level int

// Profile levels.
const (
	L1 Level = 1
	L2 Level = 2
	L3 Level = 3
)

// ParseLevel reads "L1", "L2" or "L3" (case-insensitive; "1" too).
func ParseLevel(s string) (Level, error) {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "L1", "1":
		return L1, nil
	case "L2", "2":
		return L2, nil
	case "L3", "3":
		return L3, nil
	}
	return 0, fmt.Errorf("level %q: want L1, L2 or L3", s)
}

// String is "L1", "L2" or "L3".
func (l Level) String() string { return fmt.Sprintf("L%d", int(l)) }

// MarshalText writes the level as "L1".
func (l Level) MarshalText() ([]byte, error) { return []byte(l.String()), nil }

// UnmarshalText reads "L1", "L2" or "L3".
func (l *Level) UnmarshalText(b []byte) error {
	v, err := ParseLevel(string(b))
	*l = v
	return err
}

// Levels lists the profile levels in order.
func Levels() []Level { return []Level{L1, L2, L3} }

// Scope says which accounts a control is evaluated on.
type Scope string

// Scopes.
const (
	ScopeMain  Scope = "main"  // the main account only
	ScopeEvery Scope = "every" // the main account and every subaccount
	ScopeSub   Scope = "sub"   // every subaccount
)

// Frameworks maps a control to framework controls.
type Frameworks struct {
	CIS  []string `yaml:"cis" json:"cis"`   // CIS Controls v8 safeguards
	NIST []string `yaml:"nist" json:"nist"` // NIST SP 800-53 rev 5
	SOC2 []string `yaml:"soc2" json:"soc2"` // SOC 2 trust services criteria
}

// Framework names, in report order.
const (
	FrameworkCIS  = "CIS Controls v8"
	FrameworkNIST = "NIST 800-53 rev 5"
	FrameworkSOC2 = "SOC 2"
)

// FrameworkNames lists the frameworks in report order.
func FrameworkNames() []string { return []string{FrameworkCIS, FrameworkNIST, FrameworkSOC2} }

// Of returns the control's mappings in one framework (by name).
func (f Frameworks) Of(name string) []string {
	switch name {
	case FrameworkCIS:
		return f.CIS
	case FrameworkNIST:
		return f.NIST
	case FrameworkSOC2:
		return f.SOC2
	}
	return nil
}

// AttestKind is how an attestation's value is read.
type AttestKind string

// Attestation value kinds.
const (
	AttestBool AttestKind = "bool" // true passes, false fails
	AttestMax  AttestKind = "max"  // a number, at most params.max
	AttestList AttestKind = "list" // accepted exceptions (SIDs, ISO codes)
	AttestDate AttestKind = "date" // a date (e.g. of the last rotation)
)

// AttestSpec says what an attestation for a control holds.
type AttestSpec struct {
	Value   AttestKind `yaml:"value" json:"value"`
	Meaning string     `yaml:"meaning" json:"meaning"`
}

// Control is one entry of the baseline.
type Control struct {
	ID    string `yaml:"id" json:"id"`
	Title string `yaml:"title" json:"title"`
	Area  string `yaml:"area" json:"area"`
	Level Level  `yaml:"level" json:"level"`
	Scope Scope  `yaml:"scope" json:"scope"`
	Check string `yaml:"check" json:"check"`
	// Guide is the section of the Hardening Guide the control implements
	// ("3.1"), or GuideAddition for a control vigil adds beyond the guide.
	Guide string `yaml:"guide" json:"guide"`
	// Own are vigil's own mappings, beside the guide's.
	Own Frameworks `yaml:"vigil_frameworks" json:"vigil_frameworks"`
	// Frameworks are all the control's mappings: the guide section's,
	// then vigil's own (set by ParseCatalogue).
	Frameworks Frameworks `yaml:"-" json:"frameworks"`
	// Section is the guide section (nil for an addition).
	Section     *GuideSection     `yaml:"-" json:"guide_section,omitempty"`
	Rationale   string            `yaml:"rationale" json:"rationale"`
	Evidence    string            `yaml:"evidence" json:"evidence"`
	Remediation string            `yaml:"remediation" json:"remediation"`
	Attest      *AttestSpec       `yaml:"attest" json:"attest,omitempty"`
	Params      map[string]string `yaml:"params" json:"params,omitempty"`
}

// GuideAddition marks a control vigil adds beyond the Hardening Guide.
const GuideAddition = "addition"

// IsAddition reports whether the control is vigil's, beyond the guide.
func (c *Control) IsAddition() bool { return c.Section == nil }

// GuideFrameworks are the mappings the guide gives the control (none for
// an addition).
func (c *Control) GuideFrameworks() Frameworks {
	if c.Section == nil {
		return Frameworks{}
	}
	return c.Section.Frameworks
}

// Applies reports whether the control is evaluated on an account.
func (c *Control) Applies(sub bool) bool {
	switch c.Scope {
	case ScopeMain:
		return !sub
	case ScopeSub:
		return sub
	}
	return true
}

// Catalogue is the ordered list of controls, and the guide they follow.
type Catalogue struct {
	Guide    Guide      `yaml:"guide" json:"guide"`
	Controls []*Control `yaml:"controls" json:"controls"`
}

// Lookup returns the control with that ID (case-insensitive).
func (c *Catalogue) Lookup(id string) *Control {
	for _, ctl := range c.Controls {
		if strings.EqualFold(ctl.ID, id) {
			return ctl
		}
	}
	return nil
}

// IDs lists the control IDs in catalogue order.
func (c *Catalogue) IDs() []string {
	out := make([]string, len(c.Controls))
	for i, ctl := range c.Controls {
		out[i] = ctl.ID
	}
	return out
}

// Builtin returns vigil's own catalogue (a fresh copy each call).
func Builtin() *Catalogue {
	c, err := ParseCatalogue(controlsYAML)
	if err != nil {
		panic("audit: built-in catalogue: " + err.Error()) // a test keeps it valid
	}
	return c
}

var idRE = regexp.MustCompile(`^[A-Z]+-[0-9]{2}$`)

// ParseCatalogue reads a catalogue in the controls.yaml format and checks
// every entry: unknown fields, missing texts, unknown checks, levels,
// scopes, attestation kinds and parameters are errors, and so are a
// control whose level differs from its guide section's and a guide
// section no control implements.
func ParseCatalogue(data []byte) (*Catalogue, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var c Catalogue
	if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("catalogue: %w", err)
	}
	if err := checkGuide(&c.Guide); err != nil {
		return nil, err
	}
	checks := checkTable()
	seen := map[string]bool{}
	for i, ctl := range c.Controls {
		where := fmt.Sprintf("catalogue: control %d (%s)", i+1, ctl.ID)
		switch {
		case !idRE.MatchString(ctl.ID):
			return nil, fmt.Errorf("%s: id must look like AREA-01", where)
		case seen[ctl.ID]:
			return nil, fmt.Errorf("%s: duplicate id", where)
		case ctl.Title == "" || ctl.Rationale == "" || ctl.Evidence == "" || ctl.Remediation == "" || ctl.Area == "":
			return nil, fmt.Errorf("%s: title, area, rationale, evidence and remediation are required", where)
		case ctl.Level < L1 || ctl.Level > L3:
			return nil, fmt.Errorf("%s: level must be L1, L2 or L3", where)
		case !slices.Contains([]Scope{ScopeMain, ScopeEvery, ScopeSub}, ctl.Scope):
			return nil, fmt.Errorf("%s: scope must be main, every or sub", where)
		case checks[ctl.Check] == nil:
			return nil, fmt.Errorf("%s: unknown check %q", where, ctl.Check)
		}
		seen[ctl.ID] = true
		if err := resolveGuide(ctl, &c.Guide); err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		if a := ctl.Attest; a != nil && !slices.Contains([]AttestKind{AttestBool, AttestMax, AttestList, AttestDate}, a.Value) {
			return nil, fmt.Errorf("%s: attest.value must be bool, max, list or date", where)
		}
		if ctl.Check == "attested" && ctl.Attest == nil {
			return nil, fmt.Errorf("%s: an attested control needs attest", where)
		}
		if ctl.Attest != nil && ctl.Attest.Value == AttestMax {
			if _, err := ctl.intParam("max"); err != nil {
				return nil, fmt.Errorf("%s: %w", where, err)
			}
		}
		for k, v := range ctl.Params {
			if _, err := ParseAge(v); err != nil && k != "max" {
				return nil, fmt.Errorf("%s: params.%s: %w", where, k, err)
			}
		}
	}
	for _, s := range c.Guide.Sections {
		if !slices.ContainsFunc(c.Controls, func(ctl *Control) bool { return ctl.Section == s }) {
			return nil, fmt.Errorf("catalogue: guide section %s (%s): no control implements it", s.Section, s.Title)
		}
	}
	return &c, nil
}

// intParam reads an integer parameter.
func (c *Control) intParam(name string) (int, error) {
	var n int
	if _, err := fmt.Sscanf(c.Params[name], "%d", &n); err != nil || n < 0 {
		return 0, fmt.Errorf("params.%s must be a non-negative integer", name)
	}
	return n, nil
}

// ageParam reads a duration parameter such as "90d", or def when absent.
func (c *Control) ageParam(name string, def time.Duration) time.Duration {
	if d, err := ParseAge(c.Params[name]); err == nil && d > 0 {
		return d
	}
	return def
}
