package rotate

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/vigilsec/vigil"
)

// lister is a store that can name its fields, so that vigil can say where
// a credential is when it is not under the expected names.
type lister interface {
	Fields(ctx context.Context) ([]string, error)
}

// refuseStore is the error for a store that does not hold the credential
// being rotated: nothing was changed.
func refuseStore(err error, next string) error { return nothingChanged(err, next) }

// checkKeyStore makes sure, before anything changes, that the store holds
// the key being replaced: its SID and a secret Twilio accepts for it. With
// newStore it accepts a store that holds neither field instead. It
// returns the store's values.
func (r *Runner) checkKeyStore(ctx context.Context, req KeyRequest, policy []string) (map[string]vigil.Secret, error) {
	vals, err := r.readStore(ctx, req.SIDField, req.SecretField)
	if err != nil {
		return nil, nothingChanged(err, "fix access to the store (or its URI), then run the same command again")
	}
	sid, hasSID := vals[req.SIDField]
	_, hasSecret := vals[req.SecretField]
	switch {
	case hasSID && sid.Reveal() != req.Key:
		return nil, refuseStore(fmt.Errorf("the store's %s holds %s, not the key being replaced (%s)", req.SIDField, redactSID(sid), req.Key),
			"check --store and --sid-field: vigil replaces the key that the store holds")
	case hasSID && !hasSecret:
		return nil, refuseStore(fmt.Errorf("%s holds the key %s in %s but has no %s", r.Store, req.Key, req.SIDField, req.SecretField),
			"give the field that holds the key's secret with --secret-field")
	case hasSID:
		if err := r.pairWorks(ctx, req.Key, vals[req.SecretField], policy); err != nil {
			return nil, err
		}
		return vals, nil
	case req.NewStore && !hasSecret:
		return vals, nil
	case req.NewStore:
		return nil, refuseStore(fmt.Errorf("%s has no %s but holds a %s: --new-store writes only into a store that holds neither", r.Store, req.SIDField, req.SecretField),
			"check --store, --sid-field and --secret-field")
	}
	return nil, r.notHeld(ctx, req.Key, fmt.Sprintf("the key %s", req.Key), []string{req.SIDField, req.SecretField}, vals,
		"--sid-field %s and --secret-field (the field of the key's secret)")
}

// pairWorks proves that the stored secret is the key's: Twilio accepts
// the pair.
func (r *Runner) pairWorks(ctx context.Context, sid string, secret vigil.Secret, policy []string) error {
	c, err := r.Client(sid, secret)
	if err != nil {
		return nothingChanged(err, "")
	}
	err = retryTemporary(ctx, func() error { return probe(ctx, c, policy) })
	switch {
	case isAuth(err):
		return refuseStore(fmt.Errorf("the store holds %s, but Twilio refuses the secret stored with it: the app's credential does not work now", sid),
			"put the key's working secret in the store (or give the store the app reads), then run the same command again")
	case err != nil:
		return nothingChanged(fmt.Errorf("check the stored key %s: %w", sid, err), "run the same command again when Twilio answers")
	}
	return nil
}

// notHeld explains a store that does not hold the credential: which of
// the expected fields it lacks, whether it exists at all, and under which
// field it holds the SID instead, when it can list its fields.
func (r *Runner) notHeld(ctx context.Context, value, what string, fields []string, vals map[string]vigil.Secret, flagsFormat string) error {
	var missing []string
	for _, f := range fields {
		if _, ok := vals[f]; !ok {
			missing = append(missing, f)
		}
	}
	holds := "it has no " + strings.Join(missing, " and no ")
	next := "give the store the app reads with --store; to write the new credential into a store that does not hold the old one, add --new-store (the app must then read this store)"
	if l, ok := r.Store.(lister); ok {
		names, err := l.Fields(ctx)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			holds = "it does not exist"
		case err == nil:
			if f := r.fieldHolding(ctx, names, value); f != "" {
				holds = fmt.Sprintf("it holds %s under %s", redactOrSID(value), f)
				next = "the store uses other field names: give " + fmt.Sprintf(flagsFormat, f)
			} else if len(names) > 0 {
				holds += fmt.Sprintf(" (its fields: %s)", strings.Join(names, ", "))
			}
		}
	}
	return refuseStore(fmt.Errorf("%s does not hold %s: %s", r.Store, what, holds), next)
}

// fieldHolding returns the field whose value is value, if any.
func (r *Runner) fieldHolding(ctx context.Context, names []string, value string) string {
	slices.Sort(names)
	for _, n := range names {
		if v, err := r.Store.Get(ctx, n); err == nil && v.Reveal() == value {
			return n
		}
	}
	return ""
}

// redactSID shows a stored value that should be a key SID: SIDs are not
// secret, anything else is shown redacted.
func redactSID(v vigil.Secret) string { return redactOrSID(v.Reveal()) }

func redactOrSID(s string) string {
	if isSID(s) {
		return s
	}
	return "a value that is not a key SID"
}

// storeHolds says which key the store holds during a rotation that has
// not proven its new key: "old" (the old key's values, as backed up, or a
// pair Twilio accepts), "new" (a key this rotation created, whose secret
// Twilio accepts), or "torn" (anything else: a write cut between fields,
// a value changed by hand). It returns the store's values.
func (x *rot) storeHolds(ctx context.Context, st State) (string, map[string]vigil.Secret, error) {
	p := x.plan
	vals, err := x.readStore(ctx, p.SIDField, p.SecretField)
	if err != nil {
		return "", nil, err
	}
	sid, secret := vals[p.SIDField].Reveal(), vals[p.SecretField]
	if (sid == p.Key || slices.Contains(st.Created, sid)) && !secret.IsZero() {
		c, err := x.Client(sid, secret)
		if err != nil {
			return "", nil, err
		}
		policy := p.Policy
		switch err := retryTemporary(ctx, func() error { return probe(ctx, c, policy) }); {
		case err != nil && !isAuth(err):
			return "", nil, err
		case err == nil && sid == p.Key:
			return "old", vals, nil
		case err == nil:
			return "new", vals, nil
		}
	}
	// Not a working pair: it may still be what the store held before
	// (--new-store: nothing).
	if st.Backup != "" {
		if old, err := x.recall(ctx, st.Backup); err == nil && sameValues(old, vals, p.fields()) {
			return "old", vals, nil
		}
	}
	return "torn", vals, nil
}

// sameValues reports whether a and b hold the same fields with the same
// values.
func sameValues(a, b map[string]vigil.Secret, fields []string) bool {
	for _, f := range fields {
		va, oka := a[f]
		vb, okb := b[f]
		if oka != okb || va.Reveal() != vb.Reveal() {
			return false
		}
	}
	return true
}
