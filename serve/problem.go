package serve

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/vigilsec/vigil/fleet/store"
)

// problem is an answer that is not the page asked for: what went wrong,
// in words, and what the person had entered, so that nothing is lost.
type problem struct {
	Status int
	Title  string
	Detail string
	// Back is the page to return to; Draft what the form carried (it
	// comes back filled in).
	Back  string
	Draft url.Values
	// Current is what the thing looks like now (a conflict).
	Current any
}

func (p *problem) Error() string { return p.Title + ": " + p.Detail }

// body is the problem as the API answers it.
func (p *problem) body() map[string]any {
	m := map[string]any{"error": p.Title, "detail": p.Detail}
	if p.Current != nil {
		m["current"] = p.Current
	}
	return m
}

// RetryURL is Back with the draft filled in.
func (p *problem) RetryURL() string {
	if p.Back == "" {
		return ""
	}
	return withDraft(p.Back, p.Draft)
}

func forbidden(role, need string) *problem {
	return &problem{Status: http.StatusForbidden, Title: "Not allowed",
		Detail: fmt.Sprintf("Your role (%s) cannot do this: it needs %s. Ask an admin.", role, need)}
}

func badRequest(format string, args ...any) *problem {
	return &problem{Status: http.StatusBadRequest, Title: "Not accepted", Detail: fmt.Sprintf(format, args...)}
}

// problemFor turns an error into what the person is told.
func (s *Server) problemFor(r *http.Request, err error) *problem {
	var p *problem
	back, dr := "", url.Values(nil)
	if r.PostForm != nil {
		back, dr = localPath(r.PostForm.Get("back")), draft(r)
	}
	switch {
	case errors.As(err, &p):
		if p.Back == "" {
			p.Back, p.Draft = back, dr
		}
		return p
	case errors.Is(err, store.ErrNotFound):
		return &problem{Status: http.StatusNotFound, Title: "Not found",
			Detail: "It is not in the fleet's database (" + err.Error() + "): it may have been deleted, for example when its repository was removed upstream. Nothing was changed.",
			Draft:  dr}
	case errors.Is(err, store.ErrConflict):
		return &problem{Status: http.StatusConflict, Title: "Changed by someone else meanwhile",
			Detail: "Someone changed this incident after you opened it, so your change was not applied. Look at it as it is now, then decide again: your entry is kept below.",
			Back:   back, Draft: dr}
	case errors.Is(err, store.ErrTransition), errors.Is(err, store.ErrExists), errors.Is(err, store.ErrSearch):
		return &problem{Status: http.StatusBadRequest, Title: "Not accepted", Detail: err.Error(), Back: back, Draft: dr}
	case unavailable(err):
		s.log.Error("request failed: database unavailable", "path", r.URL.Path, "err", err)
		return &problem{Status: http.StatusServiceUnavailable, Title: "The database is not answering",
			Detail: "The console could not reach the fleet's database, so nothing was read or changed. Try again in a moment; what you entered is kept below.",
			Back:   back, Draft: dr}
	}
	s.log.Error("request failed", "path", r.URL.Path, "err", err)
	return &problem{Status: http.StatusInternalServerError, Title: "Something went wrong", Detail: err.Error(), Back: back, Draft: dr}
}

// unavailable recognises a database that cannot be reached.
func unavailable(err error) bool {
	var ne net.Error
	if errors.As(err, &ne) || errors.Is(err, driver.ErrBadConn) || errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	msg := err.Error()
	for _, s := range []string{"connection refused", "failed to connect", "conn closed", "connection reset", "database is locked", "sql: database is closed", "no such host", "broken pipe", "unexpected EOF"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}
