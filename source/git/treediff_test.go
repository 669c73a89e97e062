package git

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/vigilsec/vigil/source/git/pack"
)

// rawTree builds a tree object from "mode name" pairs, each entry's id
// made of the byte given.
func rawTree(entries ...string) []byte {
	var b bytes.Buffer
	for i, e := range entries {
		b.WriteString(e)
		b.WriteByte(0)
		b.Write(bytes.Repeat([]byte{byte(i + 1)}, pack.HashLen))
	}
	return b.Bytes()
}

func TestNextTreeItem(t *testing.T) {
	e, err := nextTreeItem(rawTree("100755 run.sh"))
	if err != nil || e.mode != modeExec || string(e.name) != "run.sh" || e.size != len("100755 run.sh")+1+pack.HashLen {
		t.Fatalf("%+v %v", e, err)
	}
	for mode, want := range map[string]uint32{"100664": modeFile, "40000": modeDir, "120000": modeSymlink, "160000": modeGitlink, "644": modeGitlink} {
		if e, err := nextTreeItem(rawTree(mode + " x")); err != nil || e.mode != want {
			t.Errorf("mode %s: %o %v", mode, e.mode, err)
		}
	}
	for _, bad := range [][]byte{nil, []byte("100644"), []byte(" name\x00" + strings.Repeat("a", 20)), []byte("10x644 n\x00" + strings.Repeat("a", 20)),
		[]byte("100644 \x00" + strings.Repeat("a", 20)), []byte("100644 name\x00short")} {
		if _, err := nextTreeItem(bad); err == nil {
			t.Errorf("%q read", bad)
		}
	}
}

func TestCompareItems(t *testing.T) {
	item := func(name string, mode uint32) *treeItem { return &treeItem{name: []byte(name), mode: mode} }
	for _, tc := range []struct {
		a, b *treeItem
		want int
	}{
		{item("a", modeFile), item("a", modeFile), 0},
		{item("a", modeFile), item("a.b", modeFile), -1},
		{item("a", modeDir), item("a.b", modeFile), 1}, // "a/" after "a."
		{item("a", modeDir), item("a0", modeFile), -1}, // "a/" before "a0"
		{item("a", modeDir), item("a", modeFile), 1},
		{item("b", modeFile), item("a", modeDir), 1},
	} {
		if got := compareItems(tc.a, tc.b); got != tc.want {
			t.Errorf("%s %o vs %s %o: %d, want %d", tc.a.name, tc.a.mode, tc.b.name, tc.b.mode, got, tc.want)
		}
	}
}

func TestParseCommitHead(t *testing.T) {
	tree, parent := strings.Repeat("a", 40), strings.Repeat("b", 40)
	raw := "tree " + tree + "\nparent " + parent + "\nparent " + tree + "\nauthor A <a@x> 5 +0000\ncommitter C <c@x> 1700000000 +0100\n\nmsg\n"
	c, err := parseCommitHead([]byte(raw))
	if err != nil || hex.EncodeToString(c.tree[:]) != tree || len(c.parents) != 2 || c.date != 1700000000 || c.laterDate != c.date {
		t.Fatalf("%+v %v", c, err)
	}
	odd := "tree " + tree + "\nauthor A <a@x> 5 +0000\ncommitter C <c@x> 1600000000 +0000 >x\n\n"
	if c, err := parseCommitHead([]byte(odd)); err != nil || c.date != 1600000000 || c.laterDate != 0 {
		t.Fatalf("odd committer: %+v %v", c, err)
	}
	for _, bad := range []string{"", "tree xyz\n", "tree " + tree, "tree " + tree + "\nparent " + parent + "x\nauthor", "tree " + tree + "\nparent " + strings.Repeat("g", 40) + "\n"} {
		if _, err := parseCommitHead([]byte(bad)); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
	if got := parseTimestamp([]byte(" 99999999999999999999999 ")); got != 1<<64-1 {
		t.Errorf("overflow: %d", got)
	}
}

func FuzzParseCommitHead(f *testing.F) {
	f.Add([]byte("tree " + strings.Repeat("a", 40) + "\nparent " + strings.Repeat("b", 40) + "\nauthor A <a> 1 +0000\ncommitter C <c> 2 +0000\n\nm"))
	f.Add([]byte("tree " + strings.Repeat("a", 40) + "\nauthor\ncommitter <>>-1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := parseCommitHead(data)
		if err == nil && len(c.parents) > len(data)/48 {
			t.Fatalf("%d parents from %d bytes", len(c.parents), len(data))
		}
	})
}

// FuzzTreeDiff compares two arbitrary trees, every subtree of which
// reads as the second: the diff ends, with an error or no more changes
// than entries read.
func FuzzTreeDiff(f *testing.F) {
	f.Add(rawTree("40000 d", "100644 a", "120000 l"), rawTree("40000 d", "100755 a", "160000 m"))
	f.Add(rawTree("100644 a"), []byte("junk"))
	f.Fuzz(func(t *testing.T, a, b []byte) {
		if len(a) > 4096 || len(b) > 4096 {
			return
		}
		ida, idb := pack.OID{1}, pack.OID{2}
		calls := 0
		d := &treeDiff{paths: map[string]string{}, read: func(id pack.OID) ([]byte, error) {
			if calls++; calls > 10000 {
				return nil, errors.New("over budget") // trees may nest their subtrees many times
			}
			if id == ida {
				return a, nil
			}
			return b, nil
		}}
		if err := d.diff(&ida, &idb); err == nil && len(d.out) > calls*(len(a)+len(b)) {
			t.Fatalf("%d changes", len(d.out))
		}
	})
}
