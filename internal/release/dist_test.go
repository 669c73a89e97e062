package release

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// The installer against a release goreleaser itself built: set
// VIGIL_RELEASE_DIST to the dist/ of
//
//	go tool -modfile=tools/goreleaser/go.mod goreleaser release --snapshot --clean --skip=sbom
//
// and this test serves it as the release its metadata.json names and
// installs this platform's archive from it. Without the variable it skips
// (goreleaser is too slow to build on every test run).
func TestInstallGoreleaserDist(t *testing.T) {
	dist := os.Getenv("VIGIL_RELEASE_DIST")
	if dist == "" {
		t.Skip("VIGIL_RELEASE_DIST is not set")
	}
	needInstaller(t)
	var meta struct {
		Tag     string `json:"tag"`
		Version string `json:"version"`
	}
	if err := json.Unmarshal([]byte(readFile(t, filepath.Join(dist, "metadata.json"))), &meta); err != nil {
		t.Fatalf("metadata.json: %v", err)
	}
	tag := "v" + meta.Version
	if _, err := os.Stat(filepath.Join(dist, ArchiveName(tag, runtime.GOOS, runtime.GOARCH))); err != nil {
		t.Fatalf("goreleaser's dist has no %s (ArchiveName and .goreleaser.yaml disagree?): %v", ArchiveName(tag, runtime.GOOS, runtime.GOARCH), err)
	}
	releases := t.TempDir()
	abs, err := filepath.Abs(dist)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(abs, filepath.Join(releases, tag)); err != nil {
		t.Fatal(err)
	}
	url := serve(t, Releases{Root: releases, Latest: tag})
	dir := filepath.Join(t.TempDir(), "bin")
	env := []string{"VIGIL_RELEASES=" + url, "VIGIL_INSTALL_DIR=" + dir}
	code, _, stderr := run(t, t.TempDir(), env, "sh", filepath.Join(repoRoot(t), "scripts", "install.sh"))
	if code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", code, stderr)
	}
	if got, want := versionOf(t, filepath.Join(dir, "vigil")), "vigil "+tag; got != want {
		t.Errorf("installed %q, want %q", got, want)
	}
}
