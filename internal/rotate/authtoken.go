package rotate

import (
	"context"
	"fmt"
	"time"

	"github.com/vigilsec/vigil"
)

// Labels of the Auth Tokens in the journal's "working" list.
const (
	tokenOld       = "Auth Token (old)"
	tokenSecondary = "secondary Auth Token (new)"
	tokenNew       = "Auth Token (new)"
)

// TokenRequest asks for an Auth Token rotation.
type TokenRequest struct {
	TokenField string // store field (default TWILIO_AUTH_TOKEN)
	// NewStore writes the new token into a store that does not hold the
	// current one (no such field). Without it such a store is refused.
	NewStore      bool
	Wait          time.Duration
	HealthURL     string
	HealthTimeout time.Duration
	DryRun        bool
}

// RotateToken replaces the account's Auth Token with a new one through
// the secondary token. With DryRun it only reads and returns the plan.
func (r *Runner) RotateToken(ctx context.Context, req TokenRequest) (Plan, error) {
	req.TokenField = cmpOr(req.TokenField, DefaultTokenField)
	if err := r.checkJournal(); err != nil {
		return Plan{}, err
	}
	plan, primary, err := r.planToken(ctx, req)
	if err != nil || req.DryRun {
		return plan, err
	}
	x, err := r.start(plan, []string{tokenOld})
	if err != nil {
		return plan, err
	}
	defer x.j.Close()
	x.old = map[string]vigil.Secret{plan.TokenField: primary}
	if err := x.tokenAttempt(ctx, 1); err != nil {
		return plan, err
	}
	return plan, x.tokenFinish(ctx)
}

// planToken checks that the credentials may rotate the token and that the
// store holds it (reads only).
func (r *Runner) planToken(ctx context.Context, req TokenRequest) (Plan, vigil.Secret, error) {
	acct, actor := r.Acting.AccountSID(), r.Acting.Username()
	primary, err := primaryToken(ctx, r.Acting)
	switch {
	case isAuth(err):
		return Plan{}, vigil.Secret{}, refused(actor, "the Auth Token")
	case err != nil:
		return Plan{}, vigil.Secret{}, nothingChanged(err, "run the same command again when Twilio answers")
	}
	cur, err := r.readStore(ctx, req.TokenField)
	if err != nil {
		return Plan{}, vigil.Secret{}, nothingChanged(err, "fix access to the store (or its URI), then run the same command again")
	}
	v, ok := cur[req.TokenField]
	switch {
	case ok && v.Reveal() != primary.Reveal():
		return Plan{}, vigil.Secret{}, refuseStore(fmt.Errorf("the store's %s is not %s's current Auth Token", req.TokenField, acct),
			"check --store, --token-field and the account: vigil replaces the token the store holds")
	case !ok && !req.NewStore:
		return Plan{}, vigil.Secret{}, r.notHeld(ctx, primary.Reveal(), acct+"'s current Auth Token", []string{req.TokenField}, cur, "--token-field %s")
	}
	id, err := r.newRotationID()
	if err != nil {
		return Plan{}, vigil.Secret{}, nothingChanged(err, "")
	}
	return Plan{ID: id, Kind: KindToken, Account: acct, Actor: actor, Store: cmpOr(r.StoreURI, r.Store.String()), TokenField: req.TokenField,
		NewStore: req.NewStore, Wait: Duration(req.Wait), HealthURL: req.HealthURL, HealthTimeout: Duration(req.HealthTimeout)}, primary, nil
}

// tokenAttempt creates the secondary token, stores it and proves it.
func (x *rot) tokenAttempt(ctx context.Context, n int) error {
	p := x.plan
	err := x.step(StepCreate, Record{Attempt: n}, func() error {
		var err error
		x.secret, err = createSecondary(ctx, x.Acting)
		return err
	}, func(r *Record) { r.Working = []string{tokenOld, tokenSecondary} })
	if err != nil {
		cause := fmt.Errorf("create the secondary Auth Token: %w", err)
		ctx, cancel := detach(ctx)
		defer cancel()
		if !definitive(err) {
			if derr := x.step(StepDiscard, Record{}, func() error { return deleteSecondary(ctx, x.Acting) },
				func(r *Record) { r.Working = []string{tokenOld} }); derr != nil {
				return x.stopped(fmt.Errorf("%w; a secondary token may exist and could not be deleted: %v", cause, derr), x.next("--rollback"))
			}
		}
		return x.abort(cause)
	}
	x.progress("created a secondary Auth Token")
	err = x.step(StepStore, Record{}, func() error {
		return x.Store.Put(ctx, map[string]vigil.Secret{p.TokenField: x.secret})
	}, func(r *Record) { r.Stored = "new" })
	if err != nil {
		return x.undoToken(ctx, fmt.Errorf("write the new Auth Token to %s: %w", x.Store, err))
	}
	x.progress("wrote %s to %s", p.TokenField, x.Store)
	if err := x.step(StepVerify, Record{}, func() error { return x.verifyToken(ctx, x.secret) }, nil); err != nil {
		return x.undoToken(ctx, fmt.Errorf("the secondary Auth Token does not work: %w", err))
	}
	x.progress("the secondary Auth Token authenticates")
	return nil
}

