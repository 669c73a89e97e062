package guess

import "testing"

// BenchmarkLoad measures the first-use cost of an Estimator: indexing the
// embedded word lists. (A fresh process pays somewhat more: page faults.)
func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := newDictionaries(wordlistsText); err != nil {
			b.Fatal(err)
		}
	}
}
