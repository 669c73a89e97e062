// Package githttp serves git repositories over HTTP on loopback for
// tests, with git's own server (git http-backend, run as a CGI program),
// optionally behind a token checked as GitHub and GitLab do (HTTP Basic
// with the token as password).
package githttp

import (
	"encoding/base64"
	"io"
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/vigilsec/vigil/internal/testenv"
)

// Server serves the bare repositories under Root at URL/NAME.git.
type Server struct {
	*httptest.Server
	Root string
	// Token, when set, is required (any user name).
	Token string
	// Down makes every request fail with 503 (an outage).
	Down atomic.Bool
	// Requests counts the requests served or refused (a 'git ls-remote'
	// is one, a fetch two or more).
	Requests atomic.Int64
}

// Start serves root (created when missing) until the test ends.
func Start(t testing.TB, root string) *Server {
	t.Helper()
	testenv.NeedProgram(t, "git")
	out, err := exec.Command("git", "--exec-path").Output()
	if err != nil {
		t.Fatalf("git --exec-path: %v", err)
	}
	backend := filepath.Join(strings.TrimSpace(string(out)), "git-http-backend")
	if _, err := os.Stat(backend); err != nil {
		t.Skipf("skipping: %s not found", backend)
	}
	if err := os.MkdirAll(root, 0o755); err != nil {
		t.Fatal(err)
	}
	s := &Server{Root: root}
	h := &cgi.Handler{Path: backend, Env: []string{"GIT_PROJECT_ROOT=" + root, "GIT_HTTP_EXPORT_ALL=1", "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null"}, Stderr: io.Discard}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.Requests.Add(1)
		if s.Down.Load() {
			http.Error(w, "unavailable", http.StatusServiceUnavailable)
			return
		}
		if s.Token != "" && !s.authorized(r) {
			w.Header().Set("WWW-Authenticate", `Basic realm="git"`)
			http.Error(w, "authentication required", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *Server) authorized(r *http.Request) bool {
	auth, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Basic ")
	if !ok {
		return false
	}
	raw, err := base64.StdEncoding.DecodeString(auth)
	if err != nil {
		return false
	}
	_, pass, _ := strings.Cut(string(raw), ":")
	return pass == s.Token
}

// URLOf is the clone URL of the repository NAME.git.
func (s *Server) URLOf(name string) string { return s.URL + "/" + name + ".git" }

// Publish pushes every ref of a work repository to Root/NAME.git
// (created bare when missing), forcing, and pruning refs it lacks.
func (s *Server) Publish(t testing.TB, work, name string) {
	t.Helper()
	dst := filepath.Join(s.Root, name+".git")
	if _, err := os.Stat(dst); err != nil {
		run(t, "", "init", "-q", "--bare", dst)
	}
	run(t, work, "push", "-q", "--force", "--prune", dst, "+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*")
	run(t, dst, "symbolic-ref", "HEAD", "refs/heads/main")
}

func run(t testing.TB, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
}
