package git

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"strings"
	"testing"

	"github.com/vigilsec/vigil"
)

var (
	oidA = strings.Repeat("a", 40)
	oidB = strings.Repeat("b", 40)
	oid0 = strings.Repeat("0", 40)
)

func TestRawReader(t *testing.T) {
	log := oidA + "\x00" + // an empty commit
		oidB + "\x00\n:000000 100644 " + oid0 + " " + oidA + " A\x00dir/caf\xe9 file.txt\x00" +
		":100644 100644 " + oidA + " " + oidB + " M\x00new\nline\x00" +
		":160000 160000 " + oidA + " " + oidB + " M\x00sub\x00"
	p := newRawReader(strings.NewReader(log))
	var got []string
	var c rawCommit
	for {
		err := p.next(&c)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%s:%d", c.id[:1], len(c.entries)))
		for _, e := range c.entries {
			got = append(got, fmt.Sprintf("%c %o %q", e.status, e.dstMode, e.path))
		}
	}
	want := `[a:0 b:3 A 100644 "dir/caf\xe9 file.txt" M 100644 "new\nline" M 160000 "sub"]`
	if fmt.Sprint(got) != want {
		t.Fatalf("got  %v\nwant %s", got, want)
	}
	// A plain raw diff has no headers.
	p = newRawReader(strings.NewReader(":100644 100644 " + oidA + " " + oidB + " M\x00x\x00"))
	if err := p.next(&c); err != nil || c.id != "" || len(c.entries) != 1 {
		t.Fatalf("diff: %v %+v", err, c)
	}
	for _, bad := range []string{
		"nothex\x00",
		oidA + "\x00:100644 100644 short " + oidB + " M\x00p\x00",
		oidA + "\x00:100644 100644 " + oidA + " " + oidB + " M\x00", // no path
		oidA + "\x00trailing bytes",
		oidA + "\x00:999999999999 100644 " + oidA + " " + oidB + " M\x00p\x00",
	} {
		p := newRawReader(strings.NewReader(bad))
		var err error
		for err == nil {
			err = p.next(&c)
		}
		if errors.Is(err, io.EOF) {
			t.Errorf("%q parsed without error", bad)
		}
	}
}

func FuzzRawLog(f *testing.F) {
	f.Add([]byte(oidA + "\x00\n:000000 100644 " + oid0 + " " + oidA + " A\x00p\x00"))
	f.Add([]byte(":100644 100644 " + oidA + " " + oidB + " M\x00x\x00" + oidB + "\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p := newRawReader(bytes.NewReader(data))
		var c rawCommit
		for n := 0; ; n++ {
			err := p.next(&c)
			if err != nil {
				return
			}
			if c.id != "" && !isHex([]byte(c.id)) {
				t.Fatalf("bad id %q accepted", c.id)
			}
			for _, e := range c.entries {
				if !isHex([]byte(e.src)) || !isHex([]byte(e.dst)) {
					t.Fatalf("bad entry %+v accepted", e)
				}
			}
			if n > len(data) {
				t.Fatal("no progress")
			}
		}
	})
}

func TestParseHeader(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want objectHeader
		fail bool
	}{
		{oidA + " blob 12", objectHeader{oid: oidA, typ: "blob", size: 12}, false},
		{oidA + " missing", objectHeader{oid: oidA, missing: true}, false},
		{"HEAD:x ambiguous", objectHeader{oid: "HEAD:x", missing: true}, false},
		{oidA + " blob -1", objectHeader{}, true},
		{oidA + " blob 99999999999999999999", objectHeader{}, true},
		{oidA + " weird 1", objectHeader{}, true},
		{"zz blob 1", objectHeader{}, true},
		{"", objectHeader{}, true},
	} {
		got, err := parseHeader([]byte(tc.in))
		if (err != nil) != tc.fail || !tc.fail && got != tc.want {
			t.Errorf("%q: %+v, %v", tc.in, got, err)
		}
	}
}

func FuzzCatFileHeader(f *testing.F) {
	f.Add([]byte(oidA + " blob 12"))
	f.Add([]byte(oidA + " missing"))
	f.Fuzz(func(t *testing.T, line []byte) {
		h, err := parseHeader(line)
		if err == nil && !h.missing && (h.size < 0 || h.size > maxObjectSize || !isHex([]byte(h.oid))) {
			t.Fatalf("accepted %+v", h)
		}
	})
}

