package image

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"log"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/static"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/vigilsec/vigil"
)

func simpleImage(t testing.TB) v1.Image {
	return buildImage(t, []string{"A=1"}, nil, step{"ADD x /", layerOf(t, entry{name: "x.txt", body: "MARK-X\n"})})
}

func writeFile(t testing.TB, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// editJSON rewrites a JSON file of a layout directory.
func editJSON(t *testing.T, p string, edit func(m map[string]any)) {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	if b, err = json.Marshal(m); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestOpenErrors(t *testing.T) {
	save := saveTarball(t, simpleImage(t))
	saved, err := os.ReadFile(save)
	if err != nil {
		t.Fatal(err)
	}
	unknownManifest := layoutDir(t, simpleImage(t))
	editJSON(t, filepath.Join(unknownManifest, "index.json"), func(m map[string]any) {
		m["manifests"].([]any)[0].(map[string]any)["mediaType"] = "application/vnd.example.thing.v1+json"
	})
	artifact := mutate.ConfigMediaType(simpleImage(t), "application/vnd.cncf.helm.config.v1+json")
	tests := []struct {
		name, ref, want string
	}{
		{"missing", filepath.Join(t.TempDir(), "nope.tar"), "does not exist"},
		{"truncated", writeFile(t, "t.tar", saved[:len(saved)/3]), "unexpected EOF"},
		{"not an image", writeFile(t, "n.tar", tarOf(t, entry{name: "hello.txt", body: "hi"})), "no manifest.json or index.json"},
		{"garbage", writeFile(t, "g.tar", []byte(strings.Repeat("garbage ", 100))), "read tarball"},
		{"gzipped", writeFile(t, "z.tar", []byte("\x1f\x8b\x08\x00rest")), "is compressed"},
		{"empty dir", t.TempDir(), "no index.json"},
		{"unknown manifest type", unknownManifest, `unsupported media type "application/vnd.example.thing.v1+json"`},
		{"artifact", layoutDir(t, artifact), "not a container image"},
		{"two images", saveTwo(t), "holds 2 images"},
		{"bad manifest.json", writeFile(t, "m.tar", tarOf(t, entry{name: "manifest.json", body: "{not json"})), "manifest.json"},
		{"bad reference", "Not A Valid::Reference", "not a file, a directory or an image reference"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Open(t.Context(), tc.ref, Options{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
	if _, err := Open(t.Context(), filepath.Join(t.TempDir(), "x.tar"), Options{}); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v is not fs.ErrNotExist", err)
	}
}

func saveTwo(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "two.tar")
	// Two tags of different images in one docker save tarball.
	a, b := simpleImage(t), buildImage(t, nil, nil, step{"ADD y /", layerOf(t, entry{name: "y", body: "y"})})
	tags := map[name.Tag]v1.Image{name.MustParseReference("vigil.test/a:1").(name.Tag): a, name.MustParseReference("vigil.test/b:1").(name.Tag): b}
	if err := tarball.MultiWriteToFile(p, tags); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLayerErrors(t *testing.T) {
	unknown := static.NewLayer(tarOf(t, entry{name: "u.txt", body: "u\n"}), types.MediaType("application/vnd.example.unknown.layer"))
	img, err := mutate.Append(simpleImage(t), mutate.Addendum{Layer: unknown, MediaType: "application/vnd.example.unknown.layer"})
	if err != nil {
		t.Fatal(err)
	}
	ud, _ := unknown.Digest()
	s := openImage(t, layoutDir(t, img), Options{})
	res := scan(t, s)
	if len(res.skips) != 1 || res.skips[0].Reason != vigil.SkipUnsupport || res.skips[0].Origin.Path != ud.String() ||
		!strings.Contains(res.skips[0].Err.Error(), "application/vnd.example.unknown.layer") {
		t.Errorf("unknown media type: skips %v", res.skips)
	}
	if res.text["x.txt@0"] != "MARK-X\n" {
		t.Errorf("the known layer was not scanned: %v", keys(res.text))
	}

	// A layer blob cut short.
	dir := layoutDir(t, simpleImage(t))
	ld := layerDigests(t, simpleImage(t))[0]
	h, _ := v1.NewHash(ld)
	blob := filepath.Join(dir, "blobs", h.Algorithm, h.Hex)
	b, _ := os.ReadFile(blob)
	if err := os.WriteFile(blob, b[:len(b)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	res = scan(t, openImage(t, dir, Options{}))
	if len(res.skips) == 0 || res.skips[len(res.skips)-1].Reason != vigil.SkipUnreadable {
		t.Errorf("truncated layer: skips %v", res.skips)
	}
	// A layer blob that is missing.
	os.Remove(blob)
	res = scan(t, openImage(t, dir, Options{}))
	if len(res.skips) != 1 || !strings.Contains(res.skips[0].String(), ld) || !strings.Contains(res.skips[0].String(), "open layer 0") {
		t.Errorf("missing layer: skips %v", res.skips)
	}
}

func TestPlatforms(t *testing.T) {
	amd := simpleImage(t)
	arm := buildImage(t, nil, nil, step{"ADD arm /", layerOf(t, entry{name: "arm.txt", body: "ARM\n"})})
	cfg, _ := arm.ConfigFile()
	cfg = cfg.DeepCopy()
	cfg.Architecture = "arm64"
	arm, _ = mutate.ConfigFile(arm, cfg)
	dir := layoutDir(t, arm, amd)
	res := scan(t, openImage(t, dir, Options{}))
	if _, ok := res.text["x.txt@0"]; !ok {
		t.Errorf("default platform: scanned %v", keys(res.text))
	}
	res = scan(t, openImage(t, dir, Options{Platform: &v1.Platform{OS: "linux", Architecture: "arm64"}}))
	if _, ok := res.text["arm.txt@0"]; !ok {
		t.Errorf("arm64: scanned %v", keys(res.text))
	}
	_, err := Open(t.Context(), dir, Options{Platform: &v1.Platform{OS: "windows", Architecture: "amd64"}})
	if err == nil || !strings.Contains(err.Error(), "linux/arm64") || !strings.Contains(err.Error(), "--platform") {
		t.Errorf("missing platform: %v", err)
	}
}

func TestRegistry(t *testing.T) {
	t.Setenv("DOCKER_CONFIG", t.TempDir()) // no credentials of the user's
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	t.Cleanup(srv.Close)
	host := strings.TrimPrefix(srv.URL, "http://")
	ref := host + "/team/app:1"
	r, err := name.ParseReference(ref)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(r, storyImage(t)); err != nil {
		t.Fatal(err)
	}
	s := openImage(t, ref, Options{})
	res := scan(t, s)
	f := findingAt(t, res, "app/.env@0", "MARK-A")
	s.Annotate(&f)
	if f.Present == nil || *f.Present {
		t.Errorf("present %v", f.Present)
	}
	if _, ok := res.text["lib/app.jar!conf/app.properties@2"]; !ok {
		t.Errorf("scanned %v", keys(res.text))
	}
	_, err = Open(context.Background(), host+"/team/missing:1", Options{})
	if err == nil || !strings.Contains(err.Error(), "pull "+host+"/team/missing:1") {
		t.Errorf("missing image: %v", err)
	}
}
