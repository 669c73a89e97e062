package layers

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vigilsec/vigil/internal/testenv"
)

const module = "github.com/vigilsec/vigil"

// TestVigil checks vigil's own packages against its layering.
func TestVigil(t *testing.T) {
	pkgs := load(t)
	if len(pkgs) < 20 {
		t.Fatalf("go list found %d packages: not the whole module", len(pkgs))
	}
	for _, v := range Check(pkgs, Vigil()) {
		t.Error(v)
	}
}

// The rules catch each kind of crossing they exist for, on a module
// that makes each one.
func TestVigilCatches(t *testing.T) {
	for _, tc := range []struct {
		name string
		pkg  Package
		want string
	}{
		{"a source imports rules", Package{ImportPath: "./source/files", Imports: []string{"./rules"}, Deps: []string{"./rules"}},
			"./source/files imports ./rules"},
		{"a source reaches report through another package", Package{ImportPath: "./source/git", Imports: []string{"./source/files"}, Deps: []string{"./source/files", "./report"}},
			"./source/git depends on ./report"},
		{"a public package imports an unlisted internal one", Package{ImportPath: "./webhook", Imports: []string{"./internal/rotate"}},
			"./webhook imports ./internal/rotate"},
		{"a public package imports a listed internal one it is not listed for", Package{ImportPath: "./twilio", Imports: []string{"./internal/endpoint"}},
			"./twilio imports ./internal/endpoint"},
		{"a library imports Prometheus", Package{ImportPath: "./verify", Imports: []string{"github.com/prometheus/client_golang/prometheus"}},
			"./verify imports github.com/prometheus/client_golang/prometheus"},
		{"an internal package imports Prometheus", Package{ImportPath: "./internal/audit", Imports: []string{"github.com/prometheus/client_golang/prometheus"}},
			"./internal/audit imports github.com/prometheus"},
		{"something other than a secret store imports a cloud SDK", Package{ImportPath: "./internal/rotate", Imports: []string{"github.com/aws/aws-sdk-go-v2/config"}},
			"./internal/rotate imports github.com/aws/aws-sdk-go-v2/config"},
		{"the rules import the OCI library", Package{ImportPath: "./rules", Imports: []string{"github.com/google/go-containerregistry/pkg/v1"}},
			"./rules imports github.com/google/go-containerregistry/pkg/v1"},
		{"the command links zxcvbn's dictionaries", Package{ImportPath: "./cmd/vigil", Name: "main", Imports: []string{"./passphrase"}, Deps: []string{"./passphrase", "github.com/trustelem/zxcvbn/matching"}},
			"./cmd/vigil depends on github.com/trustelem/zxcvbn/matching"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Check([]Package{tc.pkg}, Vigil())
			if !slices.ContainsFunc(got, func(s string) bool { return strings.HasPrefix(s, tc.want) }) {
				t.Errorf("no violation %q in:\n%s", tc.want, strings.Join(got, "\n"))
			}
		})
	}
}

// What the rules allow passes: commands and internal packages may import
// internal ones, a secret store its SDK, the proxy Prometheus.
func TestVigilAllows(t *testing.T) {
	allowed := []Package{
		{ImportPath: "./cmd/vigil", Name: "main", Imports: []string{"./internal/rotate", "github.com/prometheus/client_golang/prometheus"}},
		{ImportPath: "./bench/dirscan", Name: "main", Imports: []string{"./internal/fakecred"}},
		{ImportPath: "./internal/rotate", Imports: []string{"./internal/secretstore"}},
		{ImportPath: "./internal/secretstore/vault", Imports: []string{"github.com/hashicorp/vault/api"}},
		{ImportPath: "./webhook/proxy", Imports: []string{"github.com/prometheus/client_golang/prometheus"}},
		{ImportPath: "./source/files", Imports: []string{"./internal/glob"}, Deps: []string{"./internal/glob", "."}},
	}
	for _, v := range Check(allowed, Vigil()) {
		if !strings.HasPrefix(v, "exception") {
			t.Error(v)
		}
	}
}

func TestCheckUnusedException(t *testing.T) {
	r := Rule{Why: "w", From: func(Package) bool { return true }, To: Under("./x"), Except: []string{"./a -> ./x", "./b"}}
	got := Check([]Package{{ImportPath: "./a", Imports: []string{"./x"}}}, []Rule{r})
	if len(got) != 1 || !strings.Contains(got[0], `"./b" is not used`) {
		t.Errorf("got %q, want the unused exception ./b reported", got)
	}
}

func TestInternal(t *testing.T) {
	for p, want := range map[string]bool{
		"./internal":             true,
		"./internal/glob":        true,
		"./twilio/internal/x":    true,
		"./internalize":          false,
		"./report":               false,
		"golang.org/x/internal":  false, // not the module's
		"github.com/a/internal/": false,
	} {
		if got := Internal(p); got != want {
			t.Errorf("Internal(%q) = %v, want %v", p, got, want)
		}
	}
}

// load lists the module's packages with `go list`.
func load(t *testing.T) []Package {
	t.Helper()
	goBin := testenv.NeedProgram(t, "go")
	cmd := exec.Command(goBin, "list", "-json=ImportPath,Name,Imports,Deps,Dir", module+"/...")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.Bytes())
	}
	var pkgs []Package
	var root string
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p struct {
			Package
			Dir string
		}
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("go list output: %v", err)
		}
		if p.ImportPath == module {
			root = p.Dir
		}
		p.ImportPath = local(p.ImportPath)
		for i, imp := range p.Imports {
			p.Imports[i] = local(imp)
		}
		for i, d := range p.Deps {
			p.Deps[i] = local(d)
		}
		pkgs = append(pkgs, p.Package)
	}
	if root == "" {
		t.Fatal("go list did not list the module's root package")
	}
	readSources(t, root)
	return pkgs
}

// readSources reads every directory and Go file of the module. go test
// caches a result by the files and directories the test itself opens, and
// go list's reads are not the test's: without this, an import added to a
// source would be answered from the cache.
func readSources(t *testing.T, root string) {
	t.Helper()
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if p != root && (name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(name, ".go") || p == filepath.Join(root, "go.mod") {
			_, err = os.ReadFile(p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// local writes the module's paths relative to it.
func local(p string) string {
	if p == module {
		return "."
	}
	if rest, ok := strings.CutPrefix(p, module+"/"); ok {
		return "./" + rest
	}
	return p
}
