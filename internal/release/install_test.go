package release

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// The installer (scripts/install.sh, which action.yml runs too) against a
// release directory served on loopback: it installs what checksums.txt
// vouches for, and nothing else.
func TestInstall(t *testing.T) {
	needInstaller(t)
	root := repoRoot(t)
	installer := filepath.Join(root, "scripts", "install.sh")
	bin := buildVigil(t, root, "v0.1.0")
	base := t.TempDir()
	writeRelease(t, base, "v0.1.0", bin)
	archive := ArchiveName("v0.1.0", runtime.GOOS, runtime.GOARCH)

	tests := []struct {
		name     string
		args     []string
		env      []string
		latest   string           // "" = there is no release yet
		edit     func(dir string) // changes the copy of releases/v0.1.0
		wantCode int              // the installer's exit status
		wantErr  string           // in its stderr
		want     string           // first line of the installed `vigil version`; "" = the old one stays
	}{
		{name: "latest", latest: "v0.1.0", want: "vigil v0.1.0"},
		{name: "a tag", args: []string{"-v", "v0.1.0"}, want: "vigil v0.1.0"},
		{name: "a version without the v", args: []string{"-v", "0.1.0"}, want: "vigil v0.1.0"},
		{name: "the version from the environment", env: []string{"VIGIL_VERSION=v0.1.0"}, want: "vigil v0.1.0"},
		{
			name: "wrong checksum", latest: "v0.1.0",
			edit: func(dir string) {
				sums := readFile(t, filepath.Join(dir, "checksums.txt"))
				line := lineFor(t, sums, archive)
				bad := strings.Repeat("0", 64) + "  " + archive
				writeFile(t, filepath.Join(dir, "checksums.txt"), strings.Replace(sums, line, bad, 1))
			},
			wantCode: 1, wantErr: "checksum mismatch",
		},
		{
			name: "archive altered after the checksums were made", latest: "v0.1.0",
			edit: func(dir string) {
				f, err := os.OpenFile(filepath.Join(dir, archive), os.O_APPEND|os.O_WRONLY, 0)
				if err != nil {
					t.Fatal(err)
				}
				_, _ = f.Write([]byte{0})
				_ = f.Close()
			},
			wantCode: 1, wantErr: "checksum mismatch",
		},
		{
			name: "archive truncated", latest: "v0.1.0",
			edit: func(dir string) {
				if err := os.Truncate(filepath.Join(dir, archive), 1000); err != nil {
					t.Fatal(err)
				}
			},
			wantCode: 1, wantErr: "checksum mismatch",
		},
		{
			name: "checksums.txt does not list the archive", latest: "v0.1.0",
			edit: func(dir string) {
				sums := readFile(t, filepath.Join(dir, "checksums.txt"))
				writeFile(t, filepath.Join(dir, "checksums.txt"), strings.Replace(sums, lineFor(t, sums, archive)+"\n", "", 1))
			},
			wantCode: 1, wantErr: "has no line for " + archive,
		},
		{
			name: "a checksum line for a longer name does not count", latest: "v0.1.0",
			edit: func(dir string) {
				sums := readFile(t, filepath.Join(dir, "checksums.txt"))
				line := lineFor(t, sums, archive)
				writeFile(t, filepath.Join(dir, "checksums.txt"), strings.Replace(sums, line, line+".sig", 1))
			},
			wantCode: 1, wantErr: "has no line for " + archive,
		},
		{
			name: "no archive for this platform", latest: "v0.1.0",
			edit: func(dir string) {
				if err := os.Remove(filepath.Join(dir, archive)); err != nil {
					t.Fatal(err)
				}
			},
			wantCode: 1, wantErr: "lists " + archive + " but it is not there",
		},
		{
			name: "the vigil in the archive is a symbolic link", latest: "v0.1.0",
			edit: func(dir string) {
				if _, err := WriteArchive(dir, "v0.1.0", runtime.GOOS, runtime.GOARCH, []Member{{Name: "vigil", Symlink: "/bin/sh"}}); err != nil {
					t.Fatal(err)
				}
				if err := WriteChecksums(dir); err != nil {
					t.Fatal(err)
				}
			},
			wantCode: 1, wantErr: "no regular file vigil",
		},
		{name: "a version that was never released", args: []string{"-v", "v9.9.9"}, latest: "v0.1.0", wantCode: 4, wantErr: "no release v9.9.9"},
		{name: "no release yet", wantCode: 4, wantErr: "no vigil release yet"},
		{name: "a version that is a path", args: []string{"-v", "v0.1.0/../../x"}, latest: "v0.1.0", wantCode: 2, wantErr: "not a release tag"},
		{name: "a version that is shell", args: []string{"-v", "v0.1.0;touch pwned"}, latest: "v0.1.0", wantCode: 2, wantErr: "not a release tag"},
		{name: "an unknown flag", args: []string{"--yes"}, latest: "v0.1.0", wantCode: 2, wantErr: "usage"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			releases := t.TempDir()
			copyTree(t, base, releases)
			if tc.edit != nil {
				tc.edit(filepath.Join(releases, "v0.1.0"))
			}
			url := serve(t, Releases{Root: releases, Latest: tc.latest})
			dir := filepath.Join(t.TempDir(), "bin")
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			// An earlier vigil, which a refused install must leave alone.
			old := "#!/bin/sh\necho vigil v0.0.9\n"
			writeFile(t, filepath.Join(dir, "vigil"), old)
			if err := os.Chmod(filepath.Join(dir, "vigil"), 0o755); err != nil {
				t.Fatal(err)
			}

			env := append([]string{"VIGIL_RELEASES=" + url, "VIGIL_INSTALL_DIR=" + dir}, tc.env...)
			code, _, stderr := run(t, dir, env, "sh", append([]string{installer}, tc.args...)...)
			if code != tc.wantCode {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tc.wantCode, stderr)
			}
			if !strings.Contains(stderr, tc.wantErr) {
				t.Errorf("stderr lacks %q:\n%s", tc.wantErr, stderr)
			}
			if _, err := os.Stat(filepath.Join(dir, "pwned")); err == nil {
				t.Error("the version was run as shell")
			}
			got := versionOf(t, filepath.Join(dir, "vigil"))
			if tc.want == "" {
				if readFile(t, filepath.Join(dir, "vigil")) != old {
					t.Errorf("a refused install replaced the installed vigil (now %q)", got)
				}
				assertOnly(t, dir, "vigil")
				return
			}
			if got != tc.want {
				t.Errorf("installed %q, want %q", got, tc.want)
			}
			assertOnly(t, dir, "vigil")
		})
	}
}

