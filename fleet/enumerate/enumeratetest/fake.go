// Package enumeratetest serves fake GitHub and GitLab REST APIs on
// loopback for tests: the repository listings, with the pagination,
// rate-limit headers and error bodies the real services document.
package enumeratetest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Repo is a repository the fakes list.
type Repo struct {
	Owner, Name string // GitLab: Owner is the group path
	CloneURL    string
	Archived    bool
	Fork        bool
	// PushedAt is GitHub's pushed_at, GitLab's last_activity_at (null
	// when zero).
	PushedAt time.Time
}

// Server is a fake API server. Set its fields before the first request.
type Server struct {
	*httptest.Server
	// Token is the token the API accepts; "" accepts anonymous calls.
	Token string
	// Repos are listed by owner (GitHub org or user, GitLab group).
	mu     sync.Mutex
	repos  map[string][]Repo
	gitlab bool
	// LimitAfter makes every request after that many answer with a rate
	// limit (primary: 403 with X-RateLimit-Remaining 0; Secondary: 429
	// with Retry-After), for LimitFor requests.
	LimitAfter, LimitFor int
	Secondary            bool
	requests             int
	// Requests records the paths asked for.
	Requests []string
}

// NewGitHub starts a fake GitHub API (its URL is the API root).
func NewGitHub() *Server {
	s := &Server{repos: map[string][]Repo{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.github))
	return s
}

// NewGitLab starts a fake GitLab API (its URL + "/api/v4" is the root).
func NewGitLab() *Server {
	s := &Server{repos: map[string][]Repo{}, gitlab: true}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serveGitLab))
	return s
}

// Add lists a repository.
func (s *Server) Add(r Repo) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.repos[r.Owner] = append(s.repos[r.Owner], r)
}

// Remove stops listing a repository (deleted or renamed upstream).
func (s *Server) Remove(owner, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var keep []Repo
	for _, r := range s.repos[owner] {
		if r.Name != name {
			keep = append(keep, r)
		}
	}
	s.repos[owner] = keep
}

// Push records a push to a repository at a time, as the API then shows
// it: GitHub's pushed_at moves at every push; GitLab's last_activity_at
// moves only when the last one is an hour old or more (GitLab updates it
// at most once an hour).
func (s *Server) Push(owner, name string, at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, r := range s.repos[owner] {
		if r.Name != name {
			continue
		}
		if s.gitlab && !r.PushedAt.IsZero() && at.Sub(r.PushedAt) < time.Hour {
			return
		}
		s.repos[owner][i].PushedAt = at
	}
}

// apiTime is a timestamp as the APIs write it, or null.
func apiTime(t time.Time, layout string) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(layout)
}

// admit counts a request and answers a rate limit when one is due; it
// reports whether the request may go on.
func (s *Server) admit(w http.ResponseWriter, r *http.Request, gitlab bool) bool {
	s.mu.Lock()
	s.requests++
	n := s.requests
	s.Requests = append(s.Requests, r.URL.RequestURI())
	s.mu.Unlock()
	prefix := "X-RateLimit-"
	if gitlab {
		prefix = "RateLimit-"
	}
	w.Header().Set(prefix+"Limit", "5000")
	if s.LimitAfter > 0 && n > s.LimitAfter && n <= s.LimitAfter+s.LimitFor {
		if s.Secondary {
			w.Header().Set("Retry-After", "1")
			writeJSON(w, http.StatusTooManyRequests, map[string]string{"message": "You have exceeded a secondary rate limit."})
			return false
		}
		w.Header().Set(prefix+"Remaining", "0")
		w.Header().Set(prefix+"Reset", strconv.FormatInt(time.Now().Add(time.Second).Unix(), 10))
		code := http.StatusForbidden
		if gitlab {
			code = http.StatusTooManyRequests
		}
		writeJSON(w, code, map[string]string{"message": "API rate limit exceeded"})
		return false
	}
	w.Header().Set(prefix+"Remaining", "4999")
	return true
}

