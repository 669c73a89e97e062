package passphrase

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"sort"
	"sync/atomic"
)

// Test data is generated: random SHA-1s plus the hashes of a few
// passphrases the tests look up, with counts.

type hashEntry struct {
	d     Digest
	count int64
}

// breachedWords are passphrases the generated corpora contain.
func breachedWords() map[string]int64 {
	return map[string]int64{
		"password123":                  123456,
		"correct horse battery staple": 42,
		"Tr0ub4dor&3 is not enough":    7,
	}
}

func genEntries(n int, seed uint64) []hashEntry {
	rng := rand.New(rand.NewPCG(seed, 1))
	seen := map[Digest]bool{}
	var out []hashEntry
	for w, c := range breachedWords() {
		out = append(out, hashEntry{Sum(w), c})
		seen[Sum(w)] = true
	}
	for len(out) < n+len(breachedWords()) {
		var d Digest
		for i := range d {
			d[i] = byte(rng.Uint32())
		}
		if !seen[d] {
			seen[d] = true
			out = append(out, hashEntry{d, int64(rng.IntN(1000) + 1)})
		}
	}
	sort.Slice(out, func(i, j int) bool { return bytes.Compare(out[i].d[:], out[j].d[:]) < 0 })
	return out
}

func hashFile(entries []hashEntry, eol string) []byte {
	var b bytes.Buffer
	for _, e := range entries {
		fmt.Fprintf(&b, "%s:%d%s", e.d.Hex(), e.count, eol)
	}
	return b.Bytes()
}

// memFile is an in-memory io.WriteSeeker.
type memFile struct {
	buf []byte
	off int64
}

func (m *memFile) Write(p []byte) (int, error) {
	if end := m.off + int64(len(p)); end > int64(len(m.buf)) {
		m.buf = append(m.buf, make([]byte, end-int64(len(m.buf)))...)
	}
	n := copy(m.buf[m.off:], p)
	m.off += int64(n)
	return n, nil
}

func (m *memFile) Seek(off int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
		m.off = off
	case io.SeekCurrent:
		m.off += off
	case io.SeekEnd:
		m.off = int64(len(m.buf)) + off
	}
	return m.off, nil
}

// fakeBreaches answers from a map and counts calls.
type fakeBreaches struct {
	counts map[Digest]int64
	err    error
	calls  atomic.Int64
}

func (f *fakeBreaches) Count(ctx context.Context, d Digest) (int64, error) {
	f.calls.Add(1)
	if f.err != nil {
		return 0, f.err
	}
	return f.counts[d], nil
}

func breachedFake() *fakeBreaches {
	m := map[Digest]int64{}
	for w, c := range breachedWords() {
		m[Sum(w)] = c
	}
	return &fakeBreaches{counts: m}
}
