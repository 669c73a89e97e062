package rotate

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/internal/ctxtime"
)

// KeyRequest asks for an API key rotation.
type KeyRequest struct {
	Key                   string // the key to replace, SK…
	SIDField, SecretField string // store fields (defaults: TWILIO_API_KEY, TWILIO_API_SECRET)
	// NewStore writes the new key into a store that does not hold the old
	// one (neither field). Without it such a store is refused: the app
	// would keep using the old key, which the rotation deletes.
	NewStore      bool
	Wait          time.Duration
	HealthURL     string
	HealthTimeout time.Duration
	DryRun        bool // plan only
}

// RotateKey replaces an API key. With DryRun it only reads (the key, the
// store) and returns the plan.
func (r *Runner) RotateKey(ctx context.Context, req KeyRequest) (Plan, error) {
	req.SIDField = cmpOr(req.SIDField, DefaultSIDField)
	req.SecretField = cmpOr(req.SecretField, DefaultSecretField)
	if err := r.checkJournal(); err != nil {
		return Plan{}, err
	}
	plan, old, err := r.planKey(ctx, req)
	if err != nil || req.DryRun {
		return plan, err
	}
	x, err := r.start(plan, []string{plan.Key})
	if err != nil {
		return plan, err
	}
	defer x.j.Close()
	x.old = old
	if err := x.backupStep(ctx); err != nil {
		return plan, x.abort(fmt.Errorf("keep the old values of %s recoverable: %w", x.Store, err))
	}
	if err := x.keyAttempt(ctx, 1); err != nil {
		return plan, err
	}
	return plan, x.keyFinish(ctx)
}

// checkJournal refuses to start while the journal holds an unfinished
// rotation.
func (r *Runner) checkJournal() error {
	recs, err := Load(r.JournalPath)
	if err != nil {
		return nil // none, or unreadable: Create says which
	}
	if st := Derive(recs); !st.Closed() {
		return &Error{Err: &UnfinishedError{Path: r.JournalPath, State: st}, State: st.Summary(),
			Next: fmt.Sprintf("finish it with 'vigil twilio rotate --resume --journal %s' or undo it with --rollback before starting another", r.JournalPath)}
	}
	return nil
}

// start opens a new journal and writes the plan.
func (r *Runner) start(plan Plan, working []string) (*rot, error) {
	if err := r.checkJournal(); err != nil {
		return nil, err
	}
	j, err := Create(r.JournalPath)
	if err != nil {
		var ce *CorruptError
		if errors.As(err, &ce) {
			return nil, nothingChanged(err, "move the journal file aside (or choose another with --journal), then run the same command again")
		}
		return nil, nothingChanged(err, "choose another journal file with --journal")
	}
	x := &rot{Runner: r, j: j, plan: plan}
	if _, err := x.record(Record{Rotation: plan.ID, Account: plan.Account, Step: StepPlan, Phase: Done, Plan: &plan,
		Working: working, Stored: "old"}); err != nil {
		_ = j.Close()
		return nil, nothingChanged(err, "fix the journal file's location with --journal")
	}
	return x, nil
}

