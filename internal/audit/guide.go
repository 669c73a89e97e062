package audit

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Guide is the hardening guide the catalogue follows: the "Twilio
// Hardening Guide" vigil was started from. Each of its sections is a
// control with a profile level and framework mappings; every catalogue
// control that implements a section keeps that level and those mappings.
type Guide struct {
	Name     string          `yaml:"name" json:"name"`
	Version  string          `yaml:"version" json:"version"`
	Sections []*GuideSection `yaml:"sections" json:"sections"`
}

// GuideSection is one control of the guide.
type GuideSection struct {
	Section    string     `yaml:"section" json:"section"` // "3.1"
	Title      string     `yaml:"title" json:"title"`
	Level      Level      `yaml:"level" json:"level"`
	Frameworks Frameworks `yaml:"frameworks" json:"frameworks"`
}

// Section returns the guide section with that number, or nil.
func (g *Guide) Section(n string) *GuideSection {
	for _, s := range g.Sections {
		if s.Section == n {
			return s
		}
	}
	return nil
}

var sectionRE = regexp.MustCompile(`^[0-9]+\.[0-9]+$`)

// checkGuide checks the guide's sections.
func checkGuide(g *Guide) error {
	seen := map[string]bool{}
	for i, s := range g.Sections {
		where := fmt.Sprintf("catalogue: guide section %d (%s)", i+1, s.Section)
		switch {
		case !sectionRE.MatchString(s.Section):
			return fmt.Errorf("%s: section must look like 3.1", where)
		case seen[s.Section]:
			return fmt.Errorf("%s: duplicate section", where)
		case s.Title == "":
			return fmt.Errorf("%s: title is required", where)
		case s.Level < L1 || s.Level > L3:
			return fmt.Errorf("%s: level must be L1, L2 or L3", where)
		}
		seen[s.Section] = true
	}
	return nil
}

// resolveGuide ties a control to its guide section: a control that
// implements a section has the section's level, and its own mappings do
// not repeat the guide's; its Frameworks become the guide's then its own.
func resolveGuide(c *Control, g *Guide) error {
	if c.Guide == GuideAddition {
		c.Section = nil
		c.Frameworks = c.Own.clone()
		return nil
	}
	s := g.Section(c.Guide)
	if s == nil {
		return fmt.Errorf("guide %q: want a section of %s or %q", c.Guide, g.Name, GuideAddition)
	}
	if c.Level != s.Level {
		return fmt.Errorf("level %s: the guide puts section %s (%s) at %s", c.Level, s.Section, s.Title, s.Level)
	}
	for _, name := range FrameworkNames() {
		for _, id := range c.Own.Of(name) {
			if slices.Contains(s.Frameworks.Of(name), id) {
				return fmt.Errorf("vigil_frameworks: %s %s is already the guide's mapping for section %s", name, id, s.Section)
			}
		}
	}
	c.Section = s
	c.Frameworks = Frameworks{
		CIS:  append(slices.Clone(s.Frameworks.CIS), c.Own.CIS...),
		NIST: append(slices.Clone(s.Frameworks.NIST), c.Own.NIST...),
		SOC2: append(slices.Clone(s.Frameworks.SOC2), c.Own.SOC2...),
	}
	return nil
}

func (f Frameworks) clone() Frameworks {
	return Frameworks{CIS: slices.Clone(f.CIS), NIST: slices.Clone(f.NIST), SOC2: slices.Clone(f.SOC2)}
}

// IsOwn reports whether a mapping of the control is vigil's own rather
// than the guide's.
func (c *Control) IsOwn(framework, id string) bool {
	return slices.Contains(c.Own.Of(framework), id) && !slices.Contains(c.GuideFrameworks().Of(framework), id)
}

// Origin says where the control comes from: "guide 3.1 (Configure API Key
// Security)" or "vigil addition".
func (c *Control) Origin() string {
	if c.Section == nil {
		return "vigil addition"
	}
	return fmt.Sprintf("guide %s (%s)", c.Section.Section, c.Section.Title)
}

// MappingText lists the control's mappings with their origin: "guide 1.1:
// CIS 6.3, 12.5; NIST IA-2, IA-8; SOC 2 CC6.1 · vigil: CIS 6.7" for a
// guide control, "vigil addition: CIS 4.8; NIST CM-7" for an addition.
func (c *Control) MappingText() string {
	own := frameworkText(c.Own)
	if c.Section == nil {
		return "vigil addition: " + own
	}
	s := "guide " + c.Section.Section + ": " + frameworkText(c.Section.Frameworks)
	if own != "" {
		s += " · vigil: " + own
	}
	return s
}

// frameworkText is "CIS 5.5; NIST IA-5, SC-12; SOC 2 CC6.1".
func frameworkText(f Frameworks) string {
	var parts []string
	for _, name := range FrameworkNames() {
		if ids := f.Of(name); len(ids) > 0 {
			parts = append(parts, FrameworkShort(name)+" "+strings.Join(ids, ", "))
		}
	}
	return strings.Join(parts, "; ")
}

// FrameworkShort is a framework's short name: CIS, NIST, SOC 2.
func FrameworkShort(name string) string {
	switch name {
	case FrameworkCIS:
		return "CIS"
	case FrameworkNIST:
		return "NIST"
	}
	return "SOC 2"
}
