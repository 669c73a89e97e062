package image

import (
	"archive/zip"
	"bytes"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/source/archive"
	"github.com/vigilsec/vigil/source/files"
)

func zipOf(t testing.TB, name, body string) string {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte(body))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// storyImage is an image whose layers add, delete, hide and replace
// files holding markers MARK-A…MARK-G.
func storyImage(t testing.TB) v1.Image {
	return buildImage(t,
		[]string{"PATH=/usr/bin", "TWILIO_AUTH_TOKEN=MARK-F"},
		map[string]string{"maintainer": "team", "build.token": "MARK-G"},
		step{"ADD rootfs.tar /", layerOf(t,
			entry{name: "app/", dir: true},
			entry{name: "app/.env", body: "MARK-A\n"},
			entry{name: "app/keep.txt", body: "MARK-B\n"},
			entry{name: "./etc/conf/x.conf", body: "MARK-C\n"},
			entry{name: "bin/sh", link: "busybox"},
		)},
		step{"ENV TWILIO_AUTH_TOKEN=MARK-F", nil},
		step{"RUN rm app/.env", layerOf(t,
			entry{name: "app/.wh..env"},
			entry{name: "etc/conf/.wh..wh..opq"},
			entry{name: "etc/conf/y.conf", body: "fresh\n"},
		)},
		step{"COPY app.jar secret.txt /", layerOf(t,
			entry{name: "lib/app.jar", body: zipOf(t, "conf/app.properties", "MARK-E\n")},
			entry{name: "opt/secret.txt", body: "MARK-D\n"},
		)},
		step{"RUN rebuild", layerOf(t,
			entry{name: "lib/app.jar", body: zipOf(t, "conf/app.properties", "clean\n")},
		)},
		step{"LABEL maintainer=team build.token=MARK-G", nil},
	)
}