// planKey inspects the key and the store (reads only) and makes the plan.
func (r *Runner) planKey(ctx context.Context, req KeyRequest) (Plan, map[string]vigil.Secret, error) {
	acct, actor := r.Acting.AccountSID(), r.Acting.Username()
	k, err := fetchKey(ctx, r.Acting, req.Key)
	switch {
	case isNotFound(err):
		return Plan{}, nil, nothingChanged(fmt.Errorf("no API key %s in account %s", req.Key, acct),
			"check --key (the SID of the key to replace, SK…) and that the credentials are those of the key's account")
	case isAuth(err):
		return Plan{}, nil, refused(actor, "API keys")
	case err != nil:
		return Plan{}, nil, nothingChanged(err, "run the same command again when Twilio answers")
	}
	old, err := r.checkKeyStore(ctx, req, k.Policy)
	if err != nil {
		return Plan{}, nil, err
	}
	typ := "standard"
	if k.Restricted {
		typ = "restricted"
	} else if main, err := r.isMainKey(ctx, req.Key, old[req.SecretField]); err != nil {
		return Plan{}, nil, nothingChanged(err, "run the same command again when Twilio answers")
	} else if main {
		return Plan{}, nil, nothingChanged(fmt.Errorf("%s is a Main key: %w", req.Key, ErrMainKey),
			"create a Main key in the Twilio Console, put it in the store, then delete "+req.Key+" there")
	}
	id, err := r.newRotationID()
	if err != nil {
		return Plan{}, nil, nothingChanged(err, "")
	}
	plan := Plan{ID: id, Kind: KindKey, Account: acct, Actor: actor, Key: req.Key, KeyName: k.Name, KeyType: typ, Policy: k.Policy,
		NewName: newKeyName(k.Name, id), Store: cmpOr(r.StoreURI, r.Store.String()), SIDField: req.SIDField, SecretField: req.SecretField,
		NewStore: req.NewStore, Wait: Duration(req.Wait), HealthURL: req.HealthURL, HealthTimeout: Duration(req.HealthTimeout)}
	return plan, old, nil
}

// isMainKey tells a Main key from a Standard one, which Twilio's API does
// not say: only a Main key may read the Accounts API. It needs the key's
// secret (from the store); without it the key is taken to be Standard.
func (r *Runner) isMainKey(ctx context.Context, sid string, secret vigil.Secret) (bool, error) {
	if r.Acting.Username() == sid {
		return true, nil // only an Auth Token or a Main key can act, and this is a key
	}
	if secret.IsZero() {
		return false, nil
	}
	c, err := r.Client(sid, secret)
	if err != nil {
		return false, err
	}
	admin, err := isAdmin(ctx, c)
	if err != nil && isAuth(err) {
		return false, nil // the stored secret does not work: not a probe of the type
	}
	return admin, err
}

// keyAttempt creates a new key, stores it and proves it works. On failure
// it undoes what it did and says where things stand.
func (x *rot) keyAttempt(ctx context.Context, n int) error {
	p := x.plan
	if left, err := x.rotationKeys(ctx); err != nil || len(left) > 0 {
		if err == nil {
			err = fmt.Errorf("keys of this rotation still exist (%s): vigil never creates a second new key while one exists", strings.Join(left, ", "))
		}
		return x.stopped(fmt.Errorf("before creating a new key: %w", err), x.next("--resume"))
	}
	var sid string
	err := x.step(StepCreate, Record{Attempt: n}, func() error {
		var err error
		sid, x.secret, err = createKey(ctx, x.Acting, p.Account, p.NewName, p.KeyType == "restricted", p.Policy)
		return err
	}, func(r *Record) { r.New, r.Working = sid, []string{p.Key, sid} })
	if err != nil {
		return x.createFailed(ctx, err)
	}
	x.progress("created %s key %s (%q)", p.KeyType, sid, p.NewName)
	err = x.step(StepStore, Record{}, func() error {
		return x.Store.Put(ctx, map[string]vigil.Secret{p.SIDField: vigil.NewSecret(sid), p.SecretField: x.secret})
	}, func(r *Record) { r.Stored = "new" })
	if err != nil {
		return x.undoKey(ctx, fmt.Errorf("write the new key to %s: %w", x.Store, err))
	}
	x.progress("wrote %s and %s to %s", p.SIDField, p.SecretField, x.Store)
	if err := x.step(StepVerify, Record{}, func() error { return x.verifyKey(ctx, sid, x.secret) }, nil); err != nil {
		return x.undoKey(ctx, fmt.Errorf("the new key %s does not work: %w", sid, err))
	}
	x.verified = sid
	x.progress("the new key %s authenticates", sid)
	return nil
}

