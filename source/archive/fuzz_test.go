package archive

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/source/files"
)

// FuzzRead feeds malformed archives to the reader: it must never panic or
// hang, every member it names must stay inside the archive, and every
// problem must be a skip naming the archive.
func FuzzRead(f *testing.F) {
	jar := makeZip(f, file{name: "a.properties", body: "k=v\n"})
	tr := makeTar(f, file{name: "../x.txt", body: "x\n"}, file{name: "l", link: "/etc/passwd"}, file{name: "in.jar", body: string(jar)})
	for _, seed := range []struct {
		name string
		data []byte
	}{
		{"a.zip", jar},
		{"a.zip", makeZip(f, file{name: "n.zip", body: string(jar), store: true}, file{name: "s", link: "../../x"})},
		{"a.tar", tr},
		{"a.tar.gz", gz(f, "", tr)},
		{"a.gz", gz(f, "../../name", []byte("text\n"))},
		{"a.zst", zst(f, tr)},
		{"a.tar", rawHeader(f, 'x', "30 path=../../../../etc/passwd\n")},
		{"a.zip", []byte("PK\x05\x06\x00\x00\x00\x00\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x00\x00")},
	} {
		f.Add(seed.name, seed.data)
	}
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		if strings.ContainsRune(name, '!') || name == "" {
			name = "f.zip"
		}
		r := New(Options{MaxSize: 4 << 20, MaxEntries: 200, Depth: 3})
		var src io.Reader = bytes.NewReader(data)
		if len(data)%2 == 1 {
			src = io.MultiReader(src)
		}
		r.Read(context.Background(), src, int64(len(data)), vigil.Origin{Source: "file", Path: name}, func(c vigil.Chunk) bool {
			o := c.Origin
			if c.Skip != nil {
				o = c.Skip.Origin
			}
			if !strings.HasPrefix(o.Path, name) {
				t.Fatalf("origin %q outside %q", o.Path, name)
			}
			for _, m := range strings.Split(o.Path[len(name):], "!")[1:] {
				if m == "" || strings.HasPrefix(m, "/") || strings.Contains("/"+m+"/", "/../") {
					t.Fatalf("unsafe member name %q", o.Path)
				}
			}
			return true
		})
	})
}

// TestFilesIntegration scans a directory with the files source, archives
// enabled.
func TestFilesIntegration(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("plain.txt", []byte("plain\n"))
	write("app.jar", makeZip(t, file{name: "conf/app.properties", body: "p=1\n"}))
	write("bomb.gz", gz(t, "", bytes.Repeat([]byte("0"), 8<<20)))
	src := files.New([]string{dir}, files.Options{Archives: New(Options{})})
	got := map[string]string{}
	skips := map[string]vigil.SkipReason{}
	err := src.Chunks(t.Context(), func(c vigil.Chunk) error {
		if c.Skip != nil {
			skips[strings.TrimPrefix(c.Skip.Origin.Path, dir+"/")] = c.Skip.Reason
			return nil
		}
		got[strings.TrimPrefix(c.Origin.Path, dir+"/")] += string(c.Data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got["app.jar!conf/app.properties"] != "p=1\n" || got["plain.txt"] != "plain\n" {
		t.Errorf("got %q", got)
	}
	if skips["bomb.gz!bomb"] != vigil.SkipLimit {
		t.Errorf("skips %v", skips)
	}
}
