package serve

import (
	"fmt"
	"net/http"

	"github.com/vigilsec/vigil/fleet/store"
)

// reposData is the repositories page.
type reposData struct {
	Repositories []store.Repository `json:"repositories"`
	Jobs         bool               `json:"-"`
}

func (s *Server) repositories(r *http.Request, _ *rc) (view, error) {
	repos, err := s.st.Repositories(r.Context(), 0, r.URL.Query().Get("all") != "")
	if err != nil {
		return view{}, err
	}
	if repos == nil {
		repos = []store.Repository{}
	}
	return view{Template: "repositories", Title: "Repositories", Data: reposData{Repositories: repos, Jobs: s.opts.Jobs != nil}}, nil
}

func (s *Server) scanNow(r *http.Request, c *rc) (view, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return view{}, err
	}
	if s.opts.Jobs == nil {
		return view{}, &problem{Status: http.StatusServiceUnavailable, Title: "Scanning is not available", Detail: "This console was started without the fleet's job queue."}
	}
	repo, err := s.st.Repository(r.Context(), id)
	if err != nil {
		return view{}, err
	}
	if err := s.opts.Jobs.ScanNow(r.Context(), id); err != nil {
		return view{}, err
	}
	if err := s.st.Audit(r.Context(), store.AuditEntry{Actor: c.User.Name, Action: "scan_requested", Target: fmt.Sprintf("repository %d", id), Detail: repo.Name}); err != nil {
		return view{}, err
	}
	return view{Status: http.StatusAccepted, Redirect: "/repositories?done=scan", JSON: map[string]any{"repository": id, "queued": "scan"}}, nil
}

// auditLog is the console's own audit trail.
func (s *Server) auditLog(r *http.Request, _ *rc) (view, error) {
	var before int64
	fmt.Sscan(r.URL.Query().Get("before"), &before)
	entries, err := s.st.AuditLog(r.Context(), 200, before)
	if err != nil {
		return view{}, err
	}
	if entries == nil {
		entries = []store.AuditEntry{}
	}
	return view{Template: "audit", Title: "Audit trail", Data: entries}, nil
}
