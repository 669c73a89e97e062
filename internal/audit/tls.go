package audit

import (
	"context"

	"github.com/vigilsec/vigil/internal/tlscheck"
)

// checkCertificates checks the host of every https webhook URL once and
// returns the result by URL. Plain-http and odd URLs are left to HOOK-01's
// scheme check.
func checkCertificates(ctx context.Context, urls map[string]string, o tlscheck.Options, concurrency int) map[string]tlscheck.Result {
	index := map[string]int{}
	var targets []tlscheck.Target
	byURL := map[string]int{}
	for raw := range urls {
		t, err := tlscheck.TargetOfURL(raw)
		if err != nil {
			continue
		}
		i, ok := index[t.Addr()]
		if !ok {
			i = len(targets)
			index[t.Addr()] = i
			targets = append(targets, t)
		}
		byURL[raw] = i
	}
	results := tlscheck.CheckAll(ctx, targets, o, concurrency)
	out := make(map[string]tlscheck.Result, len(byURL))
	for raw, i := range byURL {
		out[raw] = results[i]
	}
	return out
}
