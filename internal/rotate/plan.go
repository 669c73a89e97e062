package rotate

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Kind is what a rotation replaces.
type Kind string

// Kinds of rotation.
const (
	KindKey   Kind = "api-key"
	KindToken Kind = "auth-token"
)

// Default store fields, the names Twilio's own documentation uses.
const (
	DefaultSIDField    = "TWILIO_API_KEY"
	DefaultSecretField = "TWILIO_API_SECRET"
	DefaultTokenField  = "TWILIO_AUTH_TOKEN"
)

// Plan is what a rotation will do; it is the journal's first record.
type Plan struct {
	// ID names the rotation (16 hex digits); its first 8 mark new keys.
	ID      string `json:"id"`
	Kind    Kind   `json:"kind"`
	Account string `json:"account"`
	// Actor is the SID the rotation authenticates as (AC… or a Main SK…).
	Actor string `json:"actor"`
	// Key, KeyName, KeyType and Policy describe the key being replaced.
	Key     string   `json:"key,omitempty"`
	KeyName string   `json:"key_name,omitempty"`
	KeyType string   `json:"key_type,omitempty"` // standard or restricted
	Policy  []string `json:"policy,omitempty"`
	// NewName is the new key's friendly name; it ends with a marker of
	// this rotation so that keys left by an interrupted attempt are found.
	NewName string `json:"new_name,omitempty"`
	// Store is the secret store URI and the fields written to it.
	Store       string `json:"store"`
	SIDField    string `json:"sid_field,omitempty"`
	SecretField string `json:"secret_field,omitempty"`
	TokenField  string `json:"token_field,omitempty"`
	// NewStore records that the store did not hold the old credential
	// and the user chose to write the new one there anyway.
	NewStore bool `json:"new_store,omitempty"`
	// Wait and HealthURL give services time to pick up the new credential.
	Wait          Duration `json:"wait,omitempty"`
	HealthURL     string   `json:"health_url,omitempty"`
	HealthTimeout Duration `json:"health_timeout,omitempty"`
}

// Duration is a time.Duration written as "1m30s" in the journal.
type Duration time.Duration

// MarshalText writes the duration as Go writes it.
func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

// UnmarshalText reads "1m30s".
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	*d = Duration(v)
	return err
}

func (p *Plan) check() string {
	switch {
	case p.Kind != KindKey && p.Kind != KindToken:
		return fmt.Sprintf("unknown rotation kind %q", p.Kind)
	case len(p.ID) != 16:
		return "the plan has no rotation ID"
	case p.Store == "":
		return "the plan names no secret store"
	case !isSID(p.Account) || !isSID(p.Actor):
		return "the plan has no account or actor SID"
	case p.Kind == KindKey && (!isSID(p.Key) || p.SIDField == "" || p.SecretField == "" || p.NewName == ""):
		return "the plan of a key rotation lacks the key or its store fields"
	case p.Kind == KindKey && p.KeyType != "standard" && p.KeyType != "restricted":
		return fmt.Sprintf("key type %q cannot be rotated", p.KeyType)
	case p.Kind == KindToken && p.TokenField == "":
		return "the plan of a token rotation lacks its store field"
	}
	return ""
}

// Describe writes the plan as the numbered steps the user will see.
func (p *Plan) Describe() []string {
	var out []string
	add := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	wait := func() {
		switch {
		case p.HealthURL != "":
			add("poll %s until it answers 2xx (at most %v), so services have picked up the new credential", p.HealthURL, time.Duration(p.HealthTimeout))
		case p.Wait > 0:
			add("wait %v for services to pick up the new credential", time.Duration(p.Wait))
		}
	}
	if p.Kind == KindKey {
		policy := ""
		if p.KeyType == "restricted" {
			policy = " with the same policy (" + strings.Join(p.Policy, ", ") + ")"
		}
		add("keep the store's current %s and %s recoverable until the rotation ends (%s)", p.SIDField, p.SecretField, backupHow(p.Store))
		add("create a new %s API key %q in %s%s", p.KeyType, p.NewName, p.Account, policy)
		add("write its SID and secret to %s (fields %s, %s)", p.Store, p.SIDField, p.SecretField)
		add("prove the new key works with a read-only request")
		wait()
		add("ask for confirmation, then delete the old key %s (%q)", p.Key, p.KeyName)
	} else {
		add("create a secondary Auth Token for %s", p.Account)
		add("write it to %s (field %s)", p.Store, p.TokenField)
		add("prove it works with a read-only request")
		wait()
		add("ask for confirmation, then promote it to primary: the old Auth Token stops working at once")
	}
	for i := range out {
		out[i] = fmt.Sprintf("%d. %s", i+1, out[i])
	}
	return out
}

