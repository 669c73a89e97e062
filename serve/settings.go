package serve

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/vigilsec/vigil/fleet/store"
	"github.com/vigilsec/vigil/twilio"
)

// targetsData is the rotation settings page.
type targetsData struct {
	Targets      []store.RotationTarget `json:"targets"`
	Repositories []store.Repository     `json:"-"`
}

func (s *Server) rotationTargets(r *http.Request, _ *rc) (view, error) {
	ts, err := s.st.RotationTargets(r.Context())
	if err != nil {
		return view{}, err
	}
	if ts == nil {
		ts = []store.RotationTarget{}
	}
	repos, err := s.st.Repositories(r.Context(), 0, false)
	if err != nil {
		return view{}, err
	}
	return view{Template: "settings", Title: "Rotation settings", Data: targetsData{Targets: ts, Repositories: repos}}, nil
}

// checkScope accepts "repository:ID" and "account:AC…".
func checkScope(sc string) error {
	kind, v, _ := strings.Cut(sc, ":")
	switch kind {
	case "repository":
		if id, err := strconv.ParseInt(v, 10, 64); err == nil && id > 0 {
			return nil
		}
	case "account":
		if twilio.IsAccountSID(v) {
			return nil
		}
	}
	return fmt.Errorf("scope %q: want repository:ID or account:AC… (an Account SID)", sc)
}

// putRotationTarget stores where the credentials of a repository or an
// account live. Fields: scope, store, credentials_store, sid_field,
// secret_field, token_field, health_url, wait (a duration).
func (s *Server) putRotationTarget(r *http.Request, c *rc) (view, error) {
	f := r.PostForm
	t := store.RotationTarget{Scope: strings.TrimSpace(f.Get("scope")), StoreURI: strings.TrimSpace(f.Get("store")),
		CredentialsURI: strings.TrimSpace(f.Get("credentials_store")), SIDField: strings.TrimSpace(f.Get("sid_field")),
		SecretField: strings.TrimSpace(f.Get("secret_field")), TokenField: strings.TrimSpace(f.Get("token_field")),
		HealthURL: strings.TrimSpace(f.Get("health_url")), UpdatedBy: c.User.Name}
	if err := checkScope(t.Scope); err != nil {
		return view{}, badRequest("%v", err)
	}
	if t.StoreURI == "" || !strings.Contains(t.StoreURI, ":") {
		return view{}, badRequest("store %q: want a secret store URI such as dotenv:/srv/app/.env or vault://vault:8200/secret/app", t.StoreURI)
	}
	if t.HealthURL != "" && !strings.HasPrefix(t.HealthURL, "http://") && !strings.HasPrefix(t.HealthURL, "https://") {
		return view{}, badRequest("health URL %q: want an http(s) URL", t.HealthURL)
	}
	if w := strings.TrimSpace(f.Get("wait")); w != "" {
		d, err := time.ParseDuration(w)
		if err != nil || d < 0 || d > 24*time.Hour {
			return view{}, badRequest("wait %q: want a duration such as 30s or 2m", w)
		}
		t.Wait = d
	}
	if t.Wait > 0 && t.HealthURL != "" {
		return view{}, badRequest("give a wait or a health URL, not both")
	}
	if s.opts.Twilio != nil && s.opts.Twilio.OpenStore != nil {
		if _, err := s.opts.Twilio.OpenStore(r.Context(), t.StoreURI); err != nil {
			return view{}, badRequest("store: %v", err)
		}
	}
	if err := s.st.PutRotationTarget(r.Context(), t); err != nil {
		return view{}, err
	}
	if err := s.st.Audit(r.Context(), store.AuditEntry{Actor: c.User.Name, Action: "rotation_target_set", Target: t.Scope, Detail: "store " + t.StoreURI}); err != nil {
		return view{}, err
	}
	return view{Redirect: "/settings/rotation?done=target", JSON: t}, nil
}

func (s *Server) deleteRotationTarget(r *http.Request, c *rc) (view, error) {
	sc := r.PostForm.Get("scope")
	if err := checkScope(sc); err != nil {
		return view{}, badRequest("%v", err)
	}
	if err := s.st.DeleteRotationTarget(r.Context(), sc); err != nil {
		return view{}, err
	}
	if err := s.st.Audit(r.Context(), store.AuditEntry{Actor: c.User.Name, Action: "rotation_target_removed", Target: sc}); err != nil {
		return view{}, err
	}
	return view{Redirect: "/settings/rotation?done=targetgone", JSON: map[string]string{"removed": sc}}, nil
}
