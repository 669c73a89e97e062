package main

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/static"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/vigilsec/vigil/internal/fakecred"
	"github.com/vigilsec/vigil/internal/imagetest"
)

// scanRun drives 'vigil scan' with args, as a non-terminal.
func scanRun(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), append([]string{"scan", "--no-config"}, args...), stdio{
		stdin: strings.NewReader(""), stdout: &out, stderr: &errb,
		getenv: func(string) string { return "" }, isTerminal: func(any) bool { return false },
	})
	return code, out.String(), errb.String()
}

// twilioPair is a generated Account SID and Auth Token as a .env file.
func twilioPair(seed uint64) string {
	return fakecred.New(seed).MustExpand("TWILIO_ACCOUNT_SID=AC{hex:32}\nTWILIO_AUTH_TOKEN={hex:32}\n")
}

func tarLayer(t *testing.T, files map[string]string) v1.Layer { return imagetest.Layer(t, files) }

// imageWith builds an image of layers, made by the given history steps,
// with env in its config, and saves it as docker save does.
func imageWith(t *testing.T, env []string, layers []v1.Layer, steps []string) string {
	t.Helper()
	img := empty.Image
	var err error
	for i, l := range layers {
		if img, err = mutate.Append(img, mutate.Addendum{Layer: l, History: v1.History{CreatedBy: steps[i]}}); err != nil {
			t.Fatal(err)
		}
	}
	if img, err = mutate.Config(img, v1.Config{Env: env}); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "image.tar")
	if err := tarball.WriteToFile(p, name.MustParseReference("vigil.test/app:1"), img); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestScanImage(t *testing.T) {
	envPair := strings.Split(strings.TrimSpace(twilioPair(7)), "\n")
	p := imageWith(t, append([]string{"PATH=/usr/bin"}, envPair...), []v1.Layer{
		tarLayer(t, map[string]string{"app/.env": twilioPair(1), "app/README": "hello\n"}),
		tarLayer(t, map[string]string{"app/.wh..env": ""}),
		tarLayer(t, map[string]string{"srv/config.env": twilioPair(2)}),
	}, []string{"COPY app /app", "RUN rm /app/.env", "COPY config.env /srv/"})
	code, stdout, stderr := scanRun(t, "--image", p, "--format", "json")
	if code != exitFindings {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	var rep struct {
		Findings []struct {
			Rule     string `json:"rule"`
			Present  *bool  `json:"present"`
			Location struct {
				Path  string `json:"path"`
				Layer *struct {
					Digest    string `json:"digest"`
					Index     int    `json:"index"`
					CreatedBy string `json:"created_by"`
				} `json:"layer"`
			} `json:"location"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		present   bool
		index     int
		createdBy string
	}{
		"app/.env":       {false, 0, "COPY app /app"},
		"srv/config.env": {true, 2, "COPY config.env /srv/"},
		"@config/env":    {true, -1, ""},
	}
	got := 0
	for _, f := range rep.Findings {
		if f.Rule != "twilio-auth-token" {
			continue
		}
		w, ok := want[f.Location.Path]
		l := f.Location.Layer
		if !ok || l == nil || f.Present == nil || *f.Present != w.present || l.Index != w.index || l.CreatedBy != w.createdBy || !strings.HasPrefix(l.Digest, "sha256:") {
			t.Errorf("finding %+v layer %+v present %v", f.Location.Path, l, f.Present)
			continue
		}
		got++
	}
	if got != len(want) {
		t.Errorf("%d of %d auth token findings; stdout:\n%s", got, len(want), stdout)
	}
	// The text report says where and whether the secret is still there.
	_, text, _ := scanRun(t, "--image", p)
	for _, s := range []string{"layer: 0 sha256:", "COPY app /app", "deleted or replaced by a later layer", "still present", "image config sha256:"} {
		if !strings.Contains(text, s) {
			t.Errorf("text report lacks %q:\n%s", s, text)
		}
	}
}

func TestScanImageBadInput(t *testing.T) {
	good := imageWith(t, nil, []v1.Layer{tarLayer(t, map[string]string{"a.txt": "a\n"})}, []string{"ADD a"})
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	truncated := filepath.Join(dir, "truncated.tar")
	os.WriteFile(truncated, data[:len(data)/3], 0o644)
	odd := static.NewLayer([]byte("not a tar"), "application/vnd.example.odd")
	img, err := mutate.Append(empty.Image, mutate.Addendum{Layer: odd, MediaType: "application/vnd.example.odd"})
	if err != nil {
		t.Fatal(err)
	}
	unknown := filepath.Join(dir, "unknown.tar")
	if err := tarball.WriteToFile(unknown, name.MustParseReference("vigil.test/odd:1"), img); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"missing", []string{"--image", filepath.Join(dir, "missing.tar")}, exitUsage, "no such file"},
		{"truncated", []string{"--image", truncated}, exitRuntime, "truncated.tar: read tarball: unexpected EOF"},
		{"not an image", []string{"--image", writeScanFile(t, "x.tar", "just text")}, exitRuntime, "x.tar: read tarball"},
		{"paths too", []string{"--image", good, "src/"}, exitUsage, "--image scans an image, not paths"},
		{"bad platform", []string{"--image", good, "--platform", "a/b/c/d"}, exitUsage, "--platform"},
		{"clean", []string{"--image", good}, exitClean, "0 findings in 2 items"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := scanRun(t, tc.args...)
			if code != tc.code || !strings.Contains(stderr, tc.msg) {
				t.Errorf("exit %d (want %d), stderr:\n%s", code, tc.code, stderr)
			}
		})
	}
	// A layer of an unknown media type: docker save tarballs carry none,
	// so the layer is read as a tar and found broken; an OCI layout names
	// the media type, and the layer is refused.
	code, _, stderr := scanRun(t, "--image", unknown)
	if code != exitRuntime || !strings.Contains(stderr, "INCOMPLETE") {
		t.Errorf("unknown layer in docker save: exit %d, stderr:\n%s", code, stderr)
	}
	lp, err := layout.Write(filepath.Join(dir, "oci"), empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	if err := lp.AppendImage(img); err != nil {
		t.Fatal(err)
	}
	d, _ := odd.Digest()
	code, _, stderr = scanRun(t, "--image", filepath.Join(dir, "oci"))
	if code != exitRuntime || !strings.Contains(stderr, d.String()+`: unsupported: layer 0 has unsupported media type "application/vnd.example.odd"`) {
		t.Errorf("unknown layer in OCI layout: exit %d, stderr:\n%s", code, stderr)
	}
}

func writeScanFile(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestScanArchives(t *testing.T) {
	dir := t.TempDir()
	var jar bytes.Buffer
	zw := zip.NewWriter(&jar)
	w, _ := zw.Create("conf/app.properties")
	io.WriteString(w, twilioPair(3))
	zw.Close()
	var outer bytes.Buffer
	zw = zip.NewWriter(&outer)
	w, _ = zw.CreateHeader(&zip.FileHeader{Name: "lib/app.jar", Method: zip.Store})
	w.Write(jar.Bytes())
	zw.Close()
	os.WriteFile(filepath.Join(dir, "bundle.zip"), outer.Bytes(), 0o644)

	code, stdout, stderr := scanRun(t, "--format", "json", dir)
	if code != exitFindings || !strings.Contains(stdout, `bundle.zip!lib/app.jar!conf/app.properties"`) || !strings.Contains(stdout, `"source": "archive"`) {
		t.Errorf("nested: exit %d\n%s\n%s", code, stdout, stderr)
	}
	code, _, stderr = scanRun(t, "--archive-depth", "1", dir)
	if code != exitRuntime || !strings.Contains(stderr, "bundle.zip!lib/app.jar: limit: archive nested more than 1 deep") {
		t.Errorf("depth 1: exit %d\n%s", code, stderr)
	}
	code, _, stderr = scanRun(t, "--archive-depth", "0", dir)
	if code != exitRuntime || !strings.Contains(stderr, "nothing was scanned") {
		t.Errorf("depth 0: exit %d\n%s", code, stderr)
	}

	bombDir := t.TempDir()
	var bomb bytes.Buffer
	zw = zip.NewWriter(&bomb)
	w, _ = zw.Create("zeros.txt")
	w.Write(bytes.Repeat([]byte("0"), 8<<20))
	zw.Close()
	os.WriteFile(filepath.Join(bombDir, "bomb.zip"), bomb.Bytes(), 0o644)
	os.WriteFile(filepath.Join(bombDir, "broken.jar"), outer.Bytes()[:40], 0o644)
	code, _, stderr = scanRun(t, bombDir)
	for _, s := range []string{"INCOMPLETE", "bomb.zip!zeros.txt: limit:", "--archive-max-ratio", "broken.jar: unreadable: read zip"} {
		if !strings.Contains(stderr, s) {
			t.Errorf("bomb: stderr lacks %q:\n%s", s, stderr)
		}
	}
	if code != exitRuntime {
		t.Errorf("bomb: exit %d", code)
	}
	code, _, stderr = scanRun(t, "--archive-max-size", "lots", dir)
	if code != exitUsage || !strings.Contains(stderr, "--archive-max-size") {
		t.Errorf("bad size: exit %d\n%s", code, stderr)
	}
}

func TestScanImageRegistry(t *testing.T) {
	t.Setenv("DOCKER_CONFIG", t.TempDir()) // none of the user's credentials
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	t.Cleanup(srv.Close)
	ref := strings.TrimPrefix(srv.URL, "http://") + "/team/app:1"
	img, err := mutate.Append(empty.Image, mutate.Addendum{Layer: tarLayer(t, map[string]string{"etc/app.env": twilioPair(4)})})
	if err != nil {
		t.Fatal(err)
	}
	r, err := name.ParseReference(ref)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(r, img); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := scanRun(t, "--image", ref)
	if code != exitFindings || !strings.Contains(stdout, "etc/app.env:2:19: twilio-auth-token") {
		t.Errorf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	code, _, stderr = scanRun(t, "--image", strings.TrimSuffix(ref, ":1")+":missing")
	if code != exitRuntime || !strings.Contains(stderr, "pull ") {
		t.Errorf("missing tag: exit %d\n%s", code, stderr)
	}
}
