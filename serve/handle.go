package serve

import (
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/vigilsec/vigil/fleet/store"
)

// rc is who asks, and how.
type rc struct {
	User    store.User
	Session store.Session
	// API is set for /api/… requests (token, JSON).
	API bool
}

// view is what a handler answers: a page (HTML) or its data (JSON).
type view struct {
	Status   int
	Template string
	Title    string
	// Data is the page's data, and the API's answer unless JSON is set.
	Data any
	JSON any
	// Redirect answers an HTML form with 303 See Other.
	Redirect string
}

type handlerFunc func(r *http.Request, c *rc) (view, error)

// maxForm bounds a form or JSON body.
const maxForm = 64 << 10

// page registers a handler for an HTML page at pattern ("GET /incidents")
// and for the JSON API at /api plus the same path. need is the least role
// allowed.
func (s *Server) page(pattern, need string, h handlerFunc) {
	method, path, _ := strings.Cut(pattern, " ")
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) { s.serveHTML(w, r, method, need, h) })
	api := "/api" + path
	if path == "/{$}" {
		api = "/api/overview"
	}
	s.mux.HandleFunc(method+" "+api, func(w http.ResponseWriter, r *http.Request) { s.serveAPI(w, r, method, need, h) })
}

func (s *Server) serveHTML(w http.ResponseWriter, r *http.Request, method, need string, h handlerFunc) {
	post := method == http.MethodPost
	if post {
		r.Body = http.MaxBytesReader(w, r.Body, maxForm)
		if err := r.ParseForm(); err != nil {
			s.htmlError(w, r, nil, &problem{Status: http.StatusBadRequest, Title: "The form could not be read", Detail: err.Error()})
			return
		}
	}
	se, u, err := s.session(r)
	if errors.Is(err, errNoSession) {
		next := r.URL.RequestURI()
		if post {
			// A stale session: nothing was changed, and what was typed
			// comes back on the page after signing in.
			next = draftURL(r)
			http.Redirect(w, r, "/login?expired=1&next="+url.QueryEscape(next), http.StatusSeeOther)
			return
		}
		http.Redirect(w, r, "/login?next="+url.QueryEscape(next), http.StatusSeeOther)
		return
	}
	if err != nil {
		s.htmlError(w, r, nil, s.problemFor(r, err))
		return
	}
	c := &rc{User: u, Session: se}
	if !allowed(u.Role, need) {
		s.htmlError(w, r, c, forbidden(u.Role, need))
		return
	}
	if post && !equalStrings(r.PostForm.Get("csrf"), se.CSRF) {
		s.htmlError(w, r, c, &problem{Status: http.StatusForbidden, Title: "This form did not come from this console",
			Detail: "Its security token is missing or does not match your session (a form from another site, or one opened before you signed in again). Nothing was changed.",
			Back:   localPath(r.PostForm.Get("back")), Draft: draft(r)})
		return
	}
	v, err := h(r, c)
	if err != nil {
		s.htmlError(w, r, c, s.problemFor(r, err))
		return
	}
	if v.Redirect != "" {
		http.Redirect(w, r, v.Redirect, http.StatusSeeOther)
		return
	}
	s.render(w, r, c, v)
}

func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request, method, need string, h handlerFunc) {
	u, err := s.bearer(r.Context(), r)
	if errors.Is(err, errBadToken) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="vigil"`)
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "missing or invalid API token: send Authorization: Bearer vigil_…"})
		return
	}
	if err != nil {
		p := s.problemFor(r, err)
		writeJSON(w, p.Status, p.body())
		return
	}
	c := &rc{User: u, API: true}
	if !allowed(u.Role, need) {
		p := forbidden(u.Role, need)
		writeJSON(w, p.Status, p.body())
		return
	}
	if method == http.MethodPost {
		if err := parseAPIBody(w, r); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
	}
	v, err := h(r, c)
	if err != nil {
		p := s.problemFor(r, err)
		writeJSON(w, p.Status, p.body())
		return
	}
	body := v.JSON
	if body == nil {
		body = v.Data
	}
	writeJSON(w, v.Status, body)
}

// parseAPIBody reads a form or a JSON object of plain values into
// r.PostForm, so that handlers read both alike.
func parseAPIBody(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "application/json" {
		return r.ParseForm()
	}
	var m map[string]any
	if err := json.NewDecoder(r.Body).Decode(&m); err != nil {
		return fmt.Errorf("the body is not a JSON object: %w", err)
	}
	r.PostForm = url.Values{}
	for k, v := range m {
		switch v := v.(type) {
		case string:
			r.PostForm.Set(k, v)
		case float64, bool:
			r.PostForm.Set(k, fmt.Sprint(v))
		case nil:
		default:
			return fmt.Errorf("field %q: want a string, number or boolean", k)
		}
	}
	r.Form = r.PostForm
	return nil
}

// writeJSON writes a value as compact JSON: the same document 'vigil
// fleet incidents --format json' prints, without its indentation
// (indenting costs twice what encoding does).
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// localPath keeps a redirect target on this site: a path, never
// "//host" or a URL.
func localPath(p string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") || strings.ContainsAny(p, "\r\n") {
		return ""
	}
	return p
}

// draft is what a form carried, less its tokens: it comes back to the
// person when their change could not be made.
func draft(r *http.Request) url.Values {
	out := url.Values{}
	for k, vs := range r.PostForm {
		switch k {
		case "csrf", "back", "version", "password", "password2", "current":
			continue
		}
		for _, v := range vs {
			if len(v) > 4000 {
				v = v[:4000]
			}
			out.Add(k, v)
		}
	}
	return out
}

// draftURL is the page a form came from, with what it carried as draft_…
// parameters that the page fills its form with.
func draftURL(r *http.Request) string {
	back := localPath(r.PostForm.Get("back"))
	if back == "" {
		return "/"
	}
	return withDraft(back, draft(r))
}

func withDraft(back string, d url.Values) string {
	if len(d) == 0 {
		return back
	}
	u, err := url.Parse(back)
	if err != nil {
		return back
	}
	q := u.Query()
	for k, vs := range d {
		for _, v := range vs {
			q.Add("draft_"+k, v)
		}
	}
	u.RawQuery = q.Encode()
	return u.RequestURI()
}
