package suppress

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/internal/compat/detectsecrets"
	"github.com/vigilsec/vigil/internal/compat/gitleaks"
	"github.com/vigilsec/vigil/report"
)

// Baseline is a baseline file read whatever its format.
type Baseline struct {
	// Format is "vigil", "detect-secrets" or "gitleaks".
	Format string
	// Path is the file, as given.
	Path string
	// Entries counts the findings it accepts.
	Entries int
	Filter
}

// ReadBaseline reads a baseline in any of the formats vigil accepts: its
// own, a detect-secrets .secrets.baseline, or a gitleaks JSON report.
func ReadBaseline(path string) (*Baseline, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read baseline: %w", err)
	}
	return ParseBaseline(path, data)
}

// ParseBaseline reads baseline data, telling the format from its shape.
func ParseBaseline(path string, data []byte) (*Baseline, error) {
	switch {
	case detectsecrets.IsBaseline(data):
		b, err := detectsecrets.Parse(path, data)
		if err != nil {
			return nil, err
		}
		return &Baseline{Format: "detect-secrets", Path: path, Entries: b.Entries, Filter: b}, nil
	case gitleaks.IsReport(data):
		r, err := gitleaks.ParseReport(path, data)
		if err != nil {
			return nil, err
		}
		return &Baseline{Format: "gitleaks", Path: path, Entries: len(r.Findings), Filter: r}, nil
	}
	b, err := report.ParseBaseline(path, data)
	if err != nil {
		if len(bytes.TrimSpace(data)) > 0 && !bytes.Contains(data, []byte(`"tool"`)) {
			return nil, errors.Join(err, errors.New("not a vigil baseline, a detect-secrets .secrets.baseline or a gitleaks JSON report"))
		}
		return nil, err
	}
	src := path
	return &Baseline{Format: "vigil", Path: path, Entries: len(b.Findings), Filter: FilterFunc(func(f *vigil.Finding) (vigil.Suppression, bool) {
		return vigil.Suppression{Kind: vigil.SuppressBaseline, Source: src}, b.Contains(f)
	})}, nil
}

// SelfFilter suppresses findings in the baseline file itself: a
// detect-secrets baseline holds hashes and a gitleaks report holds
// secrets, and neither is a new leak. roots are the paths scanned, to
// which reported paths are relative.
func SelfFilter(baselinePath string, roots []string) Filter {
	names := map[string]bool{filepath.ToSlash(filepath.Clean(baselinePath)): true}
	abs, err := filepath.Abs(baselinePath)
	if err == nil {
		for _, r := range roots {
			if ra, err := filepath.Abs(r); err == nil {
				if rel, err := filepath.Rel(ra, abs); err == nil && filepath.IsLocal(rel) {
					names[filepath.ToSlash(rel)] = true
				}
			}
		}
	}
	src := baselinePath + " (the baseline itself)"
	return FilterFunc(func(f *vigil.Finding) (vigil.Suppression, bool) {
		return vigil.Suppression{Kind: vigil.SuppressBaseline, Source: src}, names[f.Origin.Path]
	})
}
