package rotate

import (
	"context"
	"errors"
	"fmt"
	"io/fs"

	"github.com/vigilsec/vigil"
)

// LoadFor reads a journal for --resume or --rollback by the credentials of
// account. Every failure is an *Error that says what state the account is
// in and what to run next.
func LoadFor(path, account string) ([]Record, State, error) {
	recs, err := Load(path)
	var ce *CorruptError
	switch {
	case errors.As(err, &ce):
		state := "vigil cannot tell where the rotation stopped"
		if len(ce.Good) > 0 {
			st := Derive(ce.Good)
			state = fmt.Sprintf("by the last readable record (line %d) of the %s rotation of %s: %s", len(ce.Good), st.Plan.Kind, st.Account, st.Summary())
			if ids := st.ids(); ids != "" {
				state += "; " + ids
			}
		}
		return nil, State{}, &Error{Err: err, State: state,
			Next: "check the account's API keys and Auth Token in the Twilio Console against the store, delete what is left over, then move the journal aside and start a new rotation"}
	case errors.Is(err, fs.ErrNotExist):
		return nil, State{}, &Error{Err: fmt.Errorf("no journal at %s", path), State: "vigil knows of no rotation there",
			Next: "give the journal of the interrupted rotation with --journal FILE"}
	case err != nil:
		return nil, State{}, &Error{Err: err, State: "unknown: the journal cannot be read", Next: "fix access to the journal file"}
	}
	st := Derive(recs)
	if st.Account != account {
		e := &AccountMismatchError{Path: path, Journal: st.Account, Current: account, State: st}
		return nil, State{}, &Error{Err: e, State: fmt.Sprintf("in %s: %s", st.Account, st.Summary()),
			Next: fmt.Sprintf("run again with credentials of %s (TWILIO_ACCOUNT_SID=%s and its Auth Token or a Main key)", st.Account, st.Account)}
	}
	return recs, st, nil
}

// ids lists the credentials a rotation touched, for a user cleaning up by
// hand.
func (s State) ids() string {
	switch s.Plan.Kind {
	case KindKey:
		msg := "old key " + s.Plan.Key
		if len(s.Created) > 0 {
			msg += fmt.Sprintf(", new keys created: %v", s.Created)
		}
		return msg
	case KindToken:
		return "Auth Token rotation of " + s.Account
	}
	return ""
}

// reopen continues the journal of an unfinished rotation. A nil rot with
// a nil error means the rotation already ended.
func (r *Runner) reopen(recs []Record) (*rot, State, error) {
	st := Derive(recs)
	if st.Closed() {
		r.progress("the rotation in %s already ended: %s", r.JournalPath, st.Summary())
		return nil, st, nil
	}
	j, err := Reopen(r.JournalPath, recs)
	if err != nil {
		return nil, st, &Error{Err: err, State: st.Summary(), Next: "fix access to the journal file"}
	}
	return &rot{Runner: r, j: j, plan: st.Plan}, st, nil
}

// Resume carries an interrupted rotation to its end.
func (r *Runner) Resume(ctx context.Context, recs []Record) error {
	x, st, err := r.reopen(recs)
	if x == nil {
		return err
	}
	defer x.j.Close()
	if st.RollingBack {
		return &Error{Err: errors.New("a rollback of this rotation began: it cannot be resumed"), State: st.Summary(),
			Next: fmt.Sprintf("finish the rollback with '%s'", x.next("--rollback"))}
	}
	r.progress("resuming the %s rotation of %s: %s", st.Plan.Kind, st.Account, st.Summary())
	if st.Plan.Kind == KindKey {
		return x.resumeKey(ctx, st)
	}
	return x.resumeToken(ctx, st)
}

// backupRef is where the old values are kept: the journal's, or, when the
// backup step did not finish, the same backup made again (it is
// idempotent), so that its leftovers can be found and removed.
func (x *rot) backupRef(ctx context.Context) string {
	st := x.j.State()
	if st.Backup != "" || !st.BackupBegun {
		return st.Backup
	}
	if v, ok := x.Store.(versioned); ok {
		if ref, err := v.Snapshot(ctx, x.tag(), x.plan.fields()); err == nil {
			return ref
		}
		return ""
	}
	return fieldsRef + x.tag() + ":"
}