// verifyKey proves a key authenticates, and that the store now holds it
// when the store can be read.
func (x *rot) verifyKey(ctx context.Context, sid string, secret vigil.Secret) error {
	c, err := x.Client(sid, secret)
	if err != nil {
		return err
	}
	if err := retryTemporary(ctx, func() error { return probe(ctx, c, x.plan.Policy) }); err != nil {
		return err
	}
	got, err := x.readStore(ctx, x.plan.SIDField, x.plan.SecretField)
	if err != nil {
		return err
	}
	if got[x.plan.SIDField].Reveal() != sid || got[x.plan.SecretField].Reveal() != secret.Reveal() {
		return fmt.Errorf("%s does not hold the new key after the write", x.Store)
	}
	return nil
}

// retryTemporary retries a request that got no definitive answer, a few
// times.
func retryTemporary(ctx context.Context, f func() error) error {
	var err error
	for i := range 3 {
		if err = f(); err == nil || definitive(err) {
			return err
		}
		if serr := ctxtime.Sleep(ctx, time.Duration(i+1)*500*time.Millisecond); serr != nil {
			return err
		}
	}
	return err
}

// createFailed handles a failed create: with a definitive answer nothing
// was made; otherwise a key may exist, and is looked for and deleted.
func (x *rot) createFailed(ctx context.Context, err error) error {
	ctx, cancel := detach(ctx)
	defer cancel()
	cause := fmt.Errorf("create the new key: %w", err)
	if !definitive(err) {
		if cerr := x.discardKeys(ctx, nil); cerr != nil {
			return x.stopped(fmt.Errorf("%w; a key may have been created and could not be looked for: %v", cause, cerr), x.next("--rollback"))
		}
	}
	return x.abort(cause)
}

// abort ends a rotation that changed nothing (or undid what it changed).
func (x *rot) abort(cause error) error {
	p := x.plan
	ctx, cancel := detach(context.Background())
	defer cancel()
	x.dropBackup(ctx, x.backupRef(ctx))
	working := []string{p.Key}
	if p.Kind == KindToken {
		working = []string{"Auth Token (old)"}
	}
	if _, err := x.record(Record{Step: StepAbort, Phase: Done, Working: working, Stored: "old", Note: cause.Error()}); err != nil {
		return fmt.Errorf("%w (and the journal: %v)", cause, err)
	}
	what := "the old key " + p.Key + " still works and the store holds it"
	if p.Kind == KindToken {
		what = "the old Auth Token still works and the store holds it"
	}
	return &Error{Err: cause, State: "rolled back: " + what, Next: "fix the cause, then run the same command again"}
}

// undoKey puts the store back and deletes the new key, after the new key
// failed. When the store cannot be put back, the new key stays (the store
// holds it) and the user is told.
func (x *rot) undoKey(ctx context.Context, cause error) error {
	ctx, cancel := detach(ctx)
	defer cancel()
	st := x.j.State()
	if err := x.repairStore(ctx, st); err != nil {
		return x.stopped(fmt.Errorf("%w; and the store could not be put back: %v", cause, err),
			fmt.Sprintf("run '%s' once %s works again (vigil kept the old key's values)", x.next("--rollback"), x.Store))
	}
	if err := x.discardKeys(ctx, []string{st.New}); err != nil {
		return x.stopped(fmt.Errorf("%w; and the new key could not be deleted: %v", cause, err), x.next("--rollback"))
	}
	return x.abort(cause)
}

// discardKeys deletes this rotation's keys: the ones named, and any other
// key carrying its marker (created by a request whose answer was lost),
// except keep.
func (x *rot) discardKeys(ctx context.Context, sids []string, keep ...string) error {
	ks, err := x.rotationKeys(ctx)
	if err != nil {
		return err
	}
	for _, k := range ks {
		if !slices.Contains(sids, k) {
			sids = append(sids, k)
		}
	}
	for _, sid := range sids {
		if sid == "" || slices.Contains(keep, sid) || sid == x.plan.Key {
			continue
		}
		if err := x.step(StepDiscard, Record{Note: sid}, func() error { return deleteKey(ctx, x.Acting, sid) },
			func(r *Record) { r.Working = without(x.j.Last().Working, sid) }); err != nil {
			return err
		}
		x.progress("deleted key %s", sid)
	}
	return nil
}

