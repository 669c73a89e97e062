package git

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/vigilsec/vigil/source/git/pack"
)

func TestEditRegions(t *testing.T) {
	var b strings.Builder
	for i := range 100 {
		fmt.Fprintf(&b, "line %02d\n", i)
	}
	base := []byte(b.String()) // 100 lines of 8 bytes
	lineOff := func(n int) uint64 { return uint64(8 * n) }
	for _, tc := range []struct {
		name string
		// the result: base lines [0, cut) + insert + base lines [from, 100)
		cut, from int
		insert    string
		want      string // regions as line ranges
	}{
		{"nothing changed", 100, 100, "", ""},
		{"insert in the middle", 50, 50, "new line\n", "[38,63)"},
		{"lines dropped", 40, 45, "", "[28,52)"},
		{"insert at the start", 0, 0, "new\n", "[0,13)"},
		{"dropped at the end", 90, 100, "", "[78,90)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var ops []pack.Op
			var delta []byte
			at := uint64(0)
			if tc.cut > 0 {
				ops = append(ops, pack.Op{Target: 0, From: 0, Len: lineOff(tc.cut)})
				at = lineOff(tc.cut)
			}
			if tc.insert != "" {
				ops = append(ops, pack.Op{Insert: true, Target: at, From: 0, Len: uint64(len(tc.insert))})
				delta = []byte(tc.insert)
				at += uint64(len(tc.insert))
			}
			if tc.from < 100 {
				ops = append(ops, pack.Op{Target: at, From: lineOff(tc.from), Len: lineOff(100) - lineOff(tc.from)})
				at += lineOff(100) - lineOff(tc.from)
			}
			data := pack.Apply(base, delta, ops, at, nil)
			var got []string
			for _, r := range editRegions(data, ops, uint64(len(base)), DefaultContext) {
				got = append(got, fmt.Sprintf("[%d,%d)", bytes.Count(data[:r[0]], []byte{'\n'}), bytes.Count(data[:r[1]], []byte{'\n'})))
			}
			if g := strings.Join(got, " "); g != tc.want {
				t.Fatalf("regions (in lines) %s, want %s", g, tc.want)
			}
		})
	}
}

// FuzzEditRegions checks that the regions of any valid delta lie within the
// result, in order, apart, and cover every inserted byte.
func FuzzEditRegions(f *testing.F) {
	f.Add([]byte("a\nbb\nccc\ndddd\n"), []byte{14, 10, 0x90, 5, 3, 'x', '\n', 'y', 0x91, 9, 2})
	f.Fuzz(func(t *testing.T, base, delta []byte) {
		ops, size, err := pack.Ops(delta, uint64(len(base)), nil)
		if err != nil || size > 1<<20 {
			return
		}
		data := pack.Apply(base, delta, ops, size, nil)
		regions := editRegions(data, ops, uint64(len(base)), 2)
		last := -1
		for _, r := range regions {
			if r[0] < 0 || r[1] > len(data) || r[0] >= r[1] || r[0] <= last {
				t.Fatalf("bad regions %v in %d bytes", regions, len(data))
			}
			last = r[1]
		}
		for _, op := range ops {
			if !op.Insert {
				continue
			}
			for i := op.Target; i < op.Target+op.Len; i++ {
				in := false
				for _, r := range regions {
					in = in || r[0] <= int(i) && int(i) < r[1]
				}
				if !in {
					t.Fatalf("inserted byte %d not in %v", i, regions)
				}
			}
		}
	})
}

func TestCopied(t *testing.T) {
	// base "0123456789"; result: copy [0,4) + insert "ab" + copy [4,10),
	// then a second copy of [2,6).
	ops := []pack.Op{{Target: 0, From: 0, Len: 4}, {Insert: true, Target: 4, From: 0, Len: 2}, {Target: 6, From: 4, Len: 6}, {Target: 12, From: 2, Len: 4}}
	for _, tc := range []struct {
		from, n int
		want    string
	}{
		{0, 3, "[{0 3 0}]"},
		{2, 4, "[{12 4 0}]"}, // cut by the insert at 4, whole in the second copy
		{5, 3, "[{7 3 0}]"},
		{3, 2, "[{13 2 0}]"}, // cut by the insert, whole in the second copy
		{3, 4, "[]"},         // copied whole nowhere
	} {
		got, ok := copied(ops, valueSpans{{{from: tc.from, n: tc.n}}})
		s := "[]"
		if ok {
			s = fmt.Sprint(got[0])
		}
		if s != tc.want {
			t.Errorf("span at %d+%d: %s, want %s", tc.from, tc.n, s, tc.want)
		}
	}
}
