package pack

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"testing"
)

// twoObjectIndex is a valid index of two objects, the second at a large
// offset (1<<33).
func twoObjectIndex() []byte {
	var b bytes.Buffer
	b.Write(idxMagic)
	binary.Write(&b, binary.BigEndian, uint32(2))
	for i := range 256 {
		binary.Write(&b, binary.BigEndian, uint32(min(i/0x10, 2)))
	}
	b.Write(append([]byte{0x10}, make([]byte, 19)...))
	b.Write(append([]byte{0x20}, make([]byte, 19)...))
	b.Write(make([]byte, 8))
	binary.Write(&b, binary.BigEndian, uint32(12))
	binary.Write(&b, binary.BigEndian, uint32(0x80000000))
	binary.Write(&b, binary.BigEndian, uint64(1<<33))
	b.Write(make([]byte, 40))
	return b.Bytes()
}

func FuzzParseIndex(f *testing.F) {
	f.Add(twoObjectIndex())
	f.Fuzz(func(t *testing.T, data []byte) {
		x, err := ParseIndex(data)
		if err != nil {
			return
		}
		for i := range x.Len() {
			if pos, ok := x.Find(x.ID(i)); !ok || pos != i {
				t.Fatalf("object %d not found", i)
			}
		}
	})
}

func FuzzEntryHeader(f *testing.F) {
	f.Add([]byte{0x35, 0x78, 0x9c}, uint64(100))
	f.Add([]byte{0xe5, 0x01, 0x85, 0x01, 0x78}, uint64(1000))
	f.Add(append([]byte{0x75}, make([]byte, 21)...), uint64(12))
	f.Fuzz(func(t *testing.T, b []byte, off uint64) {
		e := Entry{Offset: off, End: off + uint64(len(b))}
		if off > 1<<50 {
			return
		}
		if err := parseEntryHeader(b, &e); err != nil {
			return
		}
		if e.Data <= e.Offset || e.Data >= e.End || e.Size > MaxObjectSize {
			t.Fatalf("entry %+v from %x", e, b)
		}
		if e.Type == OfsDelta && (e.BaseOffset >= e.Offset) {
			t.Fatalf("base %d not before %d", e.BaseOffset, e.Offset)
		}
	})
}

func FuzzDelta(f *testing.F) {
	base := []byte("hello, world\nsecond line\n")
	// base 25, result 30: copy 13 from 0, insert 5, copy 12 from 13.
	f.Add(base, []byte{25, 30, 0x90, 13, 5, 'a', 'b', 'c', 'd', '\n', 0x91, 13, 12})
	f.Add(base, []byte{25, 0})
	f.Fuzz(func(t *testing.T, base, delta []byte) {
		ops, size, err := Ops(delta, uint64(len(base)), nil)
		if err != nil {
			return
		}
		if size > uint64(len(delta))*0x1000000 {
			t.Fatalf("%d bytes from a %d byte delta", size, len(delta))
		}
		out := Apply(base, delta, ops, size, nil)
		if uint64(len(out)) != size {
			t.Fatalf("applied to %d bytes, want %d", len(out), size)
		}
		for _, op := range ops {
			src := base
			if op.Insert {
				src = delta
			}
			if !bytes.Equal(out[op.Target:op.Target+op.Len], src[op.From:op.From+op.Len]) {
				t.Fatalf("op %+v not applied", op)
			}
		}
	})
}

func FuzzInflate(f *testing.F) {
	var b bytes.Buffer
	w := zlib.NewWriter(&b)
	w.Write([]byte("blob 11\x00hello world"))
	w.Close()
	f.Add(b.Bytes(), uint64(19))
	f.Fuzz(func(t *testing.T, src []byte, size uint64) {
		var z Inflater
		out, err := z.Inflate(src, size, nil)
		if err == nil && uint64(len(out)) != size {
			t.Fatalf("%d bytes, want %d", len(out), size)
		}
		var head [64]byte
		if n, err := z.InflateHead(src, head[:]); err == nil {
			parseLooseHeader(head[:n])
		}
	})
}

func FuzzParseRev(f *testing.F) {
	var b bytes.Buffer
	b.Write(revMagic)
	binary.Write(&b, binary.BigEndian, uint32(1))
	binary.Write(&b, binary.BigEndian, uint32(1))
	binary.Write(&b, binary.BigEndian, uint32(1))
	binary.Write(&b, binary.BigEndian, uint32(0))
	b.Write(make([]byte, 40))
	f.Add(b.Bytes(), 2)
	f.Fuzz(func(t *testing.T, data []byte, n int) {
		if n < 0 || n > 1<<20 {
			return
		}
		order, err := ParseRev(data, n)
		if err != nil {
			return
		}
		for _, v := range order {
			if int(v) >= n {
				t.Fatalf("entry %d of %d", v, n)
			}
		}
	})
}

func TestLargeOffset(t *testing.T) {
	data := twoObjectIndex()
	x, err := ParseIndex(data)
	if err != nil {
		t.Fatal(err)
	}
	if x.Offset(0) != 12 || x.Offset(1) != 1<<33 {
		t.Fatalf("offsets %d, %d", x.Offset(0), x.Offset(1))
	}
	// A large offset past the table is refused.
	bad := bytes.Clone(data)
	binary.BigEndian.PutUint32(bad[8+1024+40+8+4:], 0x80000001)
	if _, err := ParseIndex(bad); err == nil {
		t.Fatal("a large offset out of the table was accepted")
	}
}
