package rules

import (
	"math/rand/v2"
	"slices"
	"testing"
)

func naiveHexRuns(data []byte) []int {
	var out []int
	run := 0
	for i, b := range data {
		if isHexDigit(b) {
			run++
			if run == hexRun {
				out = append(out, i+1-hexRun)
			}
		} else {
			run = 0
		}
	}
	return out
}

func TestHexRuns(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 2000 {
		n := r.IntN(200)
		data := make([]byte, n)
		for i := range data {
			if r.IntN(10) < 8 {
				data[i] = "0123456789abcdefABCDEF"[r.IntN(22)]
			} else {
				data[i] = " xyz=\n"[r.IntN(6)]
			}
		}
		var got []int
		forHexRuns(data, func(s int) { got = append(got, s) })
		if want := naiveHexRuns(data); !slices.Equal(got, want) {
			t.Fatalf("%q: got %v want %v", data, got, want)
		}
	}
}
