package serve

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"unicode"

	"github.com/vigilsec/vigil/fleet/store"
	"github.com/vigilsec/vigil/serve/password"
)

// usersData is the users page (admins).
type usersData struct {
	Users []store.User `json:"users"`
	Roles []string     `json:"-"`
}

func (s *Server) users(r *http.Request, _ *rc) (view, error) {
	us, err := s.st.Users(r.Context())
	if err != nil {
		return view{}, err
	}
	if us == nil {
		us = []store.User{}
	}
	return view{Template: "users", Title: "Users", Data: usersData{Users: us, Roles: store.Roles()}}, nil
}

// CheckName says what is wrong with a user name, if anything.
func CheckName(name string) error {
	if name == "" || len(name) > 64 {
		return fmt.Errorf("a user name has 1 to 64 characters")
	}
	for _, c := range name {
		if !(unicode.IsLetter(c) || unicode.IsDigit(c) || strings.ContainsRune("._@-", c)) {
			return fmt.Errorf("user name %q: letters, digits and . _ @ - only", name)
		}
	}
	return nil
}

// AddUser creates a user with a password (the CLI's 'vigil serve user
// add' and the users page).
func AddUser(ctx context.Context, st *store.Store, p password.Params, name, role, pw string) (store.User, error) {
	if err := CheckName(name); err != nil {
		return store.User{}, badRequest("%v", err)
	}
	if store.RoleRank(role) == 0 {
		return store.User{}, badRequest("role %q: want viewer, member or admin", role)
	}
	if err := password.Check(pw); err != nil {
		return store.User{}, badRequest("%v", err)
	}
	hash, err := password.Hash(pw, p)
	if err != nil {
		return store.User{}, err
	}
	return st.AddUser(ctx, name, role, hash)
}

func (s *Server) addUser(r *http.Request, c *rc) (view, error) {
	f := r.PostForm
	name := strings.TrimSpace(f.Get("name"))
	u, err := AddUser(r.Context(), s.st, s.opts.Password, name, f.Get("role"), f.Get("password"))
	if err != nil {
		return view{}, err
	}
	if err := s.st.Audit(r.Context(), store.AuditEntry{Actor: c.User.Name, Action: "user_added", Target: u.Name, Detail: "role " + u.Role}); err != nil {
		return view{}, err
	}
	return view{Status: http.StatusCreated, Redirect: "/users?done=user", JSON: u}, nil
}

func (s *Server) updateUser(r *http.Request, c *rc) (view, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return view{}, err
	}
	ctx := r.Context()
	u, err := s.st.User(ctx, id)
	if err != nil {
		return view{}, err
	}
	role := r.PostForm.Get("role")
	disabled := r.PostForm.Get("disabled") == "on" || r.PostForm.Get("disabled") == "true"
	if err := s.st.UpdateUser(ctx, id, role, disabled); err != nil {
		if strings.Contains(err.Error(), "last admin") {
			return view{}, badRequest("%v", err)
		}
		return view{}, err
	}
	detail := fmt.Sprintf("role %s → %s", u.Role, role)
	if disabled != u.Disabled {
		detail += fmt.Sprintf("; disabled %v → %v", u.Disabled, disabled)
	}
	if err := s.st.Audit(ctx, store.AuditEntry{Actor: c.User.Name, Action: "user_changed", Target: u.Name, Detail: detail}); err != nil {
		return view{}, err
	}
	u, err = s.st.User(ctx, id)
	return view{Redirect: "/users?done=user", JSON: u}, err
}

func (s *Server) resetPassword(r *http.Request, c *rc) (view, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return view{}, err
	}
	u, err := s.st.User(r.Context(), id)
	if err != nil {
		return view{}, err
	}
	if err := s.setPassword(r, u, r.PostForm.Get("password")); err != nil {
		return view{}, err
	}
	if err := s.st.Audit(r.Context(), store.AuditEntry{Actor: c.User.Name, Action: "password_reset", Target: u.Name}); err != nil {
		return view{}, err
	}
	return view{Redirect: "/users?done=password", JSON: map[string]string{"user": u.Name, "password": "changed"}}, nil
}

func (s *Server) setPassword(r *http.Request, u store.User, pw string) error {
	if err := password.Check(pw); err != nil {
		return badRequest("%v", err)
	}
	hash, err := password.Hash(pw, s.opts.Password)
	if err != nil {
		return err
	}
	return s.st.SetPassword(r.Context(), u.ID, hash)
}
