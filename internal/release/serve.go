package release

import (
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// Releases serves a directory of releases (Root/TAG/FILE) the way GitHub
// serves a repository's releases page, under the prefix the installer is
// pointed at (VIGIL_RELEASES):
//
//	/latest                → redirect to /tag/LATEST, or to / when there is no release
//	/tag/TAG               → the release's page
//	/download/TAG/FILE     → redirect to /objects/TAG/FILE (GitHub sends downloads to another host)
//	/objects/TAG/FILE      → the file
//
// Anything else is 404.
type Releases struct {
	Root   string // one directory per tag
	Latest string // the tag /latest redirects to; "" when there is no release
}

// ServeHTTP answers one request.
func (rs Releases) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	p := r.URL.Path
	switch {
	case p == "/":
		_, _ = w.Write([]byte("releases\n"))
	case p == "/latest":
		if rs.Latest == "" {
			http.Redirect(w, r, "/", http.StatusFound)
			return
		}
		http.Redirect(w, r, "/tag/"+rs.Latest, http.StatusFound)
	case strings.HasPrefix(p, "/tag/"):
		if !rs.exists(strings.TrimPrefix(p, "/tag/")) {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write([]byte("release " + strings.TrimPrefix(p, "/tag/") + "\n"))
	case strings.HasPrefix(p, "/download/"):
		rel := strings.TrimPrefix(p, "/download/")
		if !rs.exists(rel) {
			http.NotFound(w, r)
			return
		}
		http.Redirect(w, r, "/objects/"+rel, http.StatusFound)
	case strings.HasPrefix(p, "/objects/"):
		rel := strings.TrimPrefix(p, "/objects/")
		if !rs.exists(rel) {
			http.NotFound(w, r)
			return
		}
		http.ServeFile(w, r, filepath.Join(rs.Root, filepath.FromSlash(rel)))
	default:
		http.NotFound(w, r)
	}
}

// exists says whether rel (TAG or TAG/FILE) is in Root, refusing any path
// that is not plainly inside it.
func (rs Releases) exists(rel string) bool {
	if rel == "" || path.Clean(rel) != rel || strings.HasPrefix(rel, "/") || strings.Contains(rel, "..") {
		return false
	}
	_, err := os.Stat(filepath.Join(rs.Root, filepath.FromSlash(rel)))
	return err == nil
}
