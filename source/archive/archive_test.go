package archive

import (
	"archive/tar"
	"bytes"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/vigilsec/vigil"
)

// bzip2Hello is "hello bzip2 member\n" compressed by bzip2(1); Go has no
// bzip2 writer.
const bzip2Hello = "425a683931415926535931103b13000004d9800010400010001266d010200022004c65080680074817af9878b79cc5fc5dc914e14240c440ec4c"

func TestReadFormats(t *testing.T) {
	jar := makeZip(t, file{name: "app.properties", body: "token = inner\n"})
	bz, _ := hex.DecodeString(bzip2Hello)
	tests := []struct {
		name string
		data []byte
		want map[string]string
	}{
		{"a.zip", makeZip(t, file{name: "a.txt", body: "alpha\n"}, file{name: "dir/b.txt", body: "beta\n"}, file{name: "dir/"}),
			map[string]string{"a.zip!a.txt": "alpha\n", "a.zip!dir/b.txt": "beta\n"}},
		{"app.war", makeZip(t, file{name: "WEB-INF/lib/x.jar", body: string(jar)}),
			map[string]string{"app.war!WEB-INF/lib/x.jar!app.properties": "token = inner\n"}},
		{"fat.jar", makeZip(t, file{name: "BOOT-INF/lib/x.jar", body: string(jar), store: true}),
			map[string]string{"fat.jar!BOOT-INF/lib/x.jar!app.properties": "token = inner\n"}},
		{"a.tar", makeTar(t, file{name: "./etc/app.conf", body: "conf\n"}),
			map[string]string{"a.tar!etc/app.conf": "conf\n"}},
		{"a.tar.gz", gz(t, "", makeTar(t, file{name: "x/y.env", body: "KEY=v\n"}, file{name: "x/z.jar", body: string(jar)})),
			map[string]string{"a.tar.gz!x/y.env": "KEY=v\n", "a.tar.gz!x/z.jar!app.properties": "token = inner\n"}},
		{"b.tgz", gz(t, "", makeTar(t, file{name: "y.env", body: "KEY=w\n"})),
			map[string]string{"b.tgz!y.env": "KEY=w\n"}},
		{"app.log.gz", gz(t, "", []byte("line one\n")), map[string]string{"app.log.gz!app.log": "line one\n"}},
		{"renamed.gz", gz(t, "orig.txt", []byte("named\n")), map[string]string{"renamed.gz!orig.txt": "named\n"}},
		{"noext", makeZip(t, file{name: "m.txt", body: "magic\n"}), map[string]string{"noext!m.txt": "magic\n"}},
		{"c.tar.zst", zst(t, makeTar(t, file{name: "z.txt", body: "zed\n"})), map[string]string{"c.tar.zst!z.txt": "zed\n"}},
		{"notes.txt.bz2", bz, map[string]string{"notes.txt.bz2!notes.txt": "hello bzip2 member\n"}},
		{"in.zip.gz", gz(t, "", jar), map[string]string{"in.zip.gz!in.zip!app.properties": "token = inner\n"}},
	}
	r := New(Options{})
	for _, tc := range tests {
		for _, stream := range []bool{false, true} {
			t.Run(tc.name, func(t *testing.T) {
				if !r.Match(tc.name, tc.data[:min(len(tc.data), 512)]) {
					t.Fatalf("Match(%s) = false", tc.name)
				}
				got := read(t, r, tc.name, tc.data, stream)
				if len(got.skips) > 0 {
					t.Errorf("skips: %v", got.skips)
				}
				if !maps.Equal(got.text, tc.want) {
					t.Errorf("got %q\nwant %q", got.text, tc.want)
				}
				for p, src := range got.origins {
					if src != "archive" {
						t.Errorf("%s: source %q, want archive", p, src)
					}
				}
			})
		}
	}
}

