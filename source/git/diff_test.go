package git

import (
	"fmt"
	"hash/maphash"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// lcs is the length of a longest common subsequence, by dynamic
// programming: the reference the diff is checked against.
func lcs(a, b []uint64) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for i := range a {
		for j := range b {
			if a[i] == b[j] {
				cur[j+1] = prev[j] + 1
			} else {
				cur[j+1] = max(cur[j], prev[j+1])
			}
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// checkDiff verifies that the edits myers returns turn a into b with the
// fewest edits: b's lines outside insertions, in order, are a's lines
// outside deletions.
func checkDiff(t *testing.T, a, b []uint64) {
	t.Helper()
	edits, ok := myers(a, b, nil)
	if !ok {
		if len(a)+len(b) <= maxEdits {
			t.Fatalf("myers gave up on %d+%d lines", len(a), len(b))
		}
		return
	}
	inserted := map[int]bool{}
	deletions := 0
	for _, e := range edits {
		if e.to > e.from {
			inserted[e.from] = true
		} else {
			deletions++
		}
	}
	var kept []uint64
	for j, h := range b {
		if !inserted[j] {
			kept = append(kept, h)
		}
	}
	if want := lcs(a, b); len(kept) != want || len(a)-deletions != want {
		t.Fatalf("a=%v b=%v: kept %d lines, %d deletions; LCS is %d (edits %v)", a, b, len(kept), deletions, want, edits)
	}
	// The kept lines must be a subsequence of a.
	i := 0
	for _, h := range kept {
		for i < len(a) && a[i] != h {
			i++
		}
		if i == len(a) {
			t.Fatalf("a=%v b=%v: kept lines are not a subsequence of a", a, b)
		}
		i++
	}
}

func TestMyers(t *testing.T) {
	for _, tc := range [][2][]uint64{
		{nil, nil},
		{nil, {1, 2}},
		{{1, 2}, nil},
		{{1, 2, 3}, {1, 2, 3}},
		{{1, 2, 3}, {1, 9, 3}},
		{{1, 2, 3, 4, 5}, {0, 1, 3, 4, 6, 5}},
		{{1, 1, 1}, {1, 1}},
		{{3, 1, 2}, {1, 2, 3}},
	} {
		checkDiff(t, tc[0], tc[1])
	}
	r := rand.New(rand.NewPCG(7, 7))
	for range 2000 {
		a := randLines(r, r.IntN(30))
		b := mutate(r, a)
		checkDiff(t, a, b)
	}
}

func randLines(r *rand.Rand, n int) []uint64 {
	out := make([]uint64, n)
	for i := range out {
		out[i] = uint64(r.IntN(6))
	}
	return out
}

func mutate(r *rand.Rand, a []uint64) []uint64 {
	b := slices.Clone(a)
	for range r.IntN(5) {
		at := r.IntN(len(b) + 1)
		switch r.IntN(3) {
		case 0:
			b = slices.Insert(b, at, uint64(r.IntN(9)))
		case 1:
			if at < len(b) {
				b = slices.Delete(b, at, at+1)
			}
		default:
			if at < len(b) {
				b[at] = uint64(r.IntN(9))
			}
		}
	}
	return b
}

func FuzzMyers(f *testing.F) {
	f.Add([]byte{1, 2, 3}, []byte{1, 3, 4})
	f.Add([]byte{}, []byte{5, 5, 5})
	f.Fuzz(func(t *testing.T, x, y []byte) {
		if len(x) > 200 || len(y) > 200 {
			return
		}
		conv := func(b []byte) []uint64 {
			out := make([]uint64, len(b))
			for i, c := range b {
				out[i] = uint64(c % 8)
			}
			return out
		}
		checkDiff(t, conv(x), conv(y))
	})
}

func TestChangedLines(t *testing.T) {
	seed := maphash.MakeSeed()
	var old []string
	for i := range 100 {
		old = append(old, fmt.Sprintf("line %d", i))
	}
	cur := slices.Clone(old)
	cur[10] = "changed"
	cur = slices.Insert(cur, 60, "new a", "new b")
	cur = slices.Delete(cur, 90, 92)
	a := splitLines(seed, []byte(strings.Join(old, "\n")+"\n"), nil).hashes
	b := splitLines(seed, []byte(strings.Join(cur, "\n")+"\n"), nil).hashes
	want := []span{{10, 11}, {60, 62}, {90, 90}}
	if got := changedLines(a, b, nil); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("changed lines %v, want %v", got, want)
	}
}

// changedBytes compares two versions of a blob as the reader does: the
// new one's lines against the old one's line hashes.
func changedBytes(seed maphash.Seed, base, data []byte, context int) [][2]int {
	return changedRanges(splitLines(seed, base, nil).hashes, splitLines(seed, data, nil), data, context, nil)
}

// lineOf returns the 0-based line holding byte offset at.
func lineOf(data []byte, at int) int { return strings.Count(string(data[:at]), "\n") }

func TestChangedBytes(t *testing.T) {
	seed := maphash.MakeSeed()
	text := func(ls []string) []byte { return []byte(strings.Join(ls, "")) }
	var old []string
	for i := range 200 {
		old = append(old, fmt.Sprintf("line %d\n", i))
	}
	if got := changedBytes(seed, text(old), text(old), 3); len(got) != 0 {
		t.Fatalf("identical versions: %v", got)
	}
	cur := slices.Clone(old)
	cur[50] = "SECRET\n"
	cur = slices.Delete(cur, 120, 125)
	got := changedBytes(seed, text(old), text(cur), 3)
	data := text(cur)
	if len(got) != 2 {
		t.Fatalf("ranges %v, want 2", got)
	}
	if a, b := lineOf(data, got[0][0]), lineOf(data, got[0][1]); a != 47 || b != 54 {
		t.Fatalf("first range covers lines %d..%d, want 47..54", a, b)
	}
	if a, b := lineOf(data, got[1][0]), lineOf(data, got[1][1]); a != 117 || b != 123 {
		t.Fatalf("deletion range covers lines %d..%d, want 117..123", a, b)
	}
	// Appending to a file without a final newline changes its last line.
	if got := changedBytes(seed, []byte("a\nb"), []byte("a\nbSECRET\n"), 0); len(got) != 1 || string([]byte("a\nbSECRET\n")[got[0][0]:got[0][1]]) != "bSECRET\n" {
		t.Fatalf("append to the last line: %v", got)
	}
}

// TestChangedBytesCover checks, on random edits, that every inserted line
// is inside a range with its context lines, and that ranges are whole
// lines in order.
func TestChangedBytesCover(t *testing.T) {
	seed := maphash.MakeSeed()
	r := rand.New(rand.NewPCG(3, 4))
	for range 3000 {
		var base []string
		for range r.IntN(40) {
			base = append(base, fmt.Sprintf("l%d\n", r.IntN(5)))
		}
		cur := slices.Clone(base)
		marks := 1 + r.IntN(3)
		for k := range marks {
			cur = slices.Insert(cur, r.IntN(len(cur)+1), fmt.Sprintf("MARK%d\n", k))
		}
		if r.IntN(3) == 0 && len(cur) > 0 {
			last := len(cur) - 1
			cur[last] = strings.TrimSuffix(cur[last], "\n")
		}
		a, b := []byte(strings.Join(base, "")), []byte(strings.Join(cur, ""))
		const ctx = 2
		got := changedBytes(seed, a, b, ctx)
		for i, g := range got {
			if g[0] >= g[1] || (g[0] > 0 && b[g[0]-1] != '\n') || (g[1] < len(b) && b[g[1]-1] != '\n') {
				t.Fatalf("range %v of %q is not whole lines", g, b)
			}
			if i > 0 && got[i-1][1] >= g[0] {
				t.Fatalf("ranges %v overlap or touch", got)
			}
		}
		lines := strings.SplitAfter(string(b), "\n")
		off := 0
		for li, l := range lines {
			if strings.HasPrefix(l, "MARK") {
				lo := off
				for k := 0; k < ctx && li-k > 0; k++ {
					lo -= len(lines[li-k-1])
				}
				hi := off + len(l)
				for k := 1; k <= ctx && li+k < len(lines); k++ {
					hi += len(lines[li+k])
				}
				covered := false
				for _, g := range got {
					covered = covered || g[0] <= lo && hi <= g[1]
				}
				if !covered {
					t.Fatalf("line %d (%q) and its context not covered by %v in %q (base %q)", li, l, got, b, a)
				}
			}
			off += len(l)
		}
	}
}

func TestSplitLines(t *testing.T) {
	seed := maphash.MakeSeed()
	for _, tc := range []struct {
		in     string
		starts []int
	}{
		{"", nil},
		{"a", []int{0}},
		{"a\n", []int{0}},
		{"a\nbc\n\nd", []int{0, 2, 5, 6}},
	} {
		l := splitLines(seed, []byte(tc.in), nil)
		if fmt.Sprint(l.starts) != fmt.Sprint(tc.starts) || len(l.hashes) != len(l.starts) {
			t.Errorf("%q: starts %v, want %v", tc.in, l.starts, tc.starts)
		}
	}
}

func FuzzChangedBytes(f *testing.F) {
	f.Add("a\nb\nc\n", "a\nB\nc\n", 1)
	f.Add("", "x", 0)
	f.Fuzz(func(t *testing.T, base, data string, ctx int) {
		ctx = abs(ctx) % 20
		seed := maphash.MakeSeed()
		got := changedBytes(seed, []byte(base), []byte(data), ctx)
		for i, g := range got {
			if g[0] < 0 || g[1] > len(data) || g[0] >= g[1] || i > 0 && got[i-1][1] >= g[0] {
				t.Fatalf("bad ranges %v for %d bytes", got, len(data))
			}
		}
		if base != data && len(data) > 0 && ctx > 0 && len(got) == 0 && strings.TrimSuffix(base, "\n") != strings.TrimSuffix(data, "\n") {
			// Only lines equal as a sequence may produce nothing.
			a := splitLines(seed, []byte(base), nil).hashes
			b := splitLines(seed, []byte(data), nil).hashes
			if !slices.Equal(a, b) {
				t.Fatalf("%q → %q: no ranges", base, data)
			}
		}
	})
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
