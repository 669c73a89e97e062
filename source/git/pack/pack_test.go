package pack

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/vigilsec/vigil/internal/gittest"
)

// versionedRepo builds a repository whose files change in every commit,
// packs it with deep delta chains (OFS deltas in one pack, REF deltas in
// another, both with reverse indexes), then adds loose objects.
func versionedRepo(t *testing.T) *gittest.Repo {
	r := gittest.New(t)
	var log strings.Builder
	for i := range 40 {
		fmt.Fprintf(&log, "release %d: fixed issue %d and %d\n", i, i*7, i*13)
		files := map[string]string{"CHANGES": log.String(), fmt.Sprintf("src/f%d.c", i%5): strings.Repeat(fmt.Sprintf("int v%d = %d;\n", i, i), 30+i)}
		r.Commit(fmt.Sprint("c", i), "", files)
		if i == 20 {
			r.Git("-c", "pack.writeReverseIndex=true", "repack", "-a", "-d", "-q", "-f", "--depth=50", "--window=50")
		}
	}
	// The later commits in a second pack of REF deltas (no OFS).
	objs := r.Git("rev-list", "--objects", "HEAD~10..HEAD")
	var ids strings.Builder
	for _, l := range strings.Split(objs, "\n") {
		ids.WriteString(strings.Fields(l)[0] + "\n")
	}
	cmd := exec.Command("git", "-C", r.Dir, "-c", "pack.writeReverseIndex=true", "pack-objects", "-q", "--no-reuse-delta", "--window=20", filepath.Join(r.Dir, ".git", "objects", "pack", "pack"))
	cmd.Env = gittest.Env()
	cmd.Stdin = strings.NewReader(ids.String())
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("pack-objects: %v: %s", err, out)
	}
	r.Commit("loose", "", map[string]string{"loose.txt": "only loose\n", "CHANGES": log.String() + "unreleased\n"})
	return r
}

// catAll reads every object of a repository with git cat-file --batch.
func catAll(t *testing.T, dir string) map[string][]byte {
	cmd := exec.Command("git", "-C", dir, "cat-file", "--batch-all-objects", "--batch")
	cmd.Env = gittest.Env()
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	objs := map[string][]byte{}
	br := bufio.NewReader(bytes.NewReader(out))
	for {
		line, err := br.ReadString('\n')
		if err == io.EOF {
			return objs
		}
		f := strings.Fields(line)
		size, _ := strconv.Atoi(f[2])
		data := make([]byte, size+1)
		if _, err := io.ReadFull(br, data); err != nil {
			t.Fatal(err)
		}
		objs[f[0]+" "+f[1]] = data[:size]
	}
}

func TestReaderMatchesGit(t *testing.T) {
	r := versionedRepo(t)
	s, err := OpenStore(filepath.Join(r.Dir, ".git", "objects"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if len(s.Packs) != 2 {
		t.Fatalf("%d packs, want 2", len(s.Packs))
	}
	deltas := map[Type]int{}
	for _, p := range s.Packs {
		for pos := range p.Index.Len() {
			e, err := p.Entry(pos)
			if err != nil {
				t.Fatal(err)
			}
			deltas[e.Type]++
		}
	}
	if deltas[OfsDelta] == 0 || deltas[RefDelta] == 0 {
		t.Fatalf("entries by type: %v, want OFS and REF deltas", deltas)
	}
	rd := s.NewReader()
	want := catAll(t, r.Dir)
	loose := 0
	for key, data := range want {
		hexID, typ, _ := strings.Cut(key, " ")
		id, _ := ParseOID(hexID)
		if _, _, ok := s.Find(id); !ok {
			loose++
		}
		gt, size, got, err := rd.Read(id, MaxObjectSize)
		if err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		if gt.String() != typ || size != uint64(len(data)) || !bytes.Equal(got, data) {
			t.Fatalf("%s: read a %s of %d bytes, git %d", key, gt, len(got), len(data))
		}
		if gt, size, got, err := rd.Read(id, 10); err != nil || size != uint64(len(data)) || (len(data) > 10) != (got == nil) {
			t.Fatalf("%s with limit 10: %s %d %d %v", key, gt, size, len(got), err)
		}
	}
	if loose == 0 {
		t.Fatal("no loose object read")
	}
	t.Logf("%d objects (%d loose), packed entries by type %v", len(want), loose, deltas)
}

func TestCorruptEntryNamed(t *testing.T) {
	r := gittest.New(t)
	r.Commit("one", "", map[string]string{"a.txt": strings.Repeat("some text\n", 500)})
	r.Git("repack", "-a", "-d", "-q")
	blob := r.Git("rev-parse", "HEAD:a.txt")
	packs, _ := filepath.Glob(filepath.Join(r.Dir, ".git", "objects", "pack", "*.pack"))
	s, err := OpenStore(filepath.Join(r.Dir, ".git", "objects"))
	if err != nil {
		t.Fatal(err)
	}
	id, _ := ParseOID(blob)
	p, pos, _ := s.Find(id)
	e, _ := p.Entry(pos)
	s.Close()
	data, _ := os.ReadFile(packs[0])
	for i := e.Data + 4; i < e.End; i += 3 {
		data[i] ^= 0x55
	}
	os.WriteFile(packs[0], data, 0o644)
	s, err = OpenStore(filepath.Join(r.Dir, ".git", "objects"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, _, _, err = s.NewReader().Read(id, MaxObjectSize)
	if err == nil || !strings.Contains(err.Error(), blob) {
		t.Fatalf("corrupt blob read: %v, want an error naming %s", err, blob)
	}
}

func TestPromisorUnsupported(t *testing.T) {
	r := gittest.New(t)
	r.Commit("one", "", map[string]string{"a.txt": "a\n"})
	r.Git("repack", "-a", "-d", "-q")
	packs, _ := filepath.Glob(filepath.Join(r.Dir, ".git", "objects", "pack", "*.pack"))
	os.WriteFile(strings.TrimSuffix(packs[0], ".pack")+".promisor", nil, 0o644)
	if _, err := OpenStore(filepath.Join(r.Dir, ".git", "objects")); err == nil || !strings.Contains(err.Error(), "partial clone") {
		t.Fatalf("promisor pack: %v", err)
	}
}
