package serve

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/vigilsec/vigil/fleet/store"
)

// assets are the page templates and the stylesheet.
//
//go:embed templates/*.html static/*
var assets embed.FS

type templates struct {
	byName map[string]*template.Template
}

// parseTemplates parses every page with the layout.
func parseTemplates() (*templates, error) {
	layout, err := template.New("layout.html").Funcs(funcs()).ParseFS(assets, "templates/layout.html")
	if err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	names, err := fs.Glob(assets, "templates/*.html")
	if err != nil {
		return nil, err
	}
	t := &templates{byName: map[string]*template.Template{}}
	for _, n := range names {
		base := path.Base(n)
		if base == "layout.html" {
			continue
		}
		clone, err := layout.Clone()
		if err != nil {
			return nil, err
		}
		if t.byName[strings.TrimSuffix(base, ".html")], err = clone.ParseFS(assets, n); err != nil {
			return nil, fmt.Errorf("template %s: %w", base, err)
		}
	}
	return t, nil
}

// pageData is what every page template gets.
type pageData struct {
	Title string
	User  store.User
	// CSRF is the session's token, for every form.
	CSRF string
	// Here is the page's own address (forms send it as "back").
	Here    string
	Flash   string
	Data    any
	Problem *problem
	Now     time.Time
}

// flash is the message a redirect after a change may show (by code, so
// that a link cannot make the console say anything else).
func flash(code string) string {
	return map[string]string{
		"status":      "The incident's status was changed.",
		"reverify":    "A verification was asked for: the result appears in the history when a worker has run it.",
		"scan":        "A scan was asked for: a worker will run it shortly.",
		"user":        "The user was saved.",
		"password":    "The password was changed; other sessions of that user were signed out.",
		"token":       "The token was revoked.",
		"target":      "The rotation settings were saved.",
		"rotation":    "The rotation was started.",
		"signedout":   "You are signed out.",
		"confirmed":   "Confirmed: the old credential is being revoked.",
		"declined":    "Declined: the old credential was kept; the rotation can be resumed or rolled back.",
		"rolledback":  "The rotation is being rolled back.",
		"resumed":     "The rotation is being resumed.",
		"targetgone":  "The rotation settings were removed.",
		"nothingtodo": "Nothing to do.",
	}[code]
}

func (s *Server) render(w http.ResponseWriter, r *http.Request, c *rc, v view) {
	d := pageData{Title: v.Title, Data: v.Data, Here: r.URL.RequestURI(), Flash: flash(r.URL.Query().Get("done")), Now: s.now()}
	if c != nil {
		d.User, d.CSRF = c.User, c.Session.CSRF
	}
	s.write(w, v.Status, v.Template, d)
}

func (s *Server) htmlError(w http.ResponseWriter, r *http.Request, c *rc, p *problem) {
	d := pageData{Title: p.Title, Problem: p, Here: r.URL.RequestURI(), Now: s.now()}
	if c != nil {
		d.User, d.CSRF = c.User, c.Session.CSRF
	}
	s.write(w, p.Status, "error", d)
}

func (s *Server) write(w http.ResponseWriter, status int, name string, d pageData) {
	t := s.pages.byName[name]
	if t == nil {
		http.Error(w, "no template "+name, http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", d); err != nil {
		s.log.Error("render page", "template", name, "err", err)
		http.Error(w, "the page could not be rendered", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// static serves the stylesheet.
func (s *Server) static(w http.ResponseWriter, r *http.Request) {
	data, err := assets.ReadFile("static/" + path.Base(r.URL.Path))
	if err != nil {
		http.NotFound(w, r)
		return
	}
	switch path.Ext(r.URL.Path) {
	case ".css":
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
	case ".svg":
		w.Header().Set("Content-Type", "image/svg+xml")
	}
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, _ = w.Write(data)
}