func openImage(t testing.TB, ref string, opts Options) *Source {
	t.Helper()
	opts.Files.Archives = archive.New(archive.Options{})
	s, err := Open(t.Context(), ref, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// findingAt is a finding of marker in the chunk text at key.
func findingAt(t *testing.T, res scanned, key, marker string) vigil.Finding {
	t.Helper()
	text, ok := res.text[key]
	if !ok {
		t.Fatalf("nothing scanned at %s; have %v", key, keys(res.text))
	}
	i := strings.Index(text, marker)
	if i < 0 {
		t.Fatalf("%s: %q not in %q", key, marker, text)
	}
	o := res.origin[key]
	o.Line = 1 + strings.Count(text[:i], "\n")
	return vigil.Finding{Origin: o}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestImageFormats(t *testing.T) {
	img := storyImage(t)
	dir := layoutDir(t, img)
	refs := map[string]string{
		"docker save":    saveTarball(t, img),
		"oci layout":     dir,
		"oci layout tar": tarDir(t, dir),
	}
	digests := layerDigests(t, img)
	for kind, ref := range refs {
		t.Run(kind, func(t *testing.T) {
			s := openImage(t, ref, Options{})
			res := scan(t, s)
			if len(res.skips) > 0 {
				for _, sk := range res.skips {
					if sk.Reason.Incomplete() {
						t.Errorf("skip: %v", sk)
					}
				}
			}
			tests := []struct {
				key, marker string
				present     bool
				index       int
				createdBy   string
			}{
				{"app/.env@0", "MARK-A", false, 0, "ADD rootfs.tar /"},
				{"app/keep.txt@0", "MARK-B", true, 0, "ADD rootfs.tar /"},
				{"etc/conf/x.conf@0", "MARK-C", false, 0, "ADD rootfs.tar /"},
				{"opt/secret.txt@2", "MARK-D", true, 2, "COPY app.jar secret.txt /"},
				{"lib/app.jar!conf/app.properties@2", "MARK-E", false, 2, "COPY app.jar secret.txt /"},
				{ConfigEnv, "MARK-F", true, -1, "ENV TWILIO_AUTH_TOKEN=MARK-F"},
				{ConfigLabels, "MARK-G", true, -1, "LABEL maintainer=team build.token=MARK-G"},
				{ConfigHistory, "ENV TWILIO", true, -1, "ENV TWILIO_AUTH_TOKEN=MARK-F"},
				{ConfigHistory, "RUN rebuild", true, 3, "RUN rebuild"},
			}
			for _, tc := range tests {
				f := findingAt(t, res, tc.key, tc.marker)
				s.Annotate(&f)
				if f.Present == nil || *f.Present != tc.present {
					t.Errorf("%s: present %v, want %v", tc.key, f.Present, tc.present)
				}
				l := f.Origin.Layer
				if l == nil || l.Index != tc.index || l.CreatedBy != tc.createdBy {
					t.Errorf("%s: layer %+v, want index %d created by %q", tc.key, l, tc.index, tc.createdBy)
					continue
				}
				if tc.index >= 0 && kind != "docker save" && l.Digest != digests[tc.index] {
					t.Errorf("%s: digest %s, want %s", tc.key, l.Digest, digests[tc.index])
				}
			}
			if _, ok := res.text["etc/conf/y.conf@1"]; !ok {
				t.Errorf("layer 1 not scanned: %v", keys(res.text))
			}
		})
	}
}

func layerDigests(t *testing.T, img v1.Image) []string {
	ls, err := img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range ls {
		d, err := l.Digest()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, d.String())
	}
	return out
}

func TestHides(t *testing.T) {
	c := newChanges()
	c.paths["a/file"] = true
	c.paths["dir"] = false
	c.paths["link"] = true
	c.whiteout["gone"] = true
	c.opaque["opq"] = true
	tests := map[string]bool{
		"a/file":     true,  // overwritten
		"a/other":    false, // untouched
		"dir":        true,  // file replaced by a directory
		"dir/x":      false, // directory re-created: lower content stays
		"link/x":     true,  // directory replaced by a link
		"gone":       true,
		"gone/x/y":   true,
		"opq/x":      true,
		"opq":        false,
		"opqx/inner": false,
	}
	for p, want := range tests {
		if got := c.hides(p); got != want {
			t.Errorf("hides(%q) = %v, want %v", p, got, want)
		}
	}
}

func TestConfigText(t *testing.T) {
	cfg := &v1.ConfigFile{
		History: []v1.History{{CreatedBy: "/bin/sh -c #(nop)  ENV KEY=old", EmptyLayer: true}, {CreatedBy: "/bin/sh -c #(nop)  ENV KEY=new", EmptyLayer: true}},
		Config:  v1.Config{Env: []string{"KEY=line1\nline2", "OTHER=x"}, Entrypoint: []string{"/app", "--token", "T"}},
	}
	ct := newConfigText(cfg)
	chunks := ct.chunks()
	if len(chunks) != 3 {
		t.Fatalf("%d chunks", len(chunks))
	}
	if got := string(chunks[0].Data); got != "KEY=line1\nline2\nOTHER=x\n" {
		t.Errorf("env %q", got)
	}
	s := &Source{img: &image{configDigest: "sha256:cfg"}, config: ct}
	for line, want := range map[int]string{1: "ENV KEY=new", 2: "ENV KEY=new", 3: ""} {
		l, ok := ct.layerOf(vigil.Origin{Path: ConfigEnv, Line: line}, s)
		if !ok || !strings.HasSuffix(l.CreatedBy, want) || l.Index != -1 || l.Digest != "sha256:cfg" {
			t.Errorf("line %d: %+v", line, l)
		}
	}
	if got := string(chunks[2].Data); got != "ENTRYPOINT /app --token T\n" {
		t.Errorf("cmd %q", got)
	}
}

func TestFilesOptionsApply(t *testing.T) {
	img := buildImage(t, nil, nil, step{"ADD", layerOf(t,
		entry{name: "big.txt", body: strings.Repeat("x", 2000)},
		entry{name: "lib.so", body: "\x7fELF"},
	)})
	s := openImage(t, saveTarball(t, img), Options{Files: files.Options{MaxFileSize: 1000}})
	res := scan(t, s)
	reasons := map[string]vigil.SkipReason{}
	for _, sk := range res.skips {
		reasons[sk.Origin.Path] = sk.Reason
	}
	if reasons["big.txt"] != vigil.SkipTooLarge || reasons["lib.so"] != vigil.SkipBinary {
		t.Errorf("skips %v", reasons)
	}
}

// TestLegacyDockerSave reads the docker save format of Docker before 25:
// uncompressed ID/layer.tar files, a repeated layer stored as a symbolic
// link to the first, and digests only in the config's diff_ids.
func TestLegacyDockerSave(t *testing.T) {
	layer := string(tarOf(t, entry{name: "etc/app.conf", body: "MARK-L\n"}))
	d := digestOf([]byte(layer))
	cfg := `{"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":["` + d + `","` + d + `"]},` +
		`"history":[{"created_by":"COPY app.conf /etc/"},{"created_by":"COPY app.conf /etc/ again"}]}`
	p := writeFile(t, "legacy.tar", tarOf(t,
		entry{name: "manifest.json", body: `[{"Config":"cfg.json","RepoTags":["vigil.test/legacy:1"],"Layers":["aaa/layer.tar","bbb/layer.tar"]}]`},
		entry{name: "cfg.json", body: cfg},
		entry{name: "aaa/layer.tar", body: layer},
		entry{name: "bbb/layer.tar", link: "../aaa/layer.tar"},
	))
	s := openImage(t, p, Options{})
	res := scan(t, s)
	for i, key := range []string{"etc/app.conf@0", "etc/app.conf@1"} {
		f := findingAt(t, res, key, "MARK-L")
		s.Annotate(&f)
		if l := f.Origin.Layer; l.Digest != d || l.Index != i || *f.Present != (i == 1) {
			t.Errorf("%s: layer %+v present %v", key, l, *f.Present)
		}
	}
}
