package proxy

import (
	"net/http"
	"testing"
)

// handlerAllocBudget is what the Handler may allocate for one forwarded
// webhook (BenchmarkPieceHandler's work): the signature check, the replay
// cache, the request sent upstream and the relayed response, net/http's
// own share of building them and the in-memory upstream's response (7)
// included. It was 33 before the check and the request upstream were
// trimmed. Raise it only for a reason worth
// the cost at every request, and say so in the commit.
const handlerAllocBudget = 22

// TestHandlerAllocations holds the Handler's allocations per request to
// handlerAllocBudget, so that a change that adds some shows here and not
// only in a benchmark nobody reruns.
func TestHandlerAllocations(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("allocation count: not in -short or under the race detector")
	}
	h := newPieceHandler(t)
	const runs = 200
	reqs := signedRequests(t, 0, runs+1) // AllocsPerRun calls once more to warm up
	w := &discardWriter{h: http.Header{}}
	i := 0
	got := testing.AllocsPerRun(runs, func() {
		clear(w.h)
		h.ServeHTTP(w, reqs[i])
		i++
	})
	if got > handlerAllocBudget {
		t.Errorf("%.1f allocations per forwarded webhook, budget %d (go test -bench PieceHandler -memprofile to see where)", got, handlerAllocBudget)
	}
	t.Logf("%.1f allocations per forwarded webhook (budget %d)", got, handlerAllocBudget)
}
