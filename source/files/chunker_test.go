package files

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/vigilsec/vigil"
)

// chunksOf cuts text with a given chunk size and returns the chunks.
func chunksOf(t *testing.T, text string, size int) []vigil.Chunk {
	t.Helper()
	var out []vigil.Chunk
	err := streamChunks(strings.NewReader(text), -1, vigil.Origin{Path: "x"}, size, func(c vigil.Chunk) bool {
		out = append(out, c)
		return true
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestChunkLines checks that every "MARK" is seen, exactly once outside
// overlaps, at its true line, whatever the chunk size.
func TestChunkLines(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var b strings.Builder
	want := map[int]int{} // offset → line
	line := 1
	for i := range 3000 {
		if r.IntN(7) == 0 {
			want[b.Len()] = line
			b.WriteString("MARK")
		}
		b.WriteString(strings.Repeat("x", r.IntN(200)))
		if i%13 == 0 {
			b.WriteString(strings.Repeat("y", 40000)) // long line
		}
		b.WriteByte('\n')
		line++
	}
	text := b.String()
	for _, size := range []int{64 << 10, 100 << 10, 1 << 20, 8 << 20} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			var got []int
			for _, c := range chunksOf(t, text, size) {
				data := c.Data
				for off := 0; ; {
					i := bytes.Index(data[off:], []byte("MARK"))
					if i < 0 {
						break
					}
					pos := off + i
					off = pos + 1
					if c.Continued && pos < c.Overlap/2 || c.Handoff > 0 && pos >= c.Handoff {
						continue
					}
					got = append(got, c.Origin.Line+bytes.Count(data[:pos], []byte{'\n'}))
				}
			}
			var wantLines []int
			for off := 0; ; {
				i := strings.Index(text[off:], "MARK")
				if i < 0 {
					break
				}
				wantLines = append(wantLines, want[off+i])
				off += i + 1
			}
			if fmt.Sprint(got) != fmt.Sprint(wantLines) {
				t.Fatalf("lines differ: got %d marks, want %d", len(got), len(wantLines))
			}
		})
	}
}

func TestChunkEmptyAndExact(t *testing.T) {
	if cs := chunksOf(t, "", 1024); len(cs) != 1 || len(cs[0].Data) != 0 {
		t.Fatalf("empty input: %d chunks", len(cs))
	}
	cs := chunksOf(t, strings.Repeat("a\n", 512), 1024)
	total := 0
	for _, c := range cs {
		total += len(c.Data) - c.Overlap
	}
	if total != 1024 {
		t.Fatalf("covered %d bytes, want 1024", total)
	}
}

func TestIsBinary(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"plain text\n", false},
		{"caf\xe9 latin-1 text with one odd byte\n", false},
		{"\x00\x01\x02ELF", true},
		{strings.Repeat("\x01\x02\x03abc", 10), true},
		{"", false},
	} {
		if got := isBinary([]byte(tc.in)); got != tc.want {
			t.Errorf("isBinary(%q) = %v", tc.in, got)
		}
	}
}

func FuzzChunker(f *testing.F) {
	f.Add("a\nb\nc", 70000)
	f.Fuzz(func(t *testing.T, text string, size int) {
		size = 16<<10 + abs(size)%(64<<10)
		var covered strings.Builder
		err := streamChunks(strings.NewReader(text), -1, vigil.Origin{}, size, func(c vigil.Chunk) bool {
			if c.Skip != nil {
				return true
			}
			covered.Write(c.Data[c.Overlap:])
			return true
		})
		if err != nil {
			t.Fatal(err)
		}
		if !isBinary([]byte(text[:min(len(text), sniffSize)])) && !marks([]byte(text)) && covered.String() != text {
			t.Fatalf("chunks do not cover the input")
		}
	})
}

// marks reports whether text starts with a byte order mark.
func marks(text []byte) bool {
	_, ok := byteOrderMark(text)
	return ok
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// controlBytesSlow is the plain definition controlBytes must agree with.
func controlBytesSlow(b []byte) int {
	n := 0
	for _, c := range b {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v' && c != '\b' && c != 0x1b {
			n++
		}
	}
	return n
}

func FuzzControlBytes(f *testing.F) {
	f.Add([]byte("plain text\twith\ttabs\r\n"))
	f.Add([]byte{0x1f, 0x20, 0x80, 0x9f, 0xff, 0x00, 0x1b, 0x07, 0x19, 0x21})
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := controlBytes(b), controlBytesSlow(b); got != want {
			t.Fatalf("controlBytes(%q) = %d, want %d", b, got, want)
		}
	})
}

func BenchmarkControlBytes(b *testing.B) {
	text := []byte(strings.Repeat("\tif err := f(x); err != nil {\n\t\treturn err\n\t}\n", 200))
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		controlBytes(text)
	}
}
