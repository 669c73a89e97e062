package serve

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"

	"github.com/vigilsec/vigil/fleet/store"
	"github.com/vigilsec/vigil/internal/rotate"
)

// rotationData is a rotation's live page: the journal's steps as they
// happen.
type rotationData struct {
	Rotation store.Rotation  `json:"rotation"`
	Records  []rotate.Record `json:"steps"`
	Summary  string          `json:"summary"`
	// Running: this console runs it now; Question: it waits for an
	// admin to confirm revoking the old credential.
	Running  bool   `json:"running"`
	Question string `json:"question,omitempty"`
	// Recoverable: it stopped part way and can be resumed or rolled back.
	Recoverable bool `json:"recoverable"`
}

func (s *Server) rotationData(ctx context.Context, r *http.Request) (rotationData, error) {
	var d rotationData
	id, err := pathID(r, "id")
	if err != nil {
		return d, err
	}
	if d.Rotation, err = s.st.Rotation(ctx, id); err != nil {
		return d, err
	}
	recs, err := rotate.Load(d.Rotation.Journal)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return d, fmt.Errorf("read the rotation's journal %s: %w", d.Rotation.Journal, err)
	}
	d.Records = recs
	if d.Records == nil {
		d.Records = []rotate.Record{}
	}
	st := rotate.Derive(recs)
	ru, ok := s.rot.get(id)
	if ok {
		st.InDoubt = "" // running: the step under way is not in doubt
	}
	d.Summary = st.Summary()
	d.Running, d.Question = ok, ru.question
	d.Recoverable = !ok && len(recs) > 0 && !st.Closed()
	return d, nil
}

func (s *Server) rotation(r *http.Request, _ *rc) (view, error) {
	d, err := s.rotationData(r.Context(), r)
	if err != nil {
		return view{}, err
	}
	return view{Template: "rotation", Title: fmt.Sprintf("Rotation %d", d.Rotation.ID), Data: d}, nil
}

// rotationConfirm answers the rotation's question: answer=yes revokes
// the old credential, anything else keeps it.
func (s *Server) rotationConfirm(r *http.Request, c *rc) (view, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return view{}, err
	}
	s.rot.mu.Lock()
	ru, ok := s.rot.run[id]
	waiting := ok && ru.question != ""
	s.rot.mu.Unlock()
	if !waiting {
		return view{}, &problem{Status: http.StatusConflict, Title: "Nothing to confirm", Detail: "This rotation is not waiting for a confirmation (it already went on, or it stopped)."}
	}
	yes := r.PostForm.Get("answer") == "yes"
	select {
	case ru.answer <- yes:
	case <-r.Context().Done():
		return view{}, r.Context().Err()
	}
	rot, err := s.st.Rotation(r.Context(), id)
	if err == nil && rot.IncidentID != 0 {
		_ = s.st.AddEvent(r.Context(), store.Event{IncidentID: rot.IncidentID, Actor: c.User.Name, Action: "rotation_confirm", Comment: fmt.Sprintf("rotation %d: revoke the old credential: %v", id, yes)})
	}
	done := "declined"
	if yes {
		done = "confirmed"
	}
	return view{Redirect: fmt.Sprintf("/rotations/%d?done=%s", id, done), JSON: map[string]any{"rotation": id, "confirmed": yes}}, nil
}

// rotationRecover resumes (action=resume) or rolls back (action=rollback)
// a rotation that stopped part way, as 'vigil twilio rotate --resume' and
// '--rollback' do.
func (s *Server) rotationRecover(r *http.Request, c *rc) (view, error) {
	ctx := r.Context()
	d, err := s.rotationData(ctx, r)
	if err != nil {
		return view{}, err
	}
	if !d.Recoverable {
		return view{}, &problem{Status: http.StatusConflict, Title: "Nothing to recover", Detail: "This rotation is running, finished, or never started."}
	}
	action := r.PostForm.Get("action")
	if action != "resume" && action != "rollback" {
		return view{}, badRequest("action %q: want resume or rollback", action)
	}
	tw, err := s.twilioOr503()
	if err != nil {
		return view{}, err
	}
	rot := d.Rotation
	recs, st, err := rotate.LoadFor(rot.Journal, rot.Account)
	if err != nil {
		return view{}, rotateError(err)
	}
	credURI := ""
	if in, err := s.st.Incident(ctx, rot.IncidentID); err == nil {
		if t, err := s.targetFor(ctx, in, rot.Account); err == nil {
			credURI = t.CredentialsURI
		}
	}
	cr, err := tw.loadCreds(ctx, credURI, rot.Account)
	if err != nil {
		return view{}, err
	}
	acting, err := cr.client(cr.username, cr.secret)
	if err != nil {
		return view{}, err
	}
	store_, err := tw.OpenStore(ctx, st.Plan.Store)
	if err != nil {
		return view{}, err
	}
	runner := &rotate.Runner{Acting: acting, Client: cr.client, Store: store_, StoreURI: st.Plan.Store, JournalPath: rot.Journal, HealthInterval: tw.HealthInterval, Logger: s.log}
	if err := s.st.AddEvent(ctx, store.Event{IncidentID: rot.IncidentID, Actor: c.User.Name, Action: "rotation_" + action, Comment: fmt.Sprintf("rotation %d", rot.ID)}); err != nil {
		return view{}, err
	}
	s.launch(rot.ID, c.User.Name, rot.IncidentID, runner, func(ctx context.Context) error {
		if action == "rollback" {
			return runner.Rollback(ctx, recs)
		}
		return runner.Resume(ctx, recs)
	})
	done := "resumed"
	if action == "rollback" {
		done = "rolledback"
	}
	return view{Status: http.StatusAccepted, Redirect: fmt.Sprintf("/rotations/%d?done=%s", rot.ID, done), JSON: map[string]any{"rotation": rot.ID, "action": action}}, nil
}