// A release that does not exist is exit 4, and --from-source then builds
// vigil from a source tree (action.yml's fallback).
func TestInstallFromSource(t *testing.T) {
	needInstaller(t)
	root := repoRoot(t)
	installer := filepath.Join(root, "scripts", "install.sh")
	url := serve(t, Releases{Root: t.TempDir()})
	dir := filepath.Join(t.TempDir(), "bin")
	env := []string{"VIGIL_RELEASES=" + url, "VIGIL_INSTALL_DIR=" + dir, "VIGIL_VERSION=v9.9.9"}

	code, _, stderr := run(t, root, env, "sh", installer)
	if code != 4 {
		t.Fatalf("exit %d, want 4 for a missing release; stderr:\n%s", code, stderr)
	}
	if got := versionOf(t, filepath.Join(dir, "vigil")); got != "" {
		t.Fatalf("a missing release installed %q", got)
	}

	code, _, stderr = run(t, root, append(env, "VIGIL_SOURCE="+root), "sh", installer, "--from-source")
	if code != 0 {
		t.Fatalf("--from-source: exit %d; stderr:\n%s", code, stderr)
	}
	if got := versionOf(t, filepath.Join(dir, "vigil")); got != "vigil v9.9.9" {
		t.Errorf("built %q, want vigil v9.9.9", got)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func writeFile(t *testing.T, path, body string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

// lineFor is name's line of a checksums.txt, without its newline.
func lineFor(t *testing.T, sums, name string) string {
	t.Helper()
	for _, l := range strings.Split(sums, "\n") {
		if strings.HasSuffix(l, "  "+name) {
			return l
		}
	}
	t.Fatalf("checksums.txt has no line for %s:\n%s", name, sums)
	return ""
}

// assertOnly fails when dir holds anything but names (a leftover
// temporary file of a half-done install).
func assertOnly(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		ok := false
		for _, n := range names {
			ok = ok || e.Name() == n
		}
		if !ok {
			t.Errorf("%s holds %s after the install", dir, e.Name())
		}
	}
}

// A server that fails is an error (exit 1), never "no such release" (4),
// which would send action.yml to build something else instead.
func TestInstallServerError(t *testing.T) {
	needInstaller(t)
	installer := filepath.Join(repoRoot(t), "scripts", "install.sh")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "unavailable", http.StatusServiceUnavailable)
	}))
	t.Cleanup(srv.Close)
	for _, version := range []string{"latest", "v0.1.0"} {
		dir := filepath.Join(t.TempDir(), "bin")
		env := []string{"VIGIL_RELEASES=" + srv.URL, "VIGIL_INSTALL_DIR=" + dir, "VIGIL_VERSION=" + version}
		code, _, stderr := run(t, t.TempDir(), env, "sh", installer)
		if code != 1 || !strings.Contains(stderr, "HTTP 503") {
			t.Errorf("%s: exit %d, want 1 with HTTP 503; stderr:\n%s", version, code, stderr)
		}
		if got := versionOf(t, filepath.Join(dir, "vigil")); got != "" {
			t.Errorf("%s: installed %q", version, got)
		}
	}
}