func (s *Server) github(w http.ResponseWriter, r *http.Request) {
	if !s.admit(w, r, false) {
		return
	}
	if s.Token != "" && r.Header.Get("Authorization") != "Bearer "+s.Token {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"})
		return
	}
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if len(parts) != 3 || (parts[0] != "orgs" && parts[0] != "users") || parts[2] != "repos" {
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found", "documentation_url": "https://docs.github.com/rest"})
		return
	}
	s.mu.Lock()
	repos, ok := s.repos[parts[1]]
	s.mu.Unlock()
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found", "documentation_url": "https://docs.github.com/rest"})
		return
	}
	per := atoi(r.URL.Query().Get("per_page"), 30)
	page := atoi(r.URL.Query().Get("page"), 1)
	from, to := min((page-1)*per, len(repos)), min(page*per, len(repos))
	last := max((len(repos)+per-1)/per, 1)
	var links []string
	link := func(p int, rel string) {
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(p))
		links = append(links, fmt.Sprintf(`<%s%s?%s>; rel="%s"`, s.URL, r.URL.Path, q.Encode(), rel))
	}
	if page < last {
		link(page+1, "next")
		link(last, "last")
	}
	if page > 1 {
		link(1, "first")
		link(page-1, "prev")
	}
	if len(links) > 0 {
		w.Header().Set("Link", strings.Join(links, ", "))
	}
	out := []map[string]any{}
	for _, rp := range repos[from:to] {
		out = append(out, map[string]any{"full_name": rp.Owner + "/" + rp.Name, "name": rp.Name, "clone_url": rp.CloneURL,
			"ssh_url": "git@github.example:" + rp.Owner + "/" + rp.Name + ".git", "archived": rp.Archived, "fork": rp.Fork, "private": false,
			"pushed_at": apiTime(rp.PushedAt, "2006-01-02T15:04:05Z")})
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) serveGitLab(w http.ResponseWriter, r *http.Request) {
	if !s.admit(w, r, true) {
		return
	}
	if s.Token != "" && r.Header.Get("PRIVATE-TOKEN") != s.Token {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"message": "401 Unauthorized"})
		return
	}
	// /api/v4/groups/<url-encoded path>/projects
	rest, ok := strings.CutPrefix(r.URL.EscapedPath(), "/api/v4/groups/")
	group, tail, _ := strings.Cut(rest, "/")
	if !ok || tail != "projects" {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "404 Not Found"})
		return
	}
	group, _ = url.PathUnescape(group)
	subgroups := r.URL.Query().Get("include_subgroups") == "true"
	s.mu.Lock()
	var repos []Repo
	found := false
	for owner, rs := range s.repos {
		if owner == group || subgroups && strings.HasPrefix(owner, group+"/") {
			repos = append(repos, rs...)
		}
		if owner == group || strings.HasPrefix(owner, group+"/") {
			found = true
		}
	}
	s.mu.Unlock()
	if !found {
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "404 Group Not Found"})
		return
	}
	// Keyset pagination by id: ids are positions + 1 in a stable order.
	slices.SortFunc(repos, func(a, b Repo) int { return strings.Compare(a.Owner+"/"+a.Name, b.Owner+"/"+b.Name) })
	per := atoi(r.URL.Query().Get("per_page"), 20)
	after := atoi(r.URL.Query().Get("id_after"), 0)
	from := min(after, len(repos))
	to := min(from+per, len(repos))
	if to < len(repos) {
		q := r.URL.Query()
		q.Set("id_after", strconv.Itoa(to))
		w.Header().Set("Link", fmt.Sprintf(`<%s%s?%s>; rel="next"`, s.URL, r.URL.EscapedPath(), q.Encode()))
	}
	out := []map[string]any{}
	for i, rp := range repos[from:to] {
		p := map[string]any{"id": from + i + 1, "path_with_namespace": rp.Owner + "/" + rp.Name, "http_url_to_repo": rp.CloneURL,
			"ssh_url_to_repo": "git@gitlab.example:" + rp.Owner + "/" + rp.Name + ".git", "archived": rp.Archived,
			"last_activity_at": apiTime(rp.PushedAt, "2006-01-02T15:04:05.000Z")}
		if rp.Fork {
			p["forked_from_project"] = map[string]any{"id": 1}
		}
		out = append(out, p)
	}
	writeJSON(w, http.StatusOK, out)
}

func atoi(s string, def int) int {
	if n, err := strconv.Atoi(s); err == nil && n > 0 {
		return n
	}
	return def
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}
