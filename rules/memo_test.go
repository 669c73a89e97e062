package rules

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// FuzzLiteralCursor checks the cursor against a plain search of each
// window: windows asked in increasing order of start, of any length,
// overlapping or not, find a literal exactly when the window holds it.
func FuzzLiteralCursor(f *testing.F) {
	f.Add([]byte("xx PassWord=1 password token"), []byte("password"), uint64(1))
	f.Add([]byte("aaaaaaaaaaaaaaaa"), []byte("aa"), uint64(7))
	f.Fuzz(func(t *testing.T, data, lit []byte, seed uint64) {
		if len(lit) == 0 || len(data) > 1<<12 {
			return
		}
		lit = bytes.ToLower(lit)
		r := rand.New(rand.NewPCG(seed, seed))
		lc := literalCursor{from: len(data) + 1, at: -1}
		for a := 0; a <= len(data); a += r.IntN(4) {
			b := a + r.IntN(len(data)-a+2)
			at := lc.next(data, lit, a, b)
			got := at >= 0 && at+len(lit) <= b
			want := plainIndexFold(data[a:min(b, len(data))], lit) >= 0
			if got != want {
				t.Fatalf("window [%d,%d) of %q for %q: cursor says %v (at %d), search says %v", a, b, data, lit, got, at, want)
			}
			if r.IntN(3) == 0 {
				a++
			}
		}
	})
}

// FuzzIndexFold checks indexFold against a plain search of the text folded
// to lower case (ASCII letters only, as the matcher folds).
func FuzzIndexFold(f *testing.F) {
	f.Add([]byte("xx PassWord=1 password token"), []byte("password"))
	f.Add([]byte("curl -U user:pw"), []byte(" -u"))
	f.Add([]byte("aAaAaAb"), []byte("aab"))
	f.Add([]byte("\xc3\x89t\xc3\xa9"), []byte("\xc3\xa9"))
	f.Fuzz(func(t *testing.T, text, lit []byte) {
		lit = bytes.ToLower(lit)
		for i, c := range lit {
			lit[i] = foldByte(c) // ToLower may leave non-ASCII as is; keep it so
		}
		if got, want := indexFold(text, lit), plainIndexFold(text, lit); got != want {
			t.Fatalf("indexFold(%q, %q) = %d, want %d", text, lit, got, want)
		}
	})
}

// plainIndexFold is the reference: fold every byte, then bytes.Index.
func plainIndexFold(text, lit []byte) int {
	folded := make([]byte, len(text))
	for i, c := range text {
		folded[i] = foldByte(c)
	}
	return bytes.Index(folded, lit)
}