// rotationKeys lists the keys this rotation created that still exist: they
// carry its marker.
func (x *rot) rotationKeys(ctx context.Context) ([]string, error) {
	ks, err := listKeys(ctx, x.Acting, x.plan.Account)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, k := range ks {
		if strings.HasSuffix(k.Name, marker(x.plan.ID)) && k.SID != x.plan.Key {
			out = append(out, k.SID)
		}
	}
	return out, nil
}

// keyFinish waits, confirms and deletes the old key, then cleans up.
func (x *rot) keyFinish(ctx context.Context) error {
	p := x.plan
	st := x.j.State()
	// A fixed wait that a user interrupted is not repeated by --resume;
	// a health URL is polled again (it answers at once when healthy).
	if !st.Did(StepWait) && !(st.Began(StepWait) && x.plan.HealthURL == "") {
		if err := x.wait(ctx); err != nil {
			return x.stopped(fmt.Errorf("waiting for services: %w; %s was not deleted", err, p.Key),
				fmt.Sprintf("run '%s' once services work with the new key", x.next("--resume")))
		}
	}
	if !st.Did(StepConfirm) && !st.Did(StepRevoke) {
		if err := x.confirm(ctx, fmt.Sprintf("Delete the old key %s (%q) now? Anything still using it stops working", p.Key, p.KeyName)); err != nil {
			return x.stopped(err, fmt.Sprintf("run '%s' to delete it later, or '%s' to undo", x.next("--resume"), x.next("--rollback")))
		}
	}
	if !st.Did(StepRevoke) {
		if err := x.storeHoldsNew(ctx, st.New); err != nil {
			return x.stopped(fmt.Errorf("%w: %s was not deleted", err, p.Key), fmt.Sprintf("run '%s' to put the old key back, or '%s' once the store holds %s", x.next("--rollback"), x.next("--resume"), st.New))
		}
		if err := x.step(StepRevoke, Record{}, func() error { return deleteKey(ctx, x.Acting, p.Key) },
			func(r *Record) { r.Working = without(x.j.Last().Working, p.Key) }); err != nil {
			return x.stopped(fmt.Errorf("delete the old key %s: %w", p.Key, err), fmt.Sprintf("run '%s'", x.next("--resume")))
		}
		x.progress("deleted the old key %s", p.Key)
	}
	st = x.j.State()
	if err := x.step(StepCleanup, Record{}, func() error { return x.discardKeys(ctx, st.Created, st.New) }, nil); err != nil {
		return x.stopped(fmt.Errorf("delete keys left by interrupted attempts: %w", err), fmt.Sprintf("run '%s'", x.next("--resume")))
	}
	x.dropBackup(ctx, x.backupRef(ctx))
	_, err := x.record(Record{Step: StepFinish, Phase: Done, Working: []string{st.New}, Stored: "new"})
	return err
}

// storeHoldsNew checks, before the old key is deleted, that the store
// holds the new key.
func (x *rot) storeHoldsNew(ctx context.Context, sid string) error {
	if x.verified == sid {
		return nil // written and read back by this process
	}
	got, err := x.readStore(ctx, x.plan.SIDField)
	if err != nil {
		return err
	}
	if v := got[x.plan.SIDField].Reveal(); v != sid {
		return fmt.Errorf("%s does not hold the new key %s (its %s is %s)", x.Store, sid, x.plan.SIDField, redactOrSID(v))
	}
	return nil
}

func without(list []string, s string) []string {
	out := []string{}
	for _, x := range list {
		if x != s {
			out = append(out, x)
		}
	}
	return out
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
