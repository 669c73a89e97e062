package rotate

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/vigilsec/vigil"
)

// versioned is a store that can keep its current values recoverable by
// itself: Vault KV v2, AWS Secrets Manager and Conjur keep earlier
// versions, a dotenv file is copied aside. Snapshot returns a reference
// (a version, a file name: never a secret) that Recall reads back; Forget
// removes what Snapshot made, if anything. Snapshot must be idempotent:
// a rotation interrupted during it calls it again.
type versioned interface {
	Snapshot(ctx context.Context, tag string, fields []string) (ref string, err error)
	Recall(ctx context.Context, ref string, fields []string) (map[string]vigil.Secret, error)
	Forget(ctx context.Context, ref string) error
}

// deleter is a store that can remove fields.
type deleter interface {
	Delete(ctx context.Context, fields []string) error
}

// fieldsRef starts the reference of a backup kept in fields of the store
// itself (pass, gopass, exec), for stores that keep no versions:
// "fields:TAG:F1,F2" lists the fields that were backed up.
const fieldsRef = "fields:"

// BackupField is the field that holds the backup of field during the
// rotation tagged tag, in stores that keep no versions.
func BackupField(tag, field string) string {
	return "VIGIL_BACKUP_" + strings.ToUpper(tag) + "_" + field
}

// backupHow says in words how a store keeps the old values, for the plan.
func backupHow(storeURI string) string {
	scheme, _, _ := strings.Cut(storeURI, ":")
	switch strings.ToLower(scheme) {
	case "vault", "aws-sm", "conjur":
		return "the store keeps the previous version"
	case "dotenv", "file":
		return "a copy of the file beside it, with the same mode, removed at the end"
	}
	return "copied to VIGIL_BACKUP_* fields of the same store, removed at the end"
}

// tag marks a rotation's backups.
func (x *rot) tag() string { return x.plan.ID[:8] }

// fields are the store fields the rotation writes.
func (p Plan) fields() []string {
	if p.Kind == KindToken {
		return []string{p.TokenField}
	}
	return []string{p.SIDField, p.SecretField}
}

// snapshot keeps the store's current values of the rotation's fields
// recoverable and returns where.
func (x *rot) snapshot(ctx context.Context) (string, error) {
	fields := x.plan.fields()
	if v, ok := x.Store.(versioned); ok {
		return v.Snapshot(ctx, x.tag(), fields)
	}
	cur := x.old // read by the plan, in this process
	if cur == nil {
		var err error
		if cur, err = x.readStore(ctx, fields...); err != nil {
			return "", err
		}
	}
	vals := map[string]vigil.Secret{}
	var names []string
	for _, f := range fields {
		if v, ok := cur[f]; ok {
			vals[BackupField(x.tag(), f)] = v
			names = append(names, f)
		}
	}
	if len(vals) > 0 {
		if err := x.Store.Put(ctx, vals); err != nil {
			return "", fmt.Errorf("back up the old values in %s: %w", x.Store, err)
		}
	}
	return fieldsRef + x.tag() + ":" + strings.Join(names, ","), nil
}

// backupStep runs the backup step: before anything changes, the old
// values are kept where a later process can find them.
func (x *rot) backupStep(ctx context.Context) error {
	var ref string
	return x.step(StepBackup, Record{}, func() error {
		var err error
		ref, err = x.snapshot(ctx)
		return err
	}, func(r *Record) { r.Backup = ref })
}

// recall reads the backed-up values. A field missing from the result did
// not exist when the backup was made.
func (x *rot) recall(ctx context.Context, ref string) (map[string]vigil.Secret, error) {
	fields := x.plan.fields()
	rest, ok := strings.CutPrefix(ref, fieldsRef)
	if !ok {
		v, ok := x.Store.(versioned)
		if !ok {
			return nil, fmt.Errorf("the journal's backup %q is not one %s can read", ref, x.Store)
		}
		return v.Recall(ctx, ref, fields)
	}
	tag, list, _ := strings.Cut(rest, ":")
	out := map[string]vigil.Secret{}
	for _, f := range strings.Split(list, ",") {
		if f == "" {
			continue
		}
		v, err := x.Store.Get(ctx, BackupField(tag, f))
		if err != nil {
			return nil, fmt.Errorf("read the backup of %s: %w", f, err)
		}
		out[f] = v
	}
	return out, nil
}

// restore puts the backed-up values back: fields that did not exist are
// removed again.
func (x *rot) restore(ctx context.Context, ref string) error {
	if ref == "" {
		return errors.New("vigil has no backup of the store's old values (the journal predates backups)")
	}
	return x.step(StepRestore, Record{}, func() error {
		vals, err := x.recall(ctx, ref)
		if err != nil {
			return err
		}
		var gone []string
		for _, f := range x.plan.fields() {
			if _, ok := vals[f]; !ok {
				gone = append(gone, f)
			}
		}
		if len(vals) > 0 {
			if err := x.Store.Put(ctx, vals); err != nil {
				return err
			}
		}
		if len(gone) == 0 {
			return nil
		}
		d, ok := x.Store.(deleter)
		if !ok {
			return fmt.Errorf("%s held no %s before the rotation, and vigil cannot remove fields from it", x.Store, strings.Join(gone, ", "))
		}
		return d.Delete(ctx, gone)
	}, func(r *Record) { r.Stored = "old" })
}

// forget removes the backup; failing, it says what is left where. A
// backup that is already gone counts as removed.
func (x *rot) forget(ctx context.Context, ref string) error {
	if ref == "" {
		return nil
	}
	rest, ok := strings.CutPrefix(ref, fieldsRef)
	if !ok {
		if v, ok := x.Store.(versioned); ok {
			return v.Forget(ctx, ref)
		}
		return nil
	}
	tag, _, _ := strings.Cut(rest, ":")
	var names []string
	for _, f := range x.plan.fields() { // also fields a torn backup wrote
		names = append(names, BackupField(tag, f))
	}
	d, ok := x.Store.(deleter)
	if !ok {
		return fmt.Errorf("%s cannot remove fields: delete %s there by hand", x.Store, strings.Join(names, ", "))
	}
	if err := d.Delete(ctx, names); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove the backup fields %s: %w", strings.Join(names, ", "), err)
	}
	return nil
}

// dropBackup ends the backup's life: at the end of the rotation (the old
// credential is revoked or restored). Failing to remove it does not undo
// the rotation: the user is told what is left.
func (x *rot) dropBackup(ctx context.Context, ref string) {
	err := x.step(StepDrop, Record{Note: ref}, func() error { return x.forget(ctx, ref) }, nil)
	if err != nil {
		x.progress("warning: the backup of the old values could not be removed: %v", err)
	}
}
