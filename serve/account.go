package serve

import (
	"net/http"
	"strings"

	"github.com/vigilsec/vigil/fleet/store"
	"github.com/vigilsec/vigil/serve/password"
)

// accountData is a person's own page: their API tokens, their password.
type accountData struct {
	Tokens []store.Token `json:"tokens"`
	// NewToken is shown once, right after it is created.
	NewToken string `json:"token,omitempty"`
}

func (s *Server) account(r *http.Request, c *rc) (view, error) {
	ts, err := s.st.Tokens(r.Context(), c.User.ID)
	if err != nil {
		return view{}, err
	}
	if ts == nil {
		ts = []store.Token{}
	}
	return view{Template: "account", Title: "Your account", Data: accountData{Tokens: ts}}, nil
}

func (s *Server) changePassword(r *http.Request, c *rc) (view, error) {
	f := r.PostForm
	if ok, err := password.Verify(f.Get("current"), c.User.PasswordHash); err != nil || !ok {
		return view{}, badRequest("the current password is wrong")
	}
	if f.Get("password") != f.Get("password2") {
		return view{}, badRequest("the new password and its repetition differ")
	}
	if err := s.setPassword(r, c.User, f.Get("password")); err != nil {
		return view{}, err
	}
	if err := s.st.Audit(r.Context(), store.AuditEntry{Actor: c.User.Name, Action: "password_changed", Target: c.User.Name}); err != nil {
		return view{}, err
	}
	// Every session of the user ended: sign in again with the new one.
	return view{Redirect: "/login?done=password", JSON: map[string]string{"password": "changed"}}, nil
}

// createToken makes an API token and shows it once (the page is not a
// redirect, so reloading does not show it again: it is gone).
func (s *Server) createToken(r *http.Request, c *rc) (view, error) {
	name := strings.TrimSpace(r.PostForm.Get("name"))
	if len(name) > 100 {
		return view{}, badRequest("the token's name is longer than 100 characters")
	}
	tok, t, err := NewToken(r.Context(), s.st, c.User.ID, name)
	if err != nil {
		return view{}, err
	}
	if err := s.st.Audit(r.Context(), store.AuditEntry{Actor: c.User.Name, Action: "token_created", Target: c.User.Name, Detail: name}); err != nil {
		return view{}, err
	}
	ts, err := s.st.Tokens(r.Context(), c.User.ID)
	if err != nil {
		return view{}, err
	}
	return view{Status: http.StatusCreated, Template: "account", Title: "Your account", Data: accountData{Tokens: ts, NewToken: tok},
		JSON: map[string]any{"token": tok, "id": t.ID, "name": t.Name}}, nil
}

func (s *Server) revokeToken(r *http.Request, c *rc) (view, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return view{}, err
	}
	owner := c.User.ID
	if c.User.Role == store.RoleAdmin {
		owner = 0 // an admin may revoke anyone's
	}
	if err := s.st.RevokeToken(r.Context(), id, owner); err != nil {
		return view{}, err
	}
	if err := s.st.Audit(r.Context(), store.AuditEntry{Actor: c.User.Name, Action: "token_revoked", Detail: "token " + r.PathValue("id")}); err != nil {
		return view{}, err
	}
	return view{Redirect: "/account?done=token", JSON: map[string]any{"revoked": id}}, nil
}
