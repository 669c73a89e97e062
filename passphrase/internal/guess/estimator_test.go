package guess

import (
	"sync"
	"testing"
)

func TestScore(t *testing.T) {
	tests := []struct {
		guesses float64
		want    int
	}{
		{0, 0}, {1, 0}, {1e3, 0}, {1004.9, 0}, {1005, 1},
		{1e6 + 4, 1}, {1e6 + 5, 2}, {1e8 + 4, 2}, {1e8 + 5, 3},
		{1e10 + 4, 3}, {1e10 + 5, 4}, {1e300, 4},
	}
	for _, tt := range tests {
		if got := score(tt.guesses); got != tt.want {
			t.Errorf("score(%v) = %d, want %d", tt.guesses, got, tt.want)
		}
	}
}

func TestEstimateNotUTF8(t *testing.T) {
	var e Estimator
	if r := e.Estimate("pass\xffword", nil); r.Guesses != 0 || r.Score != 0 || r.Sequence != nil {
		t.Errorf("got %+v, want the zero Result", r)
	}
}

// TestEstimatorConcurrent has many goroutines use a fresh Estimator at
// once: the first use loads the word lists exactly once (go test -race).
func TestEstimatorConcurrent(t *testing.T) {
	var e Estimator
	want := (&Estimator{}).Estimate("correct horse battery staple", []string{"alice"})
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			got := e.Estimate("correct horse battery staple", []string{"alice"})
			if got.Guesses != want.Guesses || got.Score != want.Score || len(got.Sequence) != len(want.Sequence) {
				t.Errorf("got %v (score %d), want %v (score %d)", got.Guesses, got.Score, want.Guesses, want.Score)
			}
		})
	}
	wg.Wait()
}
