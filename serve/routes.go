package serve

import (
	"net/http"

	"github.com/vigilsec/vigil/fleet/store"
)

// routes lays out the console. Every page is also an API endpoint at
// /api plus its path (the overview at /api/overview).
func (s *Server) routes() {
	viewer, member, admin := store.RoleViewer, store.RoleMember, store.RoleAdmin
	s.mux.HandleFunc("GET /static/", s.static)
	s.mux.HandleFunc("GET /healthz", s.healthz)
	s.mux.HandleFunc("GET /login", s.loginPage)
	s.mux.HandleFunc("POST /login", s.login)
	if s.oidc != nil {
		s.mux.HandleFunc("GET /login/oidc", s.oidcStart)
		s.mux.HandleFunc("GET /login/oidc/callback", s.oidcCallback)
	}
	s.mux.HandleFunc("POST /logout", func(w http.ResponseWriter, r *http.Request) {
		s.serveHTML(w, r, http.MethodPost, viewer, s.logoutHandler(w))
	})
	s.mux.HandleFunc("/api/", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "no such API endpoint"})
	})
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.htmlError(w, r, nil, &problem{Status: http.StatusNotFound, Title: "No such page", Detail: "There is no page at " + r.URL.Path + "."})
	})

	s.page("GET /{$}", viewer, s.overview)
	s.page("GET /incidents", viewer, s.incidents)
	s.page("GET /incidents/{id}", viewer, s.incident)
	s.page("POST /incidents/{id}/status", member, s.transition)
	s.page("POST /incidents/{id}/reverify", member, s.reverify)
	s.page("GET /incidents/{id}/exposure", member, s.exposure)
	s.page("GET /incidents/{id}/rotate", admin, s.rotatePlan)
	s.page("POST /incidents/{id}/rotate", admin, s.rotateStart)
	s.page("GET /rotations/{id}", admin, s.rotation)
	s.page("POST /rotations/{id}/confirm", admin, s.rotationConfirm)
	s.page("POST /rotations/{id}/recover", admin, s.rotationRecover)
	s.page("GET /repositories", viewer, s.repositories)
	s.page("POST /repositories/{id}/scan", member, s.scanNow)
	s.page("GET /twilio", viewer, s.twilioAccounts)
	s.page("GET /twilio/{account}", viewer, s.twilioAccount)
	s.page("GET /settings/rotation", admin, s.rotationTargets)
	s.page("POST /settings/rotation", admin, s.putRotationTarget)
	s.page("POST /settings/rotation/delete", admin, s.deleteRotationTarget)
	s.page("GET /users", admin, s.users)
	s.page("POST /users", admin, s.addUser)
	s.page("POST /users/{id}", admin, s.updateUser)
	s.page("POST /users/{id}/password", admin, s.resetPassword)
	s.page("GET /audit", admin, s.auditLog)
	s.page("GET /account", viewer, s.account)
	s.page("POST /account/password", viewer, s.changePassword)
	s.page("POST /account/tokens", viewer, s.createToken)
	s.page("POST /account/tokens/{id}/revoke", viewer, s.revokeToken)
}

// healthz answers 200 when the database does, 503 when it does not.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	if err := s.st.DB().PingContext(r.Context()); err != nil {
		http.Error(w, "database unavailable", http.StatusServiceUnavailable)
		return
	}
	_, _ = w.Write([]byte("ok\n"))
}