// State is where a rotation stands, derived from its journal.
type State struct {
	Plan     Plan
	Rotation string
	Account  string
	Last     Record
	Attempt  int
	// New is the current attempt's new key; Created lists every key any
	// attempt created (api-key).
	New     string
	Created []string
	// StoreTouched reports whether any attempt began writing the store.
	StoreTouched bool
	// Backup is where the store's old values are kept ("" before the
	// backup step is done, and in version 1 journals).
	Backup string
	// RollingBack reports that a rollback began: only --rollback may go on.
	RollingBack bool
	// BackupBegun reports that the backup step began (a backup may exist).
	BackupBegun bool
	// InDoubt is a step that began and has no outcome: the process
	// stopped while it ran, and it may or may not have taken effect.
	InDoubt Step
	done    map[Step]bool
	failed  map[Step]bool
}

// Derive replays a journal's records.
func Derive(recs []Record) State {
	st := State{done: map[Step]bool{}, failed: map[Step]bool{}}
	for _, r := range recs {
		if r.Plan != nil {
			st.Plan, st.Rotation, st.Account = *r.Plan, r.Rotation, r.Account
		}
		if r.Step == StepCreate && r.Phase == Begin && r.Attempt > st.Attempt {
			st.Attempt = r.Attempt
			for _, s := range []Step{StepCreate, StepStore, StepVerify, StepWait, StepConfirm} {
				delete(st.done, s)
				delete(st.failed, s)
			}
		}
		if r.Step == StepStore && r.Phase == Begin {
			st.StoreTouched = true
		}
		if r.Step == StepBackup && r.Phase == Done {
			st.Backup = r.Backup
		}
		if r.Step == StepBackup && r.Phase == Begin {
			st.BackupBegun = true
		}
		if r.Step == StepRollback && r.Phase == Begin {
			st.RollingBack = true
		}
		if r.New != "" && !slices.Contains(st.Created, r.New) {
			st.Created = append(st.Created, r.New)
		}
		if r.Attempt == st.Attempt {
			st.New = r.New
		}
		switch r.Phase {
		case Begin:
			st.InDoubt = r.Step
			delete(st.done, r.Step)
			delete(st.failed, r.Step)
		case Done:
			st.InDoubt = ""
			st.done[r.Step] = true
		case Failed:
			st.InDoubt = ""
			st.failed[r.Step] = true
		}
		st.Last = r
	}
	return st
}

// Did reports whether a step completed (in the current attempt, for the
// per-attempt steps).
func (s State) Did(step Step) bool { return s.done[step] }

// Began reports whether a step completed or is in doubt.
func (s State) Began(step Step) bool { return s.done[step] || s.InDoubt == step || s.failed[step] }

// Closed reports whether the rotation ended: finished, aborted with
// nothing changed, or rolled back.
func (s State) Closed() bool { return s.done[StepFinish] || s.done[StepAbort] || s.done[StepRollback] }

// Summary says in a sentence what the account looks like now.
func (s State) Summary() string {
	work := "no credential is known to work"
	if len(s.Last.Working) > 0 {
		work = strings.Join(s.Last.Working, " and ") + " work"
		if len(s.Last.Working) == 1 {
			work = s.Last.Working[0] + " works"
		}
	}
	stored := map[string]string{"old": "the store holds the old credential", "new": "the store holds the new credential",
		"unknown": "vigil cannot tell which credential the store holds"}[s.Last.Stored]
	if stored == "" {
		stored = "the store was not changed"
	}
	msg := fmt.Sprintf("%s; %s", work, stored)
	if s.InDoubt != "" {
		msg += fmt.Sprintf("; the %q step was interrupted and may or may not have taken effect", s.InDoubt)
	}
	return msg
}
