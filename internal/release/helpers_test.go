package release

import (
	"bytes"
	"errors"
	"go/build"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/vigilsec/vigil/internal/testenv"
)

// repoRoot is the vigil checkout the test runs in.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "scripts", "install.sh")); err != nil {
		t.Fatalf("not a vigil checkout: %v", err)
	}
	return root
}

// needInstaller skips (fails when strict) where scripts/install.sh cannot
// run: it needs sh and curl, and a platform it has releases for.
func needInstaller(t *testing.T) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("scripts/install.sh is a POSIX shell script; Windows runs it under Git Bash")
	}
	if runtime.GOARCH != "amd64" && runtime.GOARCH != "arm64" {
		t.Skipf("no vigil release for %s", runtime.GOARCH)
	}
	testenv.NeedProgram(t, "sh")
	testenv.NeedProgram(t, "curl")
}

// buildVigil builds cmd/vigil stamped as a release build of tag is.
func buildVigil(t *testing.T, root, tag string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "vigil")
	cmd := exec.Command("go", "build", "-ldflags", "-X main.version="+tag, "-o", out, "./cmd/vigil")
	cmd.Dir = root
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, b)
	}
	return out
}

// writeRelease lays out release tag in releases/tag with bin as this
// platform's vigil, an archive for another platform, and checksums.txt.
func writeRelease(t *testing.T, releases, tag, bin string) string {
	t.Helper()
	body, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(releases, tag)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	readme := Member{Name: "README.md", Body: []byte("# vigil\n"), Mode: 0o644}
	if _, err := WriteArchive(dir, tag, runtime.GOOS, runtime.GOARCH, []Member{{Name: "vigil", Body: body, Mode: 0o755}, readme}); err != nil {
		t.Fatal(err)
	}
	if _, err := WriteArchive(dir, tag, "windows", "amd64", []Member{{Name: "vigil.exe", Body: []byte("MZ not a program"), Mode: 0o755}, readme}); err != nil {
		t.Fatal(err)
	}
	if err := WriteChecksums(dir); err != nil {
		t.Fatal(err)
	}
	return dir
}

// serve serves a releases directory on loopback and returns its URL.
func serve(t *testing.T, rs Releases) string {
	t.Helper()
	srv := httptest.NewServer(rs)
	t.Cleanup(srv.Close)
	return srv.URL
}

// copyTree copies the regular files of src into dst.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// run runs a program with env added to a minimal environment and returns
// its exit code, stdout and stderr.
func run(t *testing.T, dir string, env []string, name string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append([]string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + t.TempDir(),
		"GOCACHE=" + goCache(t),
		"GOMODCACHE=" + goModCache(),
		"GOPROXY=off",
	}, env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0, stdout.String(), stderr.String()
	case errors.As(err, &exit):
		return exit.ExitCode(), stdout.String(), stderr.String()
	default:
		t.Fatalf("%s: %v", name, err)
		return 0, "", ""
	}
}

// goCache and goModCache are the go command's caches, found the way it
// finds them, so that a build under another HOME reuses them.
func goCache(t *testing.T) string {
	if c := os.Getenv("GOCACHE"); c != "" {
		return c
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, "go-build")
}

func goModCache() string {
	if c := os.Getenv("GOMODCACHE"); c != "" {
		return c
	}
	gopath, _, _ := strings.Cut(build.Default.GOPATH, string(os.PathListSeparator))
	return filepath.Join(gopath, "pkg", "mod")
}

// versionOf runs an installed vigil and returns the first line of
// `vigil version`, or "" when there is no vigil at path.
func versionOf(t *testing.T, path string) string {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		return ""
	}
	b, err := exec.Command(path, "version").Output()
	if err != nil {
		t.Fatalf("%s version: %v", path, err)
	}
	first, _, _ := strings.Cut(string(b), "\n")
	return first
}
