package vigil

import "encoding/json"

// JSONFinding is a finding as JSON reports write it: the "findings" items
// of the JSON report (schema_version 1; see README, "JSON output"). Fields
// are only ever added.
type JSONFinding struct {
	Rule        string `json:"rule"`
	Provider    string `json:"provider"`
	Description string `json:"description"`
	Confidence  string `json:"confidence"`
	Secret      string `json:"secret"`
	Redacted    bool   `json:"redacted"`
	// Parts are the other parts of the credential, by name; PartLocations
	// says where each was found.
	Parts         map[string]string `json:"parts,omitempty"`
	PartLocations map[string]Origin `json:"part_locations,omitempty"`
	Fingerprint   string            `json:"fingerprint"`
	Location      Origin            `json:"location"`
	Verdict       JSONVerdict       `json:"verdict"`
	Details       map[string]string `json:"details,omitempty"`
	Verifier      string            `json:"verifier,omitempty"`
	Hint          string            `json:"hint,omitempty"`
	Present       *bool             `json:"present,omitempty"`
	Occurrences   int               `json:"occurrences,omitempty"`
}

// JSONVerdict is a verification outcome as JSON reports write it.
type JSONVerdict struct {
	Status string            `json:"status"`
	Reason string            `json:"reason,omitempty"`
	Facts  map[string]string `json:"facts,omitempty"`
}

// JSON returns f in the shape JSON reports write, with its secrets in clear
// when show is set and redacted otherwise. Its text is written as it is:
// pass f through a Redactor first (see MarshalJSON).
func (f *Finding) JSON(show bool) JSONFinding {
	text := Secret.Redacted
	if show {
		text = Secret.Reveal
	}
	jf := JSONFinding{
		Rule: f.RuleID, Provider: f.Provider, Description: f.Description,
		Confidence: f.Confidence.String(), Secret: text(f.Secret),
		Redacted: !show, Fingerprint: f.Fingerprint(), Location: f.Origin,
		Verdict: JSONVerdict{Status: f.Verdict.Status.String(), Reason: f.Verdict.Reason, Facts: f.Verdict.Facts},
		Details: f.Details, Verifier: f.Verifier, Hint: f.Hint, Present: f.Present, Occurrences: f.Occurrences,
	}
	for _, p := range f.Parts {
		if jf.Parts == nil {
			jf.Parts = map[string]string{}
		}
		jf.Parts[p.Name] = text(p.Value)
		if o, ok := f.PartOrigin(p); ok {
			if jf.PartLocations == nil {
				jf.PartLocations = map[string]Origin{}
			}
			jf.PartLocations[p.Name] = o
		}
	}
	return jf
}

// MarshalJSON writes f as JSON reports do (JSONFinding), redacted: its
// secrets, and its own secrets wherever its text (a commit message, an
// image history step) repeats them.
func (f Finding) MarshalJSON() ([]byte, error) {
	r := NewRedactor(nil)
	r.Learn(&f)
	red := r.Finding(f)
	return json.Marshal(red.JSON(false))
}
