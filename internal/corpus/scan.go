package corpus

import (
	"context"
	"path/filepath"
	"strings"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/rules"
	"github.com/vigilsec/vigil/source/files"
)

// VigilHits scans dir with vigil's default rules and returns the findings
// at or above each confidence level, as corpus hits.
func VigilHits(ctx context.Context, dir string) (map[vigil.Confidence][]Hit, error) {
	set, err := rules.Default()
	if err != nil {
		return nil, err
	}
	sc := vigil.Scanner{Matcher: rules.NewMatcher(set, rules.Options{})}
	out := map[vigil.Confidence][]Hit{}
	prefix := filepath.ToSlash(filepath.Clean(dir)) + "/"
	_, err = sc.Scan(ctx, files.New([]string{dir}, files.Options{}), func(f vigil.Finding) {
		h := Hit{File: strings.TrimPrefix(f.Origin.Path, prefix), Line: f.Origin.Line}
		for _, c := range []vigil.Confidence{vigil.Low, vigil.Medium, vigil.High} {
			if f.Confidence >= c {
				out[c] = append(out[c], h)
			}
		}
	})
	return out, err
}
