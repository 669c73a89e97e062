// Package registrytest serves the parts of the package registries' public
// APIs that vigil twilio sdk --online reads, from a release table, on
// loopback: npm, PyPI's JSON API, Maven Central's search, NuGet's flat
// container, Packagist's p2 files, RubyGems' versions API and the Go
// module proxy, each under /ECOSYSTEM (see twiliosdk.RegistriesAt).
package registrytest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigilsec/vigil/internal/twiliosdk"
)

// Server is a fake of the registries.
type Server struct {
	*httptest.Server
	table *twiliosdk.Table
	mu    sync.Mutex
	down  map[twiliosdk.Ecosystem]bool
	hits  map[string]int
}

// New starts a fake serving t's releases; it closes with the test.
func New(tb testing.TB, t *twiliosdk.Table) *Server {
	s := &Server{table: t, down: map[twiliosdk.Ecosystem]bool{}, hits: map[string]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	tb.Cleanup(s.Close)
	return s
}

// Down makes a registry answer 503.
func (s *Server) Down(eco twiliosdk.Ecosystem) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.down[eco] = true
}

// Hits returns how many requests a registry received.
func (s *Server) Hits(eco twiliosdk.Ecosystem) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[string(eco)]
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	eco, rest, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	s.mu.Lock()
	s.hits[eco]++
	down := s.down[twiliosdk.Ecosystem(eco)]
	s.mu.Unlock()
	lib := s.table.Library(twiliosdk.Ecosystem(eco))
	if lib == nil || down {
		http.Error(w, "unavailable", http.StatusServiceUnavailable)
		return
	}
	var doc any
	switch lib.Ecosystem {
	case twiliosdk.NPM:
		if rest != lib.Package {
			break
		}
		versions, times := map[string]any{}, map[string]string{}
		for _, r := range lib.Releases {
			versions[r.Version.String()] = map[string]string{"name": lib.Package, "version": r.Version.String()}
			times[r.Version.String()] = stamp(r.Date)
		}
		doc = map[string]any{"name": lib.Package, "versions": versions, "time": times}
	case twiliosdk.PyPI:
		if rest != "pypi/"+lib.Package+"/json" {
			break
		}
		rels := map[string]any{}
		for _, r := range lib.Releases {
			rels[r.Version.String()] = []map[string]any{{"upload_time_iso_8601": stamp(r.Date), "yanked": false}}
		}
		doc = map[string]any{"info": map[string]string{"name": lib.Package}, "releases": rels}
	case twiliosdk.Maven:
		g, a, _ := strings.Cut(lib.Package, ":")
		if rest != "solrsearch/select" || r.URL.Query().Get("q") != `g:"`+g+`" AND a:"`+a+`"` || r.URL.Query().Get("core") != "gav" {
			break
		}
		var docs []map[string]any
		for _, r := range lib.Releases {
			docs = append(docs, map[string]any{"g": g, "a": a, "v": r.Version.String(), "timestamp": r.Date.UnixMilli()})
		}
		doc = map[string]any{"response": map[string]any{"numFound": len(docs), "docs": docs}}
	case twiliosdk.NuGet:
		if rest != "v3-flatcontainer/"+strings.ToLower(lib.Package)+"/index.json" {
			break
		}
		var vs []string
		for _, r := range lib.Releases {
			vs = append([]string{r.Version.String()}, vs...) // oldest first, as NuGet lists them
		}
		doc = map[string]any{"versions": vs}
	case twiliosdk.Packagist:
		if rest != "p2/"+lib.Package+".json" {
			break
		}
		var vs []map[string]string
		for _, r := range lib.Releases {
			vs = append(vs, map[string]string{"name": lib.Package, "version": r.Version.String(), "time": stamp(r.Date)})
		}
		doc = map[string]any{"minified": "composer/2.0", "packages": map[string]any{lib.Package: vs}}
	case twiliosdk.RubyGems:
		if rest != "api/v1/versions/"+lib.Package+".json" {
			break
		}
		var vs []map[string]any
		for _, r := range lib.Releases {
			vs = append(vs, map[string]any{"number": r.Version.String(), "created_at": stamp(r.Date), "prerelease": r.Version.Pre != ""})
		}
		doc = vs
	case twiliosdk.GoModules:
		switch {
		case rest == lib.Package+"/@v/list":
			var b strings.Builder
			for _, r := range lib.Releases {
				b.WriteString("v" + r.Version.String() + "\n")
			}
			w.Write([]byte(b.String()))
			return
		case strings.HasPrefix(rest, lib.Package+"/@v/v") && strings.HasSuffix(rest, ".info"):
			v := strings.TrimSuffix(strings.TrimPrefix(rest, lib.Package+"/@v/v"), ".info")
			for _, r := range lib.Releases {
				if r.Version.String() == v {
					doc = map[string]string{"Version": "v" + v, "Time": stamp(r.Date)}
				}
			}
		}
	}
	if doc == nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(doc)
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }
