package passphrase

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func buildTestIndex(t testing.TB, entries []hashEntry) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "pwned.idx")
	if _, err := BuildIndexFile(context.Background(), path, bytes.NewReader(hashFile(entries, "\r\n")), BuildOptions{}); err != nil {
		t.Fatal(err)
	}
	return path
}

func openTestIndex(t testing.TB, path string) *Index {
	t.Helper()
	ix, err := OpenIndex(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}

func TestIndexLookup(t *testing.T) {
	entries := genEntries(5000, 2)
	ix := openTestIndex(t, buildTestIndex(t, entries))
	ctx := context.Background()
	if ix.Len() != int64(len(entries)) {
		t.Fatalf("Len = %d, want %d", ix.Len(), len(entries))
	}
	for _, e := range entries {
		n, err := ix.Count(ctx, e.d)
		if err != nil || n != e.count {
			t.Fatalf("%s: %d, %v; want %d", e.d, n, err, e.count)
		}
	}
	for w, want := range breachedWords() {
		if n, _ := ix.Count(ctx, Sum(w)); n != want {
			t.Errorf("%q: %d, want %d", w, n, want)
		}
	}
	for i := range 1000 {
		if n, err := ix.Count(ctx, Sum(fmt.Sprint("absent ", i))); err != nil || n != 0 {
			t.Fatalf("absent %d: %d, %v", i, n, err)
		}
	}
	if err := ix.Verify(ctx); err != nil {
		t.Errorf("Verify: %v", err)
	}
	// The offline index and the policy work together.
	r, err := Policy{Breaches: ix}.Check(ctx, "correct horse battery staple")
	if err != nil || r.Breach.Status != BreachFound || r.Breach.Count != 42 {
		t.Errorf("Check: %+v %v", r.Breach, err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := ix.Count(cancelled, Sum("x")); !errors.Is(err, ErrCouldNotCheck) {
		t.Errorf("cancelled lookup: %v", err)
	}
}

// A bucket too large to read at once is searched record by record.
func TestIndexLargeBucket(t *testing.T) {
	var entries []hashEntry
	n := maxBucketRead/recordSize + 100
	for i := range n {
		var d Digest
		d[0], d[1], d[2] = 0xAB, 0xCD, 0xE0
		binary.BigEndian.PutUint64(d[3:], uint64(i)*7919)
		entries = append(entries, hashEntry{d, int64(i + 1)})
	}
	ix := openTestIndex(t, buildTestIndex(t, entries))
	for _, i := range []int{0, 1, n / 2, n - 1} {
		if got, err := ix.Count(context.Background(), entries[i].d); err != nil || got != entries[i].count {
			t.Errorf("record %d: %d, %v", i, got, err)
		}
	}
	miss := entries[5].d
	miss[9]++ // byte 19 is beyond the stored key
	if got, _ := ix.Count(context.Background(), miss); got != 0 {
		t.Errorf("miss: %d", got)
	}
}

func TestBuildIndexInput(t *testing.T) {
	h := func(c byte) string { return strings.Repeat(string(c), 40) }
	tests := []struct {
		name  string
		input string
		want  string // error text; "" for success
	}{
		{"lf", h('1') + ":3\n" + h('2') + ":4\n", ""},
		{"crlf", h('1') + ":3\r\n" + h('2') + ":4\r\n", ""},
		{"no final newline", h('1') + ":3\n" + h('2') + ":4", ""},
		{"lower-case hex", strings.ToLower(h('A')) + ":3\n", ""},
		{"unsorted", h('1') + ":3\n" + h('3') + ":1\n" + h('2') + ":4\n", "line 3: not sorted"},
		{"duplicate", h('1') + ":3\n" + h('1') + ":3\n", "line 2: the same hash as line 1"},
		{"truncated hash", h('1') + ":3\n" + h('2')[:17], "line 2: truncated"},
		{"truncated after colon", h('1') + ":3\n" + h('2') + ":", "line 2: truncated"},
		{"bad hex", h('1') + ":3\n" + h('G') + ":4\n", "line 2: not a HASH:COUNT line"},
		{"no count", h('1') + "\n", "line 1: not a HASH:COUNT line"},
		{"negative count", h('1') + ":-3\n", "line 1: not a HASH:COUNT line"},
		{"blank line", h('1') + ":3\n\n" + h('2') + ":4\n", "line 2: not a HASH:COUNT line"},
		{"long line", strings.Repeat("A", 5000) + "\n", "line 1: longer than"},
		{"empty", "", "no hashes"},
		{"SHA-256 file", strings.Repeat("a", 64) + ":1\n", "line 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var m memFile
			_, err := BuildIndex(context.Background(), &m, strings.NewReader(tt.input), BuildOptions{})
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			// A failed build never leaves something that opens as an index.
			if _, herr := decodeHeader(m.buf); !errors.Is(herr, ErrNotIndex) {
				t.Errorf("failed build left a header: %v", herr)
			}
		})
	}
}

func TestBuildIndexStats(t *testing.T) {
	input := strings.Repeat("1", 40) + ":99999999999\n" + strings.Repeat("2", 40) + ":5\n"
	var m memFile
	var calls int
	st, err := BuildIndex(context.Background(), &m, strings.NewReader(input), BuildOptions{Progress: func(BuildStats) { calls++ }})
	if err != nil {
		t.Fatal(err)
	}
	if st.Lines != 2 || st.Bytes != int64(len(input)) || st.Saturated != 1 || calls == 0 {
		t.Errorf("stats %+v, %d progress calls", st, calls)
	}
	path := filepath.Join(t.TempDir(), "x.idx")
	if err := os.WriteFile(path, m.buf, 0o644); err != nil {
		t.Fatal(err)
	}
	var d Digest
	for i := range d {
		d[i] = 0x11
	}
	if n, _ := openTestIndex(t, path).Count(context.Background(), d); n != math.MaxUint32 {
		t.Errorf("saturated count = %d", n)
	}
}

func TestBuildIndexFileLeavesNothingOnError(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.idx")
	_, err := BuildIndexFile(context.Background(), path, strings.NewReader("garbage\n"), BuildOptions{})
	if err == nil {
		t.Fatal("no error")
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("left behind: %v", left)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := BuildIndexFile(ctx, path, bytes.NewReader(hashFile(genEntries(10, 3), "\n")), BuildOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled build: %v", err)
	}
}

// rewrite patches an index file and, when fixCRC, recomputes its header
// checksum, as another version of vigil would have written it.
func rewrite(t *testing.T, src string, patch func([]byte), fixCRC bool) string {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	patch(b)
	if fixCRC {
		binary.BigEndian.PutUint32(b[60:], crc32.Checksum(b[:60], castagnoli()))
	}
	out := filepath.Join(t.TempDir(), "patched.idx")
	if err := os.WriteFile(out, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestOpenIndexDetects(t *testing.T) {
	good := buildTestIndex(t, genEntries(3000, 4))
	size := func() int64 { fi, _ := os.Stat(good); return fi.Size() }()
	tests := []struct {
		name   string
		path   string
		is     error
		want   string
		verify bool // detected only by Verify
	}{
		{"other version", rewrite(t, good, func(b []byte) { binary.BigEndian.PutUint32(b[8:], 2) }, true), ErrIndexVersion, "version 2, this vigil reads version 1", false},
		{"header byte flipped", rewrite(t, good, func(b []byte) { b[20] ^= 1 }, false), ErrIndexCorrupt, "header checksum", false},
		{"record count changed", rewrite(t, good, func(b []byte) { b[23]++ }, true), ErrIndexCorrupt, "records need", false},
		{"fan-out byte flipped", rewrite(t, good, func(b []byte) { b[len(b)-9] ^= 1 }, false), ErrIndexCorrupt, "fan-out table checksum", false},
		{"record byte flipped", rewrite(t, good, func(b []byte) { b[headerSize+100] ^= 1 }, false), ErrIndexCorrupt, "record checksum", true},
		{"hash file", writeTemp(t, hashFile(genEntries(10, 5), "\n")), ErrNotIndex, "VGLPWIDX", false},
		{"empty file", writeTemp(t, nil), ErrNotIndex, "", false},
	}
	// Truncated: drop the last kilobyte.
	trunc := rewrite(t, good, func([]byte) {}, false)
	if err := os.Truncate(trunc, size-1024); err != nil {
		t.Fatal(err)
	}
	tests = append(tests, struct {
		name   string
		path   string
		is     error
		want   string
		verify bool
	}{"truncated", trunc, ErrIndexCorrupt, "truncated or padded", false})

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ix, err := OpenIndex(tt.path)
			if tt.verify {
				if err != nil {
					t.Fatalf("Open: %v", err)
				}
				defer ix.Close()
				err = ix.Verify(context.Background())
			}
			if !errors.Is(err, tt.is) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %v containing %q", err, tt.is, tt.want)
			}
		})
	}
	if _, err := OpenIndex(filepath.Join(t.TempDir(), "missing")); err == nil || !strings.Contains(err.Error(), "open passphrase index") {
		t.Errorf("missing file: %v", err)
	}
}

func writeTemp(t *testing.T, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func FuzzParseHashLine(f *testing.F) {
	f.Add([]byte(strings.Repeat("A", 40) + ":12"))
	f.Add([]byte(strings.Repeat("a", 40) + ":"))
	f.Add([]byte(":"))
	f.Fuzz(func(t *testing.T, line []byte) {
		d, n, ok := parseHashLine(line)
		if !ok {
			return
		}
		want := d.Hex() + ":"
		if !strings.EqualFold(string(line[:41]), want) || fmt.Sprint(n) != strings.TrimLeft(string(line[41:]), "0") && n != 0 {
			t.Fatalf("parseHashLine(%q) = %s %d", line, d.Hex(), n)
		}
	})
}

func FuzzBuildIndex(f *testing.F) {
	f.Add(hashFile(genEntries(3, 6), "\n"))
	f.Add([]byte(strings.Repeat("1", 40) + ":3\r\n" + strings.Repeat("0", 40) + ":1"))
	f.Fuzz(func(t *testing.T, input []byte) {
		var m memFile
		if _, err := BuildIndex(context.Background(), &m, bytes.NewReader(input), BuildOptions{}); err != nil {
			return
		}
		if _, err := decodeHeader(m.buf); err != nil {
			t.Fatalf("built index has a bad header: %v", err)
		}
		if want, _ := (indexHeader{records: binary.BigEndian.Uint64(m.buf[16:])}).fileSize(); int64(len(m.buf)) != want {
			t.Fatalf("size %d, want %d", len(m.buf), want)
		}
	})
}