// repairStore makes the store hold the old key again when it holds
// anything else (the new key, a torn write): it puts the backup back and
// checks the result.
func (x *rot) repairStore(ctx context.Context, st State) error {
	holds, _, err := x.storeHolds(ctx, st)
	if err != nil {
		return fmt.Errorf("cannot tell what %s holds: %w", x.Store, err)
	}
	if holds == "old" {
		return nil
	}
	if holds == "torn" {
		x.progress("%s holds neither the old key nor a working new one (a write was cut short): putting the old values back", x.Store)
	}
	if err := x.restore(ctx, st.Backup); err != nil {
		return err
	}
	if holds, _, err = x.storeHolds(ctx, x.j.State()); err != nil || holds != "old" {
		return fmt.Errorf("%s does not hold the old key after the restore (%s, %v)", x.Store, holds, err)
	}
	return nil
}

func (x *rot) resumeKey(ctx context.Context, st State) error {
	p := x.plan
	switch {
	case st.Did(StepRevoke) || st.InDoubt == StepRevoke || st.InDoubt == StepCleanup || st.Began(StepDrop) || st.Did(StepConfirm) || st.Did(StepVerify):
		return x.keyFinish(ctx)
	case st.Backup == "" && (st.BackupBegun || !st.Began(StepCreate)) && st.Plan.ID != "" && !st.Began(StepStore):
		// Stopped before or during the backup: nothing else happened.
		if err := x.backupStep(ctx); err != nil {
			return x.stopped(fmt.Errorf("keep the old values of %s recoverable: %w", x.Store, err), x.next("--resume"))
		}
		st = x.j.State()
	}
	// Before the new key was proven the store may hold the old key, this
	// attempt's new key, or a write cut between fields.
	holds, vals, err := x.storeHolds(ctx, st)
	if err != nil {
		return x.stopped(fmt.Errorf("cannot tell what %s holds, so no new key was created: %w", x.Store, err), x.next("--resume"))
	}
	if holds == "new" && vals[p.SIDField].Reveal() == st.New {
		x.secret = vals[p.SecretField]
		if err := x.step(StepVerify, Record{}, func() error { return x.verifyKey(ctx, st.New, x.secret) }, nil); err == nil {
			return x.keyFinish(ctx)
		}
	}
	if err := x.repairStore(ctx, x.j.State()); err != nil {
		return x.stopped(fmt.Errorf("put the old key back in %s: %w", x.Store, err), fmt.Sprintf("run '%s' once %s works", x.next("--resume"), x.Store))
	}
	// The store holds the old key: the keys of earlier attempts go, their
	// secrets died with the processes that created them.
	if err := x.discardKeys(ctx, st.Created); err != nil {
		return x.stopped(fmt.Errorf("delete the keys of the interrupted attempt: %w", err), x.next("--resume"))
	}
	x.progress("starting a new attempt: the secret of an unfinished one is lost with the process that created it")
	if err := x.keyAttempt(ctx, st.Attempt+1); err != nil {
		return err
	}
	return x.keyFinish(ctx)
}

func (x *rot) resumeToken(ctx context.Context, st State) error {
	p := x.plan
	if st.Did(StepRevoke) {
		return x.tokenFinishRecord()
	}
	stored, err := x.readStore(ctx, p.TokenField)
	tok := stored[p.TokenField]
	if st.InDoubt == StepRevoke {
		if err != nil || tok.IsZero() {
			return x.stopped(errors.New("the promotion was interrupted and the store cannot be read to check whether it went through"),
				"check in the Twilio Console which Auth Token is primary and that the store holds it")
		}
		if done, perr := x.promoted(ctx, tok); perr == nil && done {
			if _, err := x.record(Record{Step: StepRevoke, Phase: Done, Working: []string{tokenNew}, Note: "the promotion had gone through"}); err != nil {
				return err
			}
			return x.tokenFinishRecord()
		}
	}
	primary, perr := primaryToken(ctx, x.Acting)
	if perr != nil {
		return x.stopped(fmt.Errorf("read the current Auth Token: %w", perr), "act with the account's current Auth Token or a Main key, then run the same command again")
	}
	x.old = map[string]vigil.Secret{p.TokenField: primary}
	if st.Began(StepStore) && err == nil && !tok.IsZero() && tok.Reveal() != primary.Reveal() {
		x.secret = tok
		if verr := x.step(StepVerify, Record{}, func() error { return x.verifyToken(ctx, tok) }, nil); verr == nil {
			return x.tokenFinish(ctx)
		}
	}
	x.progress("starting a new attempt: the secondary token of an unfinished one is lost with the process that created it")
	if err := x.tokenAttempt(ctx, st.Attempt+1); err != nil {
		return err
	}
	return x.tokenFinish(ctx)
}

