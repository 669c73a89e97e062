package git

import "testing"

func TestBufPool(t *testing.T) {
	var p bufPool
	for _, tc := range []struct {
		n       int
		wantCap int // 0: not lent
	}{
		{0, 4 << 10},
		{1, 4 << 10},
		{4 << 10, 4 << 10},
		{4<<10 + 1, 8 << 10},
		{512 << 10, 512 << 10},
		{512<<10 + 1, 1 << 20},
		{16 << 20, 16 << 20},
		{16<<20 + 1, 0},
	} {
		b := p.get(tc.n)
		if tc.wantCap == 0 {
			if b != nil {
				t.Errorf("get(%d) lent %d bytes, want nothing over the largest class", tc.n, cap(b))
			}
			continue
		}
		if len(b) != tc.n || cap(b) != tc.wantCap {
			t.Errorf("get(%d): len %d cap %d, want len %d cap %d", tc.n, len(b), cap(b), tc.n, tc.wantCap)
		}
		p.put(b)
	}
	// Buffers not lent by the pool are not kept: a later get never
	// returns one shorter than its class.
	p.put(make([]byte, 5000))
	p.put(make([]byte, 10, 100))
	if b := p.get(8 << 10); cap(b) != 8<<10 {
		t.Errorf("get(8 KiB) has cap %d", cap(b))
	}
	var none *bufPool
	if b := none.get(10); b != nil {
		t.Errorf("a nil pool lent %d bytes", len(b))
	}
	none.put(make([]byte, 4<<10)) // does nothing
}
