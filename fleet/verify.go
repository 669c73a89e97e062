package fleet

import (
	"cmp"
	"context"
	"fmt"
	"time"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/fleet/notify"
	"github.com/vigilsec/vigil/fleet/store"
	"github.com/vigilsec/vigil/verify"
)

func storeEvent(id int64, actor, action string) store.Event {
	return store.Event{IncidentID: id, Actor: actor, Action: action}
}

// verify asks the provider whether an incident's credential is live. The
// secret is read again from a mirror (the store does not have it),
// re-matched to recover its parts and verifier, and verified; the answer
// joins the incident's history, and a credential that turns live is
// notified.
func (f *Fleet) verify(ctx context.Context, id int64, actor string) error {
	s, err := f.settings(ctx)
	if err != nil {
		return err
	}
	if !s.Verify {
		return nil // verification sends the credential out: only when asked
	}
	in, err := f.store.Incident(ctx, id)
	if err != nil {
		return err
	}
	v := store.Verification{Actor: actor}
	fd, err := f.reread(ctx, in)
	switch {
	case err != nil:
		v.Verdict, v.Reason = store.VerdictUnknown, "cannot read the secret again: "+err.Error()
	case fd.Verifier == "":
		v.Verdict, v.Reason = store.VerdictNotVerified, "no verifier for rule "+fd.RuleID
	default:
		ver, err := verify.New(verify.Options{BaseURLs: f.opts.VerifyBaseURLs, Logger: f.log, UserAgent: "vigil-fleet"})
		if err != nil {
			return err
		}
		verdict := ver.Verify(ctx, fd)
		v.Verdict, v.Reason, v.Facts = verdictName(verdict.Status), verdict.Reason, verdict.Facts
	}
	res, err := f.store.RecordVerification(ctx, id, v)
	if err != nil {
		return err
	}
	if res.TurnedLive {
		f.log.Warn("live credential", "incident", id, "rule", in.Rule, "secret", in.Secret)
		return f.insert(ctx, NotifyArgs{IncidentID: id, Event: fmt.Sprintf("live-%d", res.LiveEpoch)})
	}
	return nil
}

func verdictName(s vigil.Status) string {
	switch s {
	case vigil.Valid:
		return store.VerdictLive
	case vigil.Invalid:
		return store.VerdictInvalid
	case vigil.Unknown:
		return store.VerdictUnknown
	}
	return store.VerdictNotVerified
}

// reverifyDue enqueues the verification of open incidents not verified
// within the fleet's re-verify interval.
func (f *Fleet) reverifyDue(ctx context.Context) error {
	s, err := f.settings(ctx)
	if err != nil || !s.Verify {
		return err
	}
	every := time.Duration(s.Reverify)
	if every <= 0 {
		every = 24 * time.Hour
	}
	ids, err := f.store.DueForVerification(ctx, time.Now().Add(-every).UnixMilli(), 1000)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := f.insert(ctx, VerifyArgs{IncidentID: id}); err != nil {
			return err
		}
	}
	return nil
}

// notify sends one event of an incident to every output that has not had
// it; a failed output fails the job, which River retries with backoff
// (outputs already sent to are not sent again).
func (f *Fleet) notify(ctx context.Context, a NotifyArgs) error {
	s, err := f.settings(ctx)
	if err != nil {
		return err
	}
	in, err := f.store.Incident(ctx, a.IncidentID)
	if err != nil {
		return err
	}
	msg := notify.Message{Event: "incident.live", Delivery: fmt.Sprintf("incident-%d-%s", in.ID, a.Event), At: time.Now().UTC()}
	if a.Event != "live-1" {
		msg.Event = "incident.live_again"
	}
	msg.Incident.ID, msg.Incident.Rule, msg.Incident.Provider, msg.Incident.Secret = in.ID, in.Rule, in.Provider, in.Secret
	msg.Incident.Status, msg.Incident.Verdict, msg.Incident.Reason = string(in.Status), in.Verdict, in.VerdictReason
	msg.Incident.Occurrences = []notify.Occurrence{}
	for _, o := range in.Occurrences {
		msg.Incident.Occurrences = append(msg.Incident.Occurrences, notify.Occurrence{Repository: o.Repository, Commit: o.Commit, Path: o.Path, Line: o.Line})
	}
	sender := &notify.Sender{}
	var firstErr error
	for _, out := range s.Outputs {
		sent, err := f.store.NotificationSent(ctx, in.ID, a.Event, out.Name)
		if err != nil {
			return err
		}
		if sent {
			continue
		}
		t := notify.Target{Name: out.Name, Type: out.Type, URL: out.URL}
		if out.URLEnv != "" {
			t.URL = f.getenv(out.URLEnv)
		}
		if out.SecretEnv != "" {
			t.Key = []byte(f.getenv(out.SecretEnv))
		}
		err = nil
		switch {
		case t.URL == "":
			err = fmt.Errorf("output %s: %s is not set", out.Name, out.URLEnv)
		case out.Type == "webhook" && len(t.Key) == 0:
			err = fmt.Errorf("output %s: %s is not set: refusing to send unsigned", out.Name, out.SecretEnv)
		default:
			err = sender.Send(ctx, t, msg)
		}
		msgErr := ""
		if err != nil {
			msgErr = err.Error()
			f.log.Warn("notification failed", "output", out.Name, "incident", in.ID, "err", err)
			firstErr = cmp.Or(firstErr, err)
		}
		if err := f.store.MarkNotification(ctx, in.ID, a.Event, out.Name, msgErr); err != nil {
			return err
		}
	}
	return firstErr
}
