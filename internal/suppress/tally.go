// Package suppress counts the findings a scan does not report, and by
// what, and holds the filters applied once a scan's findings are final:
// baselines (vigil's, detect-secrets', gitleaks reports), ignore files
// (.gitleaksignore) and commit allowlists.
package suppress

import (
	"cmp"
	"slices"
	"sync"

	"github.com/vigilsec/vigil"
)

// Key identifies a distinct finding: the credential and where it is. A
// history scan reports a credential once however many commits hold it, so
// there the credential alone is the key.
func Key(f *vigil.Finding) string {
	if f.Origin.Source == "git" && f.Origin.Blob != "" {
		return f.Fingerprint()
	}
	return f.Fingerprint() + "\x00" + f.Origin.Path
}

// Tally counts distinct suppressed findings by suppression. It is safe for
// concurrent use.
type Tally struct {
	mu     sync.Mutex
	seen   map[string]bool
	counts map[vigil.Suppression]int
}

// Add counts f as suppressed by s, once per distinct finding and
// suppression.
func (t *Tally) Add(f *vigil.Finding, s vigil.Suppression) {
	k := string(s.Kind) + "\x00" + s.Source + "\x00" + Key(f)
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.seen == nil {
		t.seen, t.counts = map[string]bool{}, map[vigil.Suppression]int{}
	}
	if t.seen[k] {
		return
	}
	t.seen[k] = true
	t.counts[s]++
}

// kindOrder is the order the summary lists kinds in.
var kindOrder = []vigil.SuppressKind{vigil.SuppressInline, vigil.SuppressPath, vigil.SuppressValue,
	vigil.SuppressCommit, vigil.SuppressIgnoreFile, vigil.SuppressBaseline}

// Counts returns the counts, by kind then source.
func (t *Tally) Counts() []vigil.SuppressionCount {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []vigil.SuppressionCount
	for s, n := range t.counts {
		out = append(out, vigil.SuppressionCount{Suppression: s, Count: n})
	}
	slices.SortFunc(out, func(a, b vigil.SuppressionCount) int {
		return cmp.Or(cmp.Compare(slices.Index(kindOrder, a.Kind), slices.Index(kindOrder, b.Kind)), cmp.Compare(a.Source, b.Source))
	})
	return out
}

// Filter suppresses findings once they are final (attributed to a commit
// in a history scan).
type Filter interface {
	// Suppress reports whether f is not to be reported, and why.
	Suppress(f *vigil.Finding) (vigil.Suppression, bool)
}

// FilterFunc adapts a function to Filter.
type FilterFunc func(f *vigil.Finding) (vigil.Suppression, bool)

// Suppress calls fn.
func (fn FilterFunc) Suppress(f *vigil.Finding) (vigil.Suppression, bool) { return fn(f) }

// Apply removes from fs what the filters suppress, counting it in t.
func Apply(fs []vigil.Finding, filters []Filter, t *Tally) []vigil.Finding {
	if len(filters) == 0 {
		return fs
	}
	out := fs[:0]
next:
	for i := range fs {
		for _, flt := range filters {
			if s, ok := flt.Suppress(&fs[i]); ok {
				t.Add(&fs[i], s)
				continue next
			}
		}
		out = append(out, fs[i])
	}
	return out
}

// Both suppresses what cur and base both suppress, credited to cur: base
// is a baseline or ignore file as it was before the change being scanned
// (nil when it did not exist), so that entries the change adds do not
// apply to that same change.
func Both(cur, base Filter) Filter {
	return FilterFunc(func(f *vigil.Finding) (vigil.Suppression, bool) {
		s, ok := cur.Suppress(f)
		if !ok || base == nil {
			return vigil.Suppression{}, false
		}
		if _, ok := base.Suppress(f); !ok {
			return vigil.Suppression{}, false
		}
		return s, true
	})
}