func (x *rot) verifyToken(ctx context.Context, tok vigil.Secret) error {
	c, err := x.Client(x.plan.Account, tok)
	if err != nil {
		return err
	}
	if err := retryTemporary(ctx, func() error { return probe(ctx, c, nil) }); err != nil {
		return err
	}
	got, err := x.readStore(ctx, x.plan.TokenField)
	if err != nil {
		return err
	}
	if got[x.plan.TokenField].Reveal() != tok.Reveal() {
		return fmt.Errorf("%s does not hold the new token after the write", x.Store)
	}
	return nil
}

// undoToken puts the primary token back in the store and deletes the
// secondary.
func (x *rot) undoToken(ctx context.Context, cause error) error {
	ctx, cancel := detach(ctx)
	defer cancel()
	if err := x.restoreToken(ctx); err != nil {
		return x.stopped(fmt.Errorf("%w; and the store could not be put back: %v", cause, err),
			fmt.Sprintf("put the current Auth Token back in %s, then run '%s'", x.Store, x.next("--rollback")))
	}
	if err := x.step(StepDiscard, Record{}, func() error { return deleteSecondary(ctx, x.Acting) },
		func(r *Record) { r.Working = []string{tokenOld} }); err != nil {
		return x.stopped(fmt.Errorf("%w; and the secondary token could not be deleted: %v", cause, err), x.next("--rollback"))
	}
	return x.abort(cause)
}

// restoreToken puts the primary token (x.old) back in the store, unless
// the store already holds it.
func (x *rot) restoreToken(ctx context.Context) error {
	p := x.plan
	cur, err := x.readStore(ctx, p.TokenField)
	if err == nil && cur[p.TokenField].Reveal() == x.old[p.TokenField].Reveal() {
		return nil
	}
	if x.old[p.TokenField].IsZero() {
		return fmt.Errorf("vigil could not read the current Auth Token, so it cannot put it back")
	}
	return x.step(StepRestore, Record{}, func() error { return x.Store.Put(ctx, x.old) }, func(r *Record) { r.Stored = "old" })
}

// tokenFinish waits, confirms and promotes the secondary token.
func (x *rot) tokenFinish(ctx context.Context) error {
	st := x.j.State()
	// A fixed wait that a user interrupted is not repeated by --resume;
	// a health URL is polled again (it answers at once when healthy).
	if !st.Did(StepWait) && !(st.Began(StepWait) && x.plan.HealthURL == "") {
		if err := x.wait(ctx); err != nil {
			return x.stopped(fmt.Errorf("waiting for services: %w; the token was not promoted", err),
				fmt.Sprintf("run '%s' once services work with the new token", x.next("--resume")))
		}
	}
	if !st.Did(StepConfirm) {
		if err := x.confirm(ctx, "Promote the new Auth Token now? The old one stops working at once, for API requests and webhook signatures"); err != nil {
			return x.stopped(err, fmt.Sprintf("run '%s' to promote it later, or '%s' to undo", x.next("--resume"), x.next("--rollback")))
		}
	}
	err := x.step(StepRevoke, Record{}, func() error {
		err := promote(ctx, x.Acting)
		if err != nil && !definitive(err) && !x.secret.IsZero() {
			if done, cerr := x.promoted(ctx, x.secret); cerr == nil && done {
				return nil // the answer was lost, the promotion was not
			}
		}
		return err
	}, func(r *Record) { r.Working = []string{tokenNew} })
	if err != nil {
		if definitive(err) && !x.old[x.plan.TokenField].IsZero() {
			return x.undoToken(ctx, fmt.Errorf("promote the secondary Auth Token: %w", err))
		}
		return x.stopped(fmt.Errorf("promote the secondary Auth Token: %w", err), fmt.Sprintf("run '%s'", x.next("--resume")))
	}
	x.progress("promoted the new Auth Token; the old one no longer works")
	_, err = x.record(Record{Step: StepFinish, Phase: Done, Working: []string{tokenNew}, Stored: "new"})
	return err
}

// promoted reports whether tok is now the primary Auth Token.
func (x *rot) promoted(ctx context.Context, tok vigil.Secret) (bool, error) {
	c, err := x.Client(x.plan.Account, tok)
	if err != nil {
		return false, err
	}
	primary, err := primaryToken(ctx, c)
	if err != nil {
		return false, err
	}
	return primary.Reveal() == tok.Reveal(), nil
}