func TestMatch(t *testing.T) {
	r := New(Options{})
	tests := []struct {
		name string
		head string
		want bool
	}{
		{"x.zip", "", false}, // empty
		{"x.jar", "#!/bin/sh\nexec java -jar $0\n", true},
		{"x.gz", "plain text that is not gzip\n", false},
		{"x.tar", "just text\n", false},
		{"x.tar", "a\x00b", true},
		{"readme.txt", "hello", false},
		{"blob", "\x1f\x8b\x08rest", true},
		{"blob", "\x28\xb5\x2f\xfdrest", true},
		{"a.zip!b.JAR", "xx", true},
	}
	for _, tc := range tests {
		if got := r.Match(tc.name, []byte(tc.head)); got != tc.want {
			t.Errorf("Match(%q, %q) = %v", tc.name, tc.head, got)
		}
	}
}

func TestSafeName(t *testing.T) {
	tests := map[string]string{
		"../../etc/passwd":   "_/_/etc/passwd",
		"/abs/path":          "abs/path",
		`C:\Windows\win.ini`: "Windows/win.ini",
		"a/./b//c":           "a/b/c",
		"..":                 "_",
		"":                   "_",
		"new\nline":          "new\nline", // kept exact: text output escapes it
		"ok/name.txt":        "ok/name.txt",
	}
	for in, want := range tests {
		if got := SafeName(in); got != want {
			t.Errorf("SafeName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTraversalNames(t *testing.T) {
	r := New(Options{})
	z := makeZip(t, file{name: "../../evil.txt", body: "up\n"}, file{name: "/etc/abs.txt", body: "abs\n"})
	got := read(t, r, "t.zip", z, false)
	want := map[string]string{"t.zip!_/_/evil.txt": "up\n", "t.zip!etc/abs.txt": "abs\n"}
	if !maps.Equal(got.text, want) {
		t.Errorf("zip: got %q", got.text)
	}
	tr := makeTar(t, file{name: "../../../x.txt", body: "x\n"})
	got = read(t, r, "t.tar", tr, true)
	if got.text["t.tar!_/_/_/x.txt"] != "x\n" {
		t.Errorf("tar: got %q", got.text)
	}
}

func TestSymlinksNotFollowed(t *testing.T) {
	r := New(Options{})
	z := makeZip(t, file{name: "link", link: "/etc/shadow"}, file{name: "real.txt", body: "r\n"})
	got := read(t, r, "l.zip", z, false)
	got.skip(t, "l.zip!link", vigil.SkipSymlink, "not followed")
	if _, ok := got.text["l.zip!link"]; ok {
		t.Error("symlink content was scanned")
	}
	tr := makeTar(t, file{name: "link", link: "../../etc/shadow"}, file{name: "real.txt", body: "r\n"})
	got = read(t, r, "l.tar", tr, false)
	got.skip(t, "l.tar!link", vigil.SkipSymlink, "link to _/_/etc/shadow")
	if got.text["l.tar!real.txt"] != "r\n" {
		t.Errorf("got %q", got.text)
	}
}

func TestLimits(t *testing.T) {
	zeros := strings.Repeat("0", 4<<20) // deflates about 1000:1
	jar := makeZip(t, file{name: "deep.txt", body: "deep\n"})
	many := makeZip(t, file{name: "1"}, file{name: "2"}, file{name: "3"}, file{name: "4"}, file{name: "5"})
	big := strings.Repeat("some text that compresses moderately well 0123456789\n", 4000)
	tests := []struct {
		name   string
		opts   Options
		data   []byte
		path   string
		reason vigil.SkipReason
		msg    string
	}{
		{"bomb.zip", Options{}, makeZip(t, file{name: "zeros.txt", body: zeros}), "bomb.zip!zeros.txt", vigil.SkipLimit, "zip bomb"},
		{"bomb.gz", Options{}, gz(t, "", []byte(zeros)), "bomb.gz!bomb", vigil.SkipLimit, "zip bomb"},
		{"bomb.tar.gz", Options{}, gz(t, "", makeTar(t, file{name: "z", body: zeros})), "bomb.tar.gz!z", vigil.SkipLimit, "--archive-max-ratio"},
		{"big.zip", Options{MaxSize: 100 << 10}, makeZip(t, file{name: "big.txt", body: big}), "big.zip!big.txt", vigil.SkipLimit, "--archive-max-size"},
		{"many.zip", Options{MaxEntries: 3}, many, "many.zip", vigil.SkipLimit, "more than 3 entries"},
		{"nest.zip", Options{Depth: 1}, makeZip(t, file{name: "in.jar", body: string(jar)}), "nest.zip!in.jar", vigil.SkipLimit, "--archive-depth"},
		{"nest2.zip", Options{Depth: 2}, makeZip(t, file{name: "a.zip", body: string(makeZip(t, file{name: "b.jar", body: string(jar)}))}),
			"nest2.zip!a.zip!b.jar", vigil.SkipLimit, "more than 2 deep"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := read(t, New(tc.opts), tc.name, tc.data, false)
			got.skip(t, tc.path, tc.reason, tc.msg)
			if !tc.reason.Incomplete() {
				t.Errorf("%s does not make the scan incomplete", tc.reason)
			}
			if len(got.skips) != 1 {
				t.Errorf("want one skip, got %v", got.skips)
			}
		})
	}
}

func TestCorrupt(t *testing.T) {
	z := makeZip(t, file{name: "a.txt", body: strings.Repeat("alpha beta gamma\n", 100)})
	tgz := gz(t, "", makeTar(t, file{name: "a.txt", body: strings.Repeat("alpha beta gamma\n", 1000)}))
	tr := makeTar(t, file{name: "a.txt", body: strings.Repeat("x", 2000)})
	// A tar entry claiming 8 GiB, followed by nothing.
	var huge bytes.Buffer
	tw := tar.NewWriter(&huge)
	if err := tw.WriteHeader(&tar.Header{Name: "huge.txt", Size: 8 << 30, Mode: 0o644}); err != nil {
		t.Fatal(err)
	}
	// A PAX header far longer than archive/tar accepts.
	record := "comment=" + strings.Repeat("c", 2<<20) + "\n"
	record = fmt.Sprintf("%d %s", len(record)+8, record)
	paxBig := rawHeader(t, 'x', record)
	tests := []struct {
		name string
		data []byte
		path string
		msg  string
	}{
		{"trunc.zip", z[:len(z)/2], "trunc.zip", "zip"},
		{"garbage.zip", []byte("PK\x03\x04 this is no zip at all"), "garbage.zip", "zip"},
		{"trunc.tar.gz", tgz[:len(tgz)/2], "trunc.tar.gz", "unexpected EOF"},
		{"badgz.gz", []byte("\x1f\x8b\x08\x00garbage-garbage-garbage"), "badgz.gz", ""},
		{"trunc.tar", tr[:700], "trunc.tar!a.txt", "unexpected EOF"},
		{"huge.tar", huge.Bytes(), "huge.tar", "unexpected EOF"},
		{"pax.tar", paxBig, "pax.tar", "read tar"},
	}
	for _, tc := range tests {
		for _, stream := range []bool{false, true} {
			t.Run(tc.name, func(t *testing.T) {
				got := read(t, New(Options{}), tc.name, tc.data, stream)
				got.skip(t, tc.path, vigil.SkipUnreadable, tc.msg)
			})
		}
	}
}

func TestEmitStops(t *testing.T) {
	z := makeZip(t, file{name: "a.txt", body: "a\n"}, file{name: "b.txt", body: "b\n"}, file{name: "c.txt", body: "c\n"})
	var n int
	New(Options{}).Read(t.Context(), bytes.NewReader(z), int64(len(z)), vigil.Origin{Path: "s.zip"}, func(vigil.Chunk) bool {
		n++
		return false
	})
	if n != 1 {
		t.Errorf("emit called %d times after returning false", n)
	}
}

func TestMemberSkips(t *testing.T) {
	z := makeZip(t, file{name: "lib.so", body: "\x7fELF"}, file{name: "bin.dat", body: "a\x00b\x00c"}, file{name: "ok.txt", body: "ok\n"})
	got := read(t, New(Options{}), "m.zip", z, false)
	got.skip(t, "m.zip!lib.so", vigil.SkipBinary, "")
	got.skip(t, "m.zip!bin.dat", vigil.SkipBinary, "")
	if keys := slices.Collect(maps.Keys(got.text)); !slices.Equal(keys, []string{"m.zip!ok.txt"}) {
		t.Errorf("text of %v", keys)
	}
}
