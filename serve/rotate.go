package serve

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/vigilsec/vigil/fleet/store"
	"github.com/vigilsec/vigil/internal/rotate"
	"github.com/vigilsec/vigil/twilio"
)

// running is a rotation this process runs.
type running struct {
	// question is set while the rotation waits for an admin to confirm
	// that the old credential may be revoked.
	question string
	answer   chan bool
}

// rotations are the rotations in progress in this process.
type rotations struct {
	mu  sync.Mutex
	run map[int64]*running
	wg  sync.WaitGroup
}

func (rs *rotations) get(id int64) (running, bool) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	r, ok := rs.run[id]
	if !ok {
		return running{}, false
	}
	return *r, true
}

// rotationPlan is the dry run shown before a rotation starts.
type rotationPlan struct {
	Incident store.Incident
	Cred     twilioCred
	Target   store.RotationTarget
	Plan     rotate.Plan
	Steps    []string
}

// rotationSetup is everything a rotation of an incident needs.
type rotationSetup struct {
	in     store.Incident
	cred   twilioCred
	target store.RotationTarget
	runner *rotate.Runner
}

func (s *Server) twilioOr503() (*Twilio, error) {
	if s.opts.Twilio == nil {
		return nil, &problem{Status: http.StatusServiceUnavailable, Title: "Twilio actions are not available", Detail: "This console was started without a journal directory for rotations (--journals)."}
	}
	return s.opts.Twilio, nil
}

// setupRotation reads the incident, its credential, where it lives and
// the credentials to act with, and builds a runner writing journal.
func (s *Server) setupRotation(ctx context.Context, r *http.Request, journal string) (rotationSetup, error) {
	var rs rotationSetup
	tw, err := s.twilioOr503()
	if err != nil {
		return rs, err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return rs, err
	}
	if rs.in, err = s.st.Incident(ctx, id); err != nil {
		return rs, err
	}
	vs, err := s.st.Verifications(ctx, id)
	if err != nil {
		return rs, err
	}
	c := twilioCredOf(rs.in, vs)
	if c == nil {
		return rs, badRequest("incident %d (%s) is not a Twilio API key or Auth Token: the console rotates only those", id, rs.in.Rule)
	}
	rs.cred = *c
	if k := r.FormValue("key"); k != "" && rs.cred.Key == "" {
		if !twilio.IsKeySID(k) {
			return rs, badRequest("key %q: want the SID of the key (SK followed by 32 hex digits)", k)
		}
		rs.cred.Key = k
	}
	if rs.target, err = s.targetFor(ctx, rs.in, rs.cred.Account); err != nil {
		return rs, err
	}
	cr, err := tw.loadCreds(ctx, rs.target.CredentialsURI, rs.cred.Account)
	if err != nil {
		return rs, err
	}
	rs.cred.Account = cr.account
	acting, err := cr.client(cr.username, cr.secret)
	if err != nil {
		return rs, err
	}
	st, err := tw.OpenStore(ctx, rs.target.StoreURI)
	if err != nil {
		return rs, badRequest("secret store %s: %v", rs.target.StoreURI, err)
	}
	rs.runner = &rotate.Runner{Acting: acting, Client: cr.client, Store: st, StoreURI: rs.target.StoreURI, JournalPath: journal,
		HealthInterval: tw.HealthInterval, Logger: s.log}
	return rs, nil
}

// run starts (or dry-runs) the rotation.
func (rs rotationSetup) run(ctx context.Context, dry bool) (rotate.Plan, error) {
	t := rs.target
	if rs.cred.Kind == rotate.KindToken {
		return rs.runner.RotateToken(ctx, rotate.TokenRequest{TokenField: t.TokenField, Wait: t.Wait, HealthURL: t.HealthURL, DryRun: dry})
	}
	if rs.cred.Key == "" {
		return rotate.Plan{}, badRequest("the key's SID is not known (the incident was never verified): type it in")
	}
	return rs.runner.RotateKey(ctx, rotate.KeyRequest{Key: rs.cred.Key, SIDField: t.SIDField, SecretField: t.SecretField, Wait: t.Wait, HealthURL: t.HealthURL, DryRun: dry})
}

// rotateError explains a rotation that stopped or was refused.
func rotateError(err error) error {
	var re *rotate.Error
	if errors.As(err, &re) {
		return &problem{Status: http.StatusConflict, Title: "The rotation stopped", Detail: fmt.Sprintf("%v. State: %s. Next: %s", re.Err, re.State, re.Next)}
	}
	return err
}

func (s *Server) rotatePlan(r *http.Request, _ *rc) (view, error) {
	tw, err := s.twilioOr503()
	if err != nil {
		return view{}, err
	}
	ctx := r.Context()
	dry := filepath.Join(tw.JournalDir, fmt.Sprintf("dry-run-%d.jsonl", time.Now().UnixNano()))
	rs, err := s.setupRotation(ctx, r, dry)
	if err != nil {
		return view{}, err
	}
	plan, err := rs.run(ctx, true)
	if err != nil {
		return view{}, rotateError(err)
	}
	d := rotationPlan{Incident: rs.in, Cred: rs.cred, Target: rs.target, Plan: plan, Steps: plan.Describe()}
	return view{Template: "rotate", Title: fmt.Sprintf("Rotate the credential of incident %d", rs.in.ID), Data: d}, nil
}

