package git

import (
	"slices"
	"testing"

	"github.com/vigilsec/vigil"
)

// job is a parked-job stand-in: a blob of size bytes.
func job(oid string, size int) diffJob {
	return diffJob{chunk: vigil.Chunk{Data: make([]byte, size), Origin: vigil.Origin{Blob: oid}}}
}

func oids(js []diffJob) []string {
	var out []string
	for _, j := range js {
		out = append(out, j.chunk.Origin.Blob)
	}
	return out
}

func TestParking(t *testing.T) {
	type step struct {
		op        string // park (oid, base, size), release (base), rest
		oid, base string
		size      int
		want      []string // jobs returned, in order
		wantSize  int
	}
	for _, tc := range []struct {
		name  string
		max   int
		steps []step
	}{
		{"released by their base, in the order parked", 100, []step{
			{op: "park", oid: "b3", base: "b2", size: 10, wantSize: 10},
			{op: "park", oid: "c3", base: "b2", size: 10, wantSize: 20},
			{op: "park", oid: "b2", base: "b1", size: 10, wantSize: 30},
			{op: "release", base: "b2", want: []string{"b3", "c3"}, wantSize: 10},
			{op: "release", base: "b2", wantSize: 10},
			{op: "release", base: "b1", want: []string{"b2"}},
		}},
		{"oldest let go when over the bound", 25, []step{
			{op: "park", oid: "x", base: "bx", size: 10, wantSize: 10},
			{op: "park", oid: "y", base: "by", size: 10, wantSize: 20},
			{op: "park", oid: "z", base: "bz", size: 10, want: []string{"x"}, wantSize: 20},
			{op: "release", base: "bx", wantSize: 20},
			{op: "release", base: "bz", want: []string{"z"}, wantSize: 10},
			{op: "park", oid: "big", base: "bb", size: 40, want: []string{"y", "big"}},
			{op: "rest"},
		}},
		{"the rest, oldest first", 100, []step{
			{op: "park", oid: "p", base: "q", size: 1, wantSize: 1},
			{op: "park", oid: "r", base: "s", size: 1, wantSize: 2},
			{op: "park", oid: "t", base: "q", size: 1, wantSize: 3},
			{op: "rest", want: []string{"p", "r", "t"}},
			{op: "release", base: "q"},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newParking(tc.max)
			for i, s := range tc.steps {
				var got []diffJob
				switch s.op {
				case "park":
					got = p.park(job(s.oid, s.size), s.base)
				case "release":
					got = p.release(s.base)
				case "rest":
					got = p.rest()
				}
				if !slices.Equal(oids(got), s.want) || p.size != s.wantSize {
					t.Fatalf("step %d (%s %s): got %v, %d bytes parked; want %v, %d", i, s.op, s.oid+s.base, oids(got), p.size, s.want, s.wantSize)
				}
			}
		})
	}
}

// TestParkingOrderStaysSmall checks that released jobs do not pile up in
// the order kept to let the oldest go.
func TestParkingOrderStaysSmall(t *testing.T) {
	p := newParking(1 << 20)
	for i := range 10000 {
		oid := string(rune('a'+i%26)) + string(rune(i))
		p.park(job(oid, 1), "base"+oid)
		p.release("base" + oid)
	}
	if len(p.order) > 128 || p.n != 0 || p.size != 0 {
		t.Fatalf("after 10000 jobs parked and released: order %d, %d parked, %d bytes", len(p.order), p.n, p.size)
	}
}