func (x *rot) tokenFinishRecord() error {
	_, err := x.record(Record{Step: StepFinish, Phase: Done, Working: []string{tokenNew}, Stored: "new"})
	return err
}

// Rollback undoes an interrupted rotation: the store holds the old
// credential again (from the backup made before anything changed) and
// every new key (or the secondary token) is deleted. It refuses once the
// old credential is revoked: Twilio cannot bring it back.
func (r *Runner) Rollback(ctx context.Context, recs []Record) error {
	x, st, err := r.reopen(recs)
	if x == nil {
		return err
	}
	defer x.j.Close()
	if st.Plan.Kind == KindKey {
		return x.rollbackKey(ctx, st)
	}
	return x.rollbackToken(ctx, st)
}

// beginRollback records that a rollback began, once.
func (x *rot) beginRollback(st State) error {
	if st.RollingBack {
		return nil
	}
	_, err := x.record(Record{Step: StepRollback, Phase: Begin})
	return err
}

func (x *rot) rollbackKey(ctx context.Context, st State) error {
	p := x.plan
	if st.Did(StepRevoke) || st.InDoubt == StepRevoke || st.InDoubt == StepCleanup || st.Began(StepDrop) {
		if _, err := fetchKey(ctx, x.Acting, p.Key); isNotFound(err) || st.Did(StepRevoke) {
			return &Error{Err: fmt.Errorf("cannot roll back: the old key %s is already deleted", p.Key), State: st.Summary(),
				Next: fmt.Sprintf("run '%s' to finish with the new key", x.next("--resume"))}
		}
	}
	if err := x.beginRollback(st); err != nil {
		return err
	}
	if st.Backup == "" && st.StoreTouched {
		vals, err := x.readStore(ctx, p.SIDField)
		if err != nil || vals[p.SIDField].Reveal() != p.Key {
			return &Error{Err: fmt.Errorf("cannot roll back: %s may hold a new key, and this journal (from an older vigil) has no backup of the old one", x.Store), State: st.Summary(),
				Next: fmt.Sprintf("put the old key %s and its secret back in the store, then run '%s' again", p.Key, x.next("--rollback"))}
		}
	} else if err := x.repairStore(ctx, st); err != nil {
		return x.stopped(fmt.Errorf("put the old key back: %w", err), fmt.Sprintf("run '%s' again once %s works", x.next("--rollback"), x.Store))
	}
	if err := x.discardKeys(ctx, st.Created); err != nil {
		return x.stopped(fmt.Errorf("delete the new keys: %w", err), x.next("--rollback"))
	}
	x.dropBackup(ctx, x.backupRef(ctx))
	_, err := x.record(Record{Step: StepRollback, Phase: Done, Working: []string{p.Key}, Stored: "old"})
	x.progress("rolled back: the old key %s works and the store holds it", p.Key)
	return err
}

func (x *rot) rollbackToken(ctx context.Context, st State) error {
	p := x.plan
	if st.Did(StepRevoke) {
		return &Error{Err: errors.New("cannot roll back: the new Auth Token was promoted, and Twilio deleted the old one"), State: st.Summary(),
			Next: fmt.Sprintf("run '%s' to finish", x.next("--resume"))}
	}
	primary, err := primaryToken(ctx, x.Acting)
	if err != nil {
		msg := "act with the account's current Auth Token or a Main key"
		if st.InDoubt == StepRevoke {
			msg = "the promotion may have gone through: check in the Twilio Console, then run --resume"
		}
		return &Error{Err: fmt.Errorf("cannot roll back: read the current Auth Token: %w", err), State: st.Summary(), Next: msg}
	}
	if err := x.beginRollback(st); err != nil {
		return err
	}
	x.old = map[string]vigil.Secret{p.TokenField: primary}
	if err := x.restoreToken(ctx); err != nil {
		return x.stopped(fmt.Errorf("put the current Auth Token back in %s: %w", x.Store, err), x.next("--rollback"))
	}
	if err := x.step(StepDiscard, Record{}, func() error { return deleteSecondary(ctx, x.Acting) },
		func(r *Record) { r.Working = []string{tokenOld} }); err != nil {
		return x.stopped(fmt.Errorf("delete the secondary Auth Token: %w", err), x.next("--rollback"))
	}
	_, err = x.record(Record{Step: StepRollback, Phase: Done, Working: []string{tokenOld}, Stored: "old"})
	x.progress("rolled back: the Auth Token is unchanged and the store holds it")
	return err
}
