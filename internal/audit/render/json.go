package render

import (
	"encoding/json"
	"io"

	"github.com/vigilsec/vigil/internal/audit"
)

// jsonSummary is what a machine wants first.
type jsonSummary struct {
	Failed     bool                      `json:"failed"`
	Incomplete bool                      `json:"incomplete"`
	Totals     map[string]int            `json:"totals"`
	ByLevel    map[string]map[string]int `json:"by_level"`
}

// JSON writes the whole report, with a summary, as indented JSON.
func JSON(w io.Writer, r *audit.Report) error {
	sum := jsonSummary{Failed: r.Failed(), Incomplete: r.Incomplete(), Totals: countsMap(r.Totals()), ByLevel: map[string]map[string]int{}}
	for l, c := range r.ByLevel() {
		sum.ByLevel[l.String()] = countsMap(c)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		Summary jsonSummary `json:"summary"`
		*audit.Report
	}{sum, r})
}

func countsMap(c audit.Counts) map[string]int {
	out := map[string]int{}
	for _, s := range audit.Statuses() {
		out[s.String()] = c[s]
	}
	return out
}
