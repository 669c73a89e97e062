package pack

import (
	"bytes"
	"crypto/sha1"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vigilsec/vigil/internal/gittest"
)

// TestThinPackLeftover reads a pack whose REF deltas have their bases in
// another pack: a thin pack (as 'git fetch' receives) stored as it came,
// without the bases 'index-pack --fix-thin' would append. git itself
// fails to read those deltas (it looks for the base in the same pack);
// Reader reads every object as git read it before.
func TestThinPackLeftover(t *testing.T) {
	r := gittest.New(t)
	var log strings.Builder
	for i := range 30 {
		fmt.Fprintf(&log, "release %d: fixed issue %d\n", i, i*7)
		r.Commit(fmt.Sprint("c", i), "", map[string]string{"CHANGES": log.String(), "src/main.c": strings.Repeat(fmt.Sprintf("int v%d;\n", i), 40)})
		if i == 19 {
			r.Git("repack", "-a", "-d", "-q")
		}
	}
	want := catAll(t, r.Dir)
	packed := r.Git("rev-parse", "HEAD~10")
	thin := gitOutput(t, r.Dir, "HEAD\n^"+packed+"\n", "pack-objects", "--thin", "--stdout", "--revs", "-q")
	// git indexes the pack with the bases appended; the objects of the
	// thin pack keep their offsets, so its index is that index without
	// the appended objects.
	fixed := filepath.Join(t.TempDir(), "fixed.pack")
	gitOutput(t, r.Dir, string(thin), "index-pack", "--stdin", "--fix-thin", fixed)
	idxData, err := os.ReadFile(strings.TrimSuffix(fixed, ".pack") + ".idx")
	if err != nil {
		t.Fatal(err)
	}
	x, err := ParseIndex(idxData)
	if err != nil {
		t.Fatal(err)
	}
	sum := thin[len(thin)-HashLen:]
	name := filepath.Join(r.Dir, ".git", "objects", "pack", fmt.Sprintf("pack-%x", sum))
	if err := os.WriteFile(name+".pack", thin, 0o444); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name+".idx", thinIndex(x, thin), 0o444); err != nil {
		t.Fatal(err)
	}
	r.Git("prune-packed")

	s, err := OpenStore(filepath.Join(r.Dir, ".git", "objects"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	outside := 0
	for _, p := range s.Packs {
		if !strings.HasPrefix(p.Path, name) {
			continue
		}
		for pos := range p.Index.Len() {
			e, err := p.Entry(pos)
			if err != nil {
				t.Fatal(err)
			}
			if _, in := p.Index.Find(e.BaseID); e.Type == RefDelta && !in {
				outside++
			}
		}
	}
	if outside == 0 {
		t.Fatal("no REF delta with its base outside the thin pack")
	}
	rd := s.NewReader()
	for key, data := range want {
		hexID, typ, _ := strings.Cut(key, " ")
		id, _ := ParseOID(hexID)
		gt, _, got, err := rd.Read(id, MaxObjectSize)
		if err != nil || gt.String() != typ || !bytes.Equal(got, data) {
			t.Fatalf("%s: read a %s of %d bytes (%v), git %d", key, gt, len(got), err, len(data))
		}
	}
	t.Logf("%d REF deltas with their base in the other pack", outside)
}

// gitOutput runs git in dir with stdin and returns its output.
func gitOutput(t *testing.T, dir, stdin string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
	cmd.Env = gittest.Env()
	cmd.Stdin = strings.NewReader(stdin)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("git %s: %v: %s", args[0], err, stderr.Bytes())
	}
	return out
}

// thinIndex writes a version 2 index of the objects of x that lie in
// pack (before its trailer).
func thinIndex(x *Index, pack []byte) []byte {
	end := uint64(len(pack) - HashLen)
	var in []int
	for i := range x.Len() {
		if x.Offset(i) < end {
			in = append(in, i)
		}
	}
	offsets := make([]uint64, 0, len(in))
	for _, i := range in {
		offsets = append(offsets, x.Offset(i))
	}
	slices.Sort(offsets)
	next := func(off uint64) uint64 {
		k, _ := slices.BinarySearch(offsets, off)
		if k+1 < len(offsets) {
			return offsets[k+1]
		}
		return end
	}
	var b bytes.Buffer
	b.Write(idxMagic)
	binary.Write(&b, binary.BigEndian, uint32(2))
	var fanout [256]uint32
	for _, i := range in {
		id := x.ID(i)
		for c := int(id[0]); c < 256; c++ {
			fanout[c]++
		}
	}
	binary.Write(&b, binary.BigEndian, fanout)
	for _, i := range in { // x lists ids sorted
		id := x.ID(i)
		b.Write(id[:])
	}
	for _, i := range in {
		binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(pack[x.Offset(i):next(x.Offset(i))]))
	}
	for _, i := range in {
		binary.Write(&b, binary.BigEndian, uint32(x.Offset(i)))
	}
	b.Write(pack[end:])
	sum := sha1.Sum(b.Bytes())
	b.Write(sum[:])
	return b.Bytes()
}
