package serve

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/vigilsec/vigil/fleet/store"
	"github.com/vigilsec/vigil/serve/password"
)

// loginData is the sign-in page.
type loginData struct {
	Next, Name, Message, Token string
	Expired                    bool
	// OIDC offers single sign-on.
	OIDC bool
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	next := localPath(q.Get("next"))
	if _, _, err := s.session(r); err == nil {
		http.Redirect(w, r, orRoot(next), http.StatusSeeOther)
		return
	}
	s.showLogin(w, r, http.StatusOK, loginData{Next: next, Expired: q.Get("expired") != "", Message: flash(q.Get("done"))})
}

// showLogin renders the form with a fresh sign-in token: a cookie and a
// hidden field that must match (a form posted from another site has no
// way to read the cookie), so no one can sign a browser in as themselves.
func (s *Server) showLogin(w http.ResponseWriter, r *http.Request, status int, d loginData) {
	tok, err := randomToken()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: loginCookieName, Value: tok, Path: "/login", HttpOnly: true, Secure: s.opts.SecureCookies,
		SameSite: http.SameSiteStrictMode, MaxAge: 3600})
	d.Token = tok
	d.OIDC = s.oidc != nil
	s.write(w, status, "login", pageData{Title: "Sign in", Data: d, Here: "/login", Now: s.now()})
}

func orRoot(p string) string {
	if p == "" {
		return "/"
	}
	return p
}

// clientIP is the address a request came from (the proxy's, behind one:
// the limiter then counts the proxy, which errs on the side of locking).
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if err := r.ParseForm(); err != nil {
		s.showLogin(w, r, http.StatusBadRequest, loginData{Message: "The form could not be read."})
		return
	}
	name := strings.TrimSpace(r.PostForm.Get("username"))
	d := loginData{Next: localPath(r.PostForm.Get("next")), Name: name}
	c, err := r.Cookie(loginCookieName)
	if err != nil || !equalStrings(c.Value, r.PostForm.Get("login_token")) {
		d.Message = "This sign-in form has expired or did not come from this console. Sign in again."
		s.showLogin(w, r, http.StatusForbidden, d)
		return
	}
	ip := "ip:" + clientIP(r)
	userKey := "user:" + strings.ToLower(name)
	if blocked, until := s.limiter.blocked(userKey, ip); blocked {
		w.Header().Set("Retry-After", fmt.Sprint(int(time.Until(until).Seconds())+1))
		d.Message = fmt.Sprintf("Too many failed sign-ins: try again after %s.", when(until))
		s.showLogin(w, r, http.StatusTooManyRequests, d)
		return
	}
	u, err := s.st.UserByName(r.Context(), name)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		p := s.problemFor(r, err)
		d.Message = p.Title + ": " + p.Detail
		s.showLogin(w, r, p.Status, d)
		return
	}
	hash := u.PasswordHash
	if hash == "" {
		hash = s.dummyHash() // the same work whether or not the name exists
	}
	ok, verr := password.Verify(r.PostForm.Get("password"), hash)
	if err != nil || verr != nil || !ok || u.Disabled {
		s.limiter.fail(userKey, ip)
		_ = s.st.Audit(r.Context(), store.AuditEntry{Actor: name, Action: "login_failed", Detail: clientIP(r)})
		d.Message = "Wrong user name or password (or the user is disabled)."
		s.showLogin(w, r, http.StatusUnauthorized, d)
		return
	}
	if err := s.startSession(w, r, u); err != nil {
		p := s.problemFor(r, err)
		d.Message = p.Title + ": " + p.Detail
		s.showLogin(w, r, p.Status, d)
		return
	}
	s.limiter.reset(userKey)
	_ = s.st.Audit(r.Context(), store.AuditEntry{Actor: u.Name, Action: "login", Detail: clientIP(r)})
	http.SetCookie(w, &http.Cookie{Name: loginCookieName, Value: "", Path: "/login", MaxAge: -1})
	http.Redirect(w, r, orRoot(d.Next), http.StatusSeeOther)
}

// dummyHash is a hash no password matches, made once with the console's
// cost.
func (s *Server) dummyHash() string {
	s.dummyOnce.Do(func() { s.dummy, _ = password.Hash("\x00no user\x00", s.opts.Password) })
	return s.dummy
}

func (s *Server) logoutHandler(w http.ResponseWriter) handlerFunc {
	return func(r *http.Request, c *rc) (view, error) {
		if err := s.endSession(w, r, c.Session); err != nil {
			return view{}, err
		}
		return view{Redirect: "/login?done=signedout"}, nil
	}
}
