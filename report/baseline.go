package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/vigilsec/vigil/internal/atomicfile"
	"io"
	"os"
	"time"

	"github.com/vigilsec/vigil"
)

// Baseline is a set of accepted findings, keyed by fingerprint and path.
// It never holds a secret: a fingerprint is a one-way hash.
type Baseline struct {
	Version  int             `json:"version"`
	Tool     string          `json:"tool"`
	Created  time.Time       `json:"created"`
	Findings []BaselineEntry `json:"findings"`

	index map[[2]string]bool
}

// BaselineEntry is one accepted finding. Line is informative only: a
// finding stays accepted when lines move.
type BaselineEntry struct {
	Fingerprint string `json:"fingerprint"`
	Rule        string `json:"rule"`
	Path        string `json:"path"`
	Line        int    `json:"line,omitempty"`
}

const baselineVersion = 1

// NewBaseline records findings as accepted.
func NewBaseline(fs []vigil.Finding, now time.Time) *Baseline {
	b := &Baseline{Version: baselineVersion, Tool: "vigil", Created: now.UTC(), Findings: []BaselineEntry{}}
	for _, f := range fs {
		b.Findings = append(b.Findings, BaselineEntry{Fingerprint: f.Fingerprint(), Rule: f.RuleID, Path: f.Origin.Path, Line: f.Origin.Line})
	}
	return b
}

// ReadBaseline parses a baseline file. Errors name the line.
func ReadBaseline(path string) (*Baseline, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read baseline: %w", err)
	}
	return ParseBaseline(path, data)
}

// ParseBaseline parses the content of baseline file path.
func ParseBaseline(path string, data []byte) (*Baseline, error) {
	var b Baseline
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		return nil, fmt.Errorf("baseline %s: %s", path, jsonErrorAt(data, err))
	}
	if b.Version != baselineVersion {
		return nil, fmt.Errorf("baseline %s: version %d is not supported (want %d)", path, b.Version, baselineVersion)
	}
	for i, e := range b.Findings {
		if len(e.Fingerprint) != 40 || e.Path == "" {
			return nil, fmt.Errorf("baseline %s: entry %d (line %d): needs a 40-character fingerprint and a path", path, i+1, entryLine(data, i))
		}
	}
	b.buildIndex()
	return &b, nil
}

func (b *Baseline) buildIndex() {
	b.index = make(map[[2]string]bool, len(b.Findings))
	for _, e := range b.Findings {
		b.index[[2]string{e.Fingerprint, e.Path}] = true
	}
}

// Contains reports whether f is accepted by the baseline.
func (b *Baseline) Contains(f *vigil.Finding) bool {
	if b.index == nil {
		b.buildIndex()
	}
	return b.index[[2]string{f.Fingerprint(), f.Origin.Path}]
}

// Write saves the baseline atomically.
func (b *Baseline) Write(path string) error {
	data, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(path, 0o644, func(w io.Writer) error {
		_, err := w.Write(append(data, '\n'))
		return err
	})
}

// jsonErrorAt turns a JSON decoding error into "line N: message".
func jsonErrorAt(data []byte, err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("line %d: %v", LineOf(data, se.Offset), err)
	case errors.As(err, &te):
		return fmt.Sprintf("line %d: field %s: want %s, got %s", LineOf(data, te.Offset), te.Field, te.Type, te.Value)
	case errors.Is(err, io.EOF):
		return "empty file"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Sprintf("line %d: unexpected end of file", LineOf(data, int64(len(data))))
	}
	return err.Error()
}

// LineOf returns the 1-based line of a byte offset.
func LineOf(data []byte, off int64) int {
	off = min(max(off, 0), int64(len(data)))
	return bytes.Count(data[:off], []byte{'\n'}) + 1
}

// entryLine finds the line of the i-th object in the findings array.
func entryLine(data []byte, i int) int {
	start := bytes.Index(data, []byte(`"findings"`))
	if start < 0 {
		return 0
	}
	n := -1
	depth := 0
	for off := start; off < len(data); off++ {
		switch data[off] {
		case '{':
			depth++
			if depth == 1 {
				n++
				if n == i {
					return LineOf(data, int64(off))
				}
			}
		case '}':
			depth--
		}
	}
	return 0
}
