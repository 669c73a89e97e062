package report

import (
	"encoding/json"
	"io"
	"maps"
	"slices"
	"time"

	"github.com/vigilsec/vigil"
)

// SchemaVersion is the version of the JSON report schema. It changes only
// when a field is removed or changes meaning; new fields may be added.
const SchemaVersion = 1

// JSONReport is the JSON report. Its fields are the documented, stable
// schema (see README, "JSON output").
type JSONReport struct {
	Schema   int           `json:"schema_version"`
	Tool     string        `json:"tool"`
	Version  string        `json:"version"`
	Started  time.Time     `json:"started,omitzero"`
	Findings []JSONFinding `json:"findings"`
	Summary  JSONSummary   `json:"summary"`
}

// JSONFinding is one finding in the JSON report; vigil.Finding marshals
// to the same shape.
type JSONFinding = vigil.JSONFinding

// JSONVerdict is a verification outcome.
type JSONVerdict = vigil.JSONVerdict

// JSONSummary says what the scan read and skipped.
type JSONSummary struct {
	Findings   int            `json:"findings"`
	Items      int            `json:"items_scanned"`
	Bytes      int64          `json:"bytes_scanned"`
	DurationMS int64          `json:"duration_ms"`
	Skipped    map[string]int `json:"skipped,omitempty"`
	Incomplete []JSONSkip     `json:"incomplete,omitempty"`
	// NotRead lists what was not read by design although a user may
	// expect it read: links out of the tree, FIFOs, devices.
	NotRead    []JSONSkip `json:"not_read,omitempty"`
	Suppressed int        `json:"suppressed_by_baseline,omitempty"`
	// SuppressedBy counts every finding not reported by what suppressed
	// it, keyed "kind:source" (kinds: inline, path, value, commit,
	// ignore-file, baseline).
	SuppressedBy map[string]int `json:"suppressed,omitempty"`
	Below        int            `json:"below_confidence,omitempty"`
	Complete     bool           `json:"complete"`
	// Interrupted says the scan was stopped before it ended (Complete is
	// false).
	Interrupted bool `json:"interrupted,omitempty"`
}

// JSONSkip is an item the scan could not, or did not, read.
type JSONSkip struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
	Error  string `json:"error,omitempty"`
}

// ToJSON converts a Report to its JSON form.
func ToJSON(r *Report) JSONReport {
	out := JSONReport{Schema: SchemaVersion, Tool: "vigil", Version: r.Version, Started: r.Started, Findings: []JSONFinding{}}
	v := r.view()
	for i := range v.findings {
		out.Findings = append(out.Findings, v.findings[i].JSON(r.ShowSecrets))
	}
	s := &out.Summary
	s.Findings = len(r.Findings)
	s.Items, s.Bytes, s.DurationMS = r.Stats.Items, r.Stats.Bytes, r.Stats.Duration.Milliseconds()
	s.Suppressed, s.SuppressedBy, s.Below = r.suppressedBy(vigil.SuppressBaseline), r.jsonSuppressed(), r.Below
	if counts := r.Stats.SkipCounts(); len(counts) > 0 {
		s.Skipped = map[string]int{}
		for _, k := range slices.Sorted(maps.Keys(counts)) {
			s.Skipped[string(k)] = counts[k]
		}
	}
	for _, sk := range append(v.incomplete, v.notRead...) {
		js := JSONSkip{Path: sk.Origin.Path, Reason: string(sk.Reason)}
		if sk.Err != nil {
			js.Error = sk.Err.Error()
		}
		if sk.Reason.Incomplete() {
			s.Incomplete = append(s.Incomplete, js)
		} else {
			s.NotRead = append(s.NotRead, js)
		}
	}
	s.Interrupted = r.Interrupted
	s.Complete = len(s.Incomplete) == 0 && !r.Interrupted
	return out
}

// JSON writes the report as indented JSON.
func JSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(ToJSON(r))
}
