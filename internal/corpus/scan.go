package corpus

import (
	"context"
	"path/filepath"
	"strings"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/rules"
	"github.com/vigilsec/vigil/source/files"
)

// Reported is where a finding was reported, with its rule and confidence.
type Reported struct {
	Hit
	Rule       string
	Confidence vigil.Confidence
}

// VigilFindings scans dir with vigil's default rules and returns where
// each finding was reported: the secret's line, and the line of each part
// of a multi-part credential.
func VigilFindings(ctx context.Context, dir string) ([]Reported, error) {
	set, err := rules.Default()
	if err != nil {
		return nil, err
	}
	sc := vigil.Scanner{Matcher: rules.NewMatcher(set, rules.Options{})}
	var out []Reported
	prefix := filepath.ToSlash(filepath.Clean(dir)) + "/"
	_, err = sc.Scan(ctx, files.New([]string{dir}, files.Options{}), func(f vigil.Finding) {
		file := strings.TrimPrefix(f.Origin.Path, prefix)
		out = append(out, Reported{Hit: Hit{File: file, Line: f.Origin.Line}, Rule: f.RuleID, Confidence: f.Confidence})
		// A pair is reported with both its lines: the key ID or Account
		// SID that goes with a secret is where the finding says it is.
		for _, p := range f.Parts {
			if p.Line > 0 && p.Line != f.Origin.Line {
				out = append(out, Reported{Hit: Hit{File: file, Line: p.Line}, Rule: f.RuleID, Confidence: f.Confidence})
			}
		}
	})
	return out, err
}

// AtLeast returns the hits of the findings at or above confidence c.
func AtLeast(rs []Reported, c vigil.Confidence) []Hit {
	var hits []Hit
	for _, r := range rs {
		if r.Confidence >= c {
			hits = append(hits, r.Hit)
		}
	}
	return hits
}

// VigilHits scans dir with vigil's default rules and returns the findings
// at or above each confidence level, as corpus hits.
func VigilHits(ctx context.Context, dir string) (map[vigil.Confidence][]Hit, error) {
	rs, err := VigilFindings(ctx, dir)
	if err != nil {
		return nil, err
	}
	out := map[vigil.Confidence][]Hit{}
	for _, c := range []vigil.Confidence{vigil.Low, vigil.Medium, vigil.High} {
		out[c] = AtLeast(rs, c)
	}
	return out, nil
}