func (s *Server) rotateStart(r *http.Request, c *rc) (view, error) {
	tw, err := s.twilioOr503()
	if err != nil {
		return view{}, err
	}
	if err := os.MkdirAll(tw.JournalDir, 0o700); err != nil {
		return view{}, fmt.Errorf("journal directory: %w", err)
	}
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		return view{}, err
	}
	journal := filepath.Join(tw.JournalDir, fmt.Sprintf("incident-%d-%s.jsonl", id, time.Now().UTC().Format("20060102T150405.000000000")))
	rs, err := s.setupRotation(ctx, r, journal)
	if err != nil {
		return view{}, err
	}
	// The dry run again: the plan the admin saw may no longer hold.
	if _, err := rs.run(ctx, true); err != nil {
		return view{}, rotateError(err)
	}
	credential := rs.cred.Key
	if rs.cred.Kind == rotate.KindToken {
		credential = rs.cred.Account
	}
	rid, err := s.st.AddRotation(ctx, store.Rotation{IncidentID: id, Kind: string(rs.cred.Kind), Account: rs.cred.Account, Credential: credential, Journal: journal, Actor: c.User.Name})
	if err != nil {
		return view{}, err
	}
	if err := s.st.AddEvent(ctx, store.Event{IncidentID: id, Actor: c.User.Name, Action: "rotation_started", Comment: fmt.Sprintf("%s rotation %d of %s", rs.cred.Kind, rid, credential)}); err != nil {
		return view{}, err
	}
	s.launch(rid, c.User.Name, rs.in.ID, rs.runner, func(ctx context.Context) error { _, err := rs.run(ctx, false); return err })
	return view{Status: http.StatusAccepted, Redirect: fmt.Sprintf("/rotations/%d?done=rotation", rid), JSON: map[string]any{"rotation": rid}}, nil
}

// launch runs a rotation (or its recovery) in the background, asking for
// confirmation through the rotation's page, and records how it ended.
func (s *Server) launch(rid int64, actor string, incidentID int64, runner *rotate.Runner, do func(context.Context) error) {
	ru := &running{answer: make(chan bool)}
	runner.Confirm = func(ctx context.Context, question string) (bool, error) {
		s.rot.mu.Lock()
		ru.question = question
		s.rot.mu.Unlock()
		defer func() { s.rot.mu.Lock(); ru.question = ""; s.rot.mu.Unlock() }()
		select {
		case ok := <-ru.answer:
			return ok, nil
		case <-ctx.Done():
			return false, ctx.Err()
		}
	}
	s.rot.mu.Lock()
	s.rot.run[rid] = ru
	s.rot.mu.Unlock()
	s.rot.wg.Add(1)
	go func() {
		defer s.rot.wg.Done()
		err := do(s.bg)
		ctx := context.WithoutCancel(s.bg)
		state, msg := store.RotationDone, ""
		if err != nil {
			state, msg = store.RotationFailed, rotateError(err).Error()
		}
		if recs, lerr := rotate.Load(runner.JournalPath); lerr == nil && rotate.Derive(recs).Did(rotate.StepRollback) {
			state = store.RotationRolledBack
		}
		if ferr := s.st.FinishRotation(ctx, rid, state, msg); ferr != nil {
			s.log.Error("record the end of a rotation", "rotation", rid, "err", ferr)
		}
		s.rotationEnded(ctx, rid, actor, incidentID, state, msg)
		s.rot.mu.Lock()
		delete(s.rot.run, rid)
		s.rot.mu.Unlock()
	}()
}

// rotationEnded writes the end into the incident's trail; a finished
// rotation resolves the incident as rotated.
func (s *Server) rotationEnded(ctx context.Context, rid int64, actor string, incidentID int64, state, msg string) {
	if incidentID == 0 {
		return
	}
	_ = s.st.AddEvent(ctx, store.Event{IncidentID: incidentID, Actor: actor, Action: "rotation_" + state, Comment: fmt.Sprintf("rotation %d %s", rid, msg)})
	if state != store.RotationDone {
		return
	}
	for range 3 { // someone may triage it at the same moment: read again
		in, err := s.st.Incident(ctx, incidentID)
		if err != nil || in.Status == store.StatusResolved {
			return
		}
		_, err = s.st.Transition(ctx, store.Transition{IncidentID: incidentID, Version: in.Version, Actor: actor, To: store.StatusResolved,
			Reason: store.ReasonRotated, Comment: fmt.Sprintf("rotated from the console (rotation %d)", rid)})
		if !errors.Is(err, store.ErrConflict) {
			return
		}
	}
}