// fakeCatFile is a catFile reading a canned stream.
func fakeCatFile(out []byte) *catFile {
	return &catFile{
		r: bufio.NewReader(bytes.NewReader(out)), w: bufio.NewWriter(io.Discard),
		stderr: &limitedBuffer{max: 1024}, cancel: func() {},
	}
}

// FuzzCatFileStream feeds arbitrary cat-file output to the blob reader:
// it must end with chunks, skips or an error, never panic or hang.
func FuzzCatFileStream(f *testing.F) {
	f.Add([]byte(oidA+" blob 6\nhello\n\n"+oidB+" missing\n"), uint8(2))
	f.Add([]byte(oidA+" blob 100\nshort"), uint8(1))
	f.Add([]byte(oidA+" tree 3\nabc\n"), uint8(1))
	f.Fuzz(func(t *testing.T, out []byte, n uint8) {
		queue := make(chan request, 8)
		for i := range int(n % 8) {
			id := oidA
			if i%2 == 1 {
				id = oidB
			}
			queue <- request{oid: id, path: "p", base: oidA}
		}
		close(queue)
		rd := &reader{repo: &Repo{Dir: "/nonexistent"}, cf: fakeCatFile(out), source: "git", bases: newBaseCache(1 << 20), seed: maphash.MakeSeed(), context: 3}
		var total int
		err := rd.run(context.Background(), queue, func(c vigil.Chunk) error {
			total += len(c.Data)
			return nil
		})
		if err == nil && total > len(out) {
			t.Fatalf("yielded %d bytes from %d", total, len(out))
		}
	})
}

func TestParseCommit(t *testing.T) {
	raw := "tree " + oidA + "\nparent " + oidB + "\nauthor Ada Lovelace <ada@example.com> 1700000000 +0130\n" +
		"committer C <c@example.com> 1700000001 +0000\ngpgsig -----BEGIN PGP SIGNATURE-----\n x\n -----END PGP SIGNATURE-----\n\n" +
		"Subject line\n\nBody.\n"
	c, err := parseCommit(oidA, []byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	if c.Author != "Ada Lovelace" || c.Email != "ada@example.com" || c.Message != "Subject line" || c.Date.Unix() != 1700000000 {
		t.Fatalf("%+v", c)
	}
	if _, off := c.Date.Zone(); off != 90*60 {
		t.Fatalf("zone offset %d", off)
	}
	for _, bad := range []string{"tree x\n\nmsg", "author nobody\n\n", "author A <a> notanumber +0000\n\n"} {
		if _, err := parseCommit(oidA, []byte(bad)); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

func FuzzParseCommit(f *testing.F) {
	f.Add([]byte("tree x\nauthor A <a@b> 1 +0000\n\nmsg\n"))
	f.Add([]byte("author <> -5 -9999\n\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		parseCommit(oidA, data)
	})
}

func TestParseTree(t *testing.T) {
	raw := func(mode, name string, id byte) string {
		return mode + " " + name + "\x00" + strings.Repeat(string([]byte{id}), 20)
	}
	data := []byte(raw("100644", "a b\tc", 0xaa) + raw("40000", "dir", 0xbb) + raw("160000", "sub", 0xcc))
	var got []string
	if err := parseTree(data, 20, func(mode, name, oid string) bool {
		got = append(got, mode+" "+name+" "+oid[:4])
		return true
	}); err != nil || strings.Join(got, "|") != "100644 a b\tc aaaa|40000 dir bbbb|160000 sub cccc" {
		t.Fatalf("%q %v", got, err)
	}
	for _, bad := range []string{"100644 a", "100644 a\x00short", " a\x00" + strings.Repeat("x", 20), "100644 \x00" + strings.Repeat("x", 20)} {
		if err := parseTree([]byte(bad), 20, func(string, string, string) bool { return true }); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

func FuzzParseTree(f *testing.F) {
	f.Add([]byte("100644 name\x00" + strings.Repeat("\x01", 20)))
	f.Fuzz(func(t *testing.T, b []byte) {
		parseTree(b, 20, func(mode, name, oid string) bool {
			if mode == "" || name == "" || !isHex([]byte(oid)) {
				t.Fatalf("accepted %q %q %q", mode, name, oid)
			}
			return true
		})
	})
}
