package serve

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/vigilsec/vigil/fleet/store"
)

// incidentData is the incident page and GET /api/incidents/{id}.
type incidentData struct {
	Incident      store.Incident       `json:"incident"`
	Verifications []store.Verification `json:"verifications"`
	Events        []store.Event        `json:"events"`
	Rotations     []store.Rotation     `json:"rotations"`
	// RepoURLs maps repository ids to clone URLs (for links).
	RepoURLs map[int64]string `json:"-"`
	// Twilio is set for a credential the console can rotate.
	Twilio *twilioCred `json:"twilio,omitempty"`
	// Draft fills the triage form (from a change that could not be made).
	Draft map[string]string `json:"-"`
	Jobs  bool              `json:"-"`
}

func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, &problem{Status: http.StatusNotFound, Title: "Not found", Detail: fmt.Sprintf("%q is not a valid id.", r.PathValue(name))}
	}
	return id, nil
}

func (s *Server) incident(r *http.Request, c *rc) (view, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return view{}, err
	}
	ctx := r.Context()
	in, err := s.st.Incident(ctx, id)
	if err != nil {
		return view{}, err
	}
	d := incidentData{Incident: in, RepoURLs: map[int64]string{}, Jobs: s.opts.Jobs != nil}
	if d.Verifications, err = s.st.Verifications(ctx, id); err != nil {
		return view{}, err
	}
	if d.Events, err = s.st.Events(ctx, id); err != nil {
		return view{}, err
	}
	if d.Rotations, err = s.st.Rotations(ctx, id); err != nil {
		return view{}, err
	}
	d.Twilio = twilioCredOf(in, d.Verifications)
	for _, o := range in.Occurrences {
		if _, ok := d.RepoURLs[o.RepositoryID]; ok {
			continue
		}
		if repo, err := s.st.Repository(ctx, o.RepositoryID); err == nil {
			d.RepoURLs[o.RepositoryID] = repo.URL
		}
	}
	q := r.URL.Query()
	d.Draft = map[string]string{"to": q.Get("draft_to"), "reason": q.Get("draft_reason"), "comment": q.Get("draft_comment")}
	return view{Template: "incident", Title: fmt.Sprintf("Incident %d", id), Data: d}, nil
}

// transition changes an incident's status: form fields version (the
// version the person saw), to, reason (resolved: revoked, rotated;
// ignored: false_positive, used_in_tests, wont_fix) and comment.
func (s *Server) transition(r *http.Request, c *rc) (view, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return view{}, err
	}
	f := r.PostForm
	version, err := strconv.Atoi(f.Get("version"))
	if err != nil {
		return view{}, badRequest("version %q: the form must say which version of the incident you saw", f.Get("version"))
	}
	to, err := store.ParseStatus(f.Get("to"))
	if err != nil {
		return view{}, badRequest("%v", err)
	}
	comment := strings.TrimSpace(f.Get("comment"))
	if len(comment) > 4000 {
		return view{}, badRequest("the comment is longer than 4000 characters")
	}
	if to == store.StatusIgnored && comment == "" {
		return view{}, badRequest("say why it is ignored: a comment is required")
	}
	in, err := s.st.Transition(r.Context(), store.Transition{IncidentID: id, Version: version, Actor: c.User.Name, To: to, Reason: f.Get("reason"), Comment: comment})
	if errors.Is(err, store.ErrConflict) {
		p := s.problemFor(r, err)
		if now, err := s.st.Incident(r.Context(), id); err == nil {
			p.Current = now
			if evs, err := s.st.Events(r.Context(), id); err == nil && len(evs) > 0 {
				last := evs[len(evs)-1]
				p.Detail = fmt.Sprintf("%s changed this incident (%s) at %s, after you opened it, so your change was not applied. It is now %s. Look at it again, then decide: your entry is kept.",
					last.Actor, words(last.Action), when(last.At), words(string(now.Status)))
			}
		}
		return view{}, p
	}
	if err != nil {
		return view{}, err
	}
	return view{Redirect: fmt.Sprintf("/incidents/%d?done=status", id), Data: in, JSON: in}, nil
}

func (s *Server) reverify(r *http.Request, c *rc) (view, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return view{}, err
	}
	if s.opts.Jobs == nil {
		return view{}, &problem{Status: http.StatusServiceUnavailable, Title: "Re-verification is not available", Detail: "This console was started without the fleet's job queue."}
	}
	if err := s.opts.Jobs.ReverifyNow(r.Context(), id, c.User.Name); err != nil {
		return view{}, err
	}
	return view{Status: http.StatusAccepted, Redirect: fmt.Sprintf("/incidents/%d?done=reverify", id), JSON: map[string]any{"incident": id, "queued": "verify"}}, nil
}
