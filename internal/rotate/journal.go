package rotate

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"

	"github.com/vigilsec/vigil/twilio"
)

// Version is the journal format version. Version 1 journals (before the
// backup step) are still read.
const Version = 2

// Step names one step of a rotation.
type Step string

// Steps, in the order a rotation runs them.
const (
	StepPlan     Step = "plan"     // what will be done (first record)
	StepBackup   Step = "backup"   // keep the store's old values recoverable
	StepCreate   Step = "create"   // create the new key or secondary token
	StepStore    Step = "store"    // write it to the secret store
	StepVerify   Step = "verify"   // prove the stored credential works
	StepWait     Step = "wait"     // give services time to pick it up
	StepConfirm  Step = "confirm"  // the user agreed to revoke the old one
	StepRevoke   Step = "revoke"   // delete the old key, or promote the token
	StepCleanup  Step = "cleanup"  // delete keys left by earlier attempts
	StepRestore  Step = "restore"  // put the old value back in the store
	StepDiscard  Step = "discard"  // delete the new key or secondary token
	StepDrop     Step = "drop"     // remove the backup of the old values
	StepFinish   Step = "finish"   // the rotation is complete
	StepAbort    Step = "abort"    // the rotation stopped with nothing changed
	StepRollback Step = "rollback" // the rotation was undone
)

// Phase says where a step was when its record was written.
type Phase string

// Phases of a step.
const (
	Begin  Phase = "begin"
	Done   Phase = "done"
	Failed Phase = "failed"
)

// Record is one line of the journal. It never holds a secret.
type Record struct {
	V        int       `json:"v"`
	Rotation string    `json:"rotation"`
	Seq      int       `json:"seq"`
	Time     time.Time `json:"time"`
	Account  string    `json:"account"`
	Step     Step      `json:"step"`
	Phase    Phase     `json:"phase"`
	Attempt  int       `json:"attempt,omitempty"`
	// Plan is set on the first record.
	Plan *Plan `json:"plan,omitempty"`
	// New is the new key's SID (api-key) for this attempt, once known.
	New string `json:"new,omitempty"`
	// Working lists the credentials that authenticate after this record,
	// e.g. ["SK…old"], ["SK…old","SK…new"], or ["primary", "secondary"].
	Working []string `json:"working"`
	// Stored is what the secret store holds: "old", "new", "unknown".
	Stored string `json:"stored"`
	// Backup says where the store's old values are kept (a version, a
	// backup file, backup fields), on the backup step's done record. It
	// is a reference, never a secret.
	Backup string `json:"backup,omitempty"`
	Error  string `json:"error,omitempty"`
	Note   string `json:"note,omitempty"`
}

// Journal appends records to a file, fsyncing each one before the step
// it announces runs.
type Journal struct {
	path string
	f    *os.File
	seq  int
	last Record
	recs []Record
}

// Path is the journal's file.
func (j *Journal) Path() string { return j.path }

// Create starts a new journal. An existing journal of an unfinished
// rotation is never overwritten; a finished one is replaced.
func Create(path string) (*Journal, error) {
	recs, err := Load(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, err
	default:
		if st := Derive(recs); !st.Closed() {
			return nil, &UnfinishedError{Path: path, State: st}
		}
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	return &Journal{path: path, f: f}, nil
}

// Reopen continues an existing journal, first cutting off a record whose
// write a crash left unfinished.
func Reopen(path string, recs []Record) (*Journal, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	if i := bytes.LastIndexByte(data, '\n'); i+1 < len(data) {
		if err := os.Truncate(path, int64(i+1)); err != nil {
			return nil, fmt.Errorf("journal: cut the unfinished record: %w", err)
		}
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	j := &Journal{path: path, f: f, recs: append([]Record(nil), recs...)}
	if len(recs) > 0 {
		j.last = recs[len(recs)-1]
		j.seq = j.last.Seq
	}
	return j, nil
}

// Append writes one record and fsyncs the file. Rotation, account, plan
// and state fields left empty are carried over from the previous record.
func (j *Journal) Append(r Record) (Record, error) {
	j.seq++
	r.V, r.Seq = Version, j.seq
	if r.Rotation == "" {
		r.Rotation = j.last.Rotation
	}
	if r.Account == "" {
		r.Account = j.last.Account
	}
	if r.Working == nil {
		r.Working = j.last.Working
	}
	if r.Stored == "" {
		r.Stored = j.last.Stored
	}
	if r.Attempt == 0 {
		r.Attempt = j.last.Attempt
	}
	if r.New == "" && r.Attempt == j.last.Attempt {
		r.New = j.last.New
	}
	b, err := json.Marshal(r)
	if err != nil {
		return r, fmt.Errorf("journal: %w", err)
	}
	if _, err := j.f.Write(append(b, '\n')); err != nil {
		return r, fmt.Errorf("journal %s: %w", j.path, err)
	}
	if err := j.f.Sync(); err != nil {
		return r, fmt.Errorf("journal %s: %w", j.path, err)
	}
	j.last = r
	j.recs = append(j.recs, r)
	return r, nil
}

// State is the rotation's state after the records written so far.
func (j *Journal) State() State { return Derive(j.recs) }

// Last is the latest record written.
func (j *Journal) Last() Record { return j.last }

// Close closes the file.
func (j *Journal) Close() error { return j.f.Close() }

// maxJournal bounds the file Load reads.
const maxJournal = 8 << 20

// isSID reports whether s is an Account or API key SID.
func isSID(s string) bool { return twilio.IsSID(s, twilio.AccountPrefix, twilio.KeyPrefix) }

// CorruptError is a journal vigil cannot trust. LastGood is the last
// record that parsed, if any, so the user can be told where things stood.
type CorruptError struct {
	Path   string
	Line   int
	Reason string
	Good   []Record // the records before the corrupt line
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("journal %s line %d is corrupt: %s", e.Path, e.Line, e.Reason)
}

// Load reads and checks a journal. A final line without its newline is a
// write the process did not finish (it crashed mid-record): it is ignored,
// which is safe because a step starts only after its record is synced.
func Load(path string) ([]Record, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxJournal+1))
	if err != nil {
		return nil, fmt.Errorf("journal %s: %w", path, err)
	}
	if len(data) > maxJournal {
		return nil, &CorruptError{Path: path, Line: 1, Reason: "over 8 MiB: not a vigil journal"}
	}
	return parse(path, data)
}

func parse(path string, data []byte) ([]Record, error) {
	var recs []Record
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), maxJournal)
	n := 0
	torn := len(data) > 0 && data[len(data)-1] != '\n'
	lines := bytes.Count(data, []byte("\n"))
	bad := func(reason string) error {
		return &CorruptError{Path: path, Line: n, Reason: reason, Good: recs}
	}
	for sc.Scan() {
		n++
		if torn && n == lines+1 {
			break // the unfinished last write
		}
		var r Record
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&r); err != nil {
			return nil, bad("not a journal record: " + err.Error())
		}
		if err := check(r, recs); err != "" {
			return nil, bad(err)
		}
		recs = append(recs, r)
	}
	if len(recs) == 0 {
		return nil, &CorruptError{Path: path, Line: 1, Reason: "no records: the file is empty or not a vigil journal"}
	}
	return recs, nil
}

// check validates a record against the ones before it.
func check(r Record, prev []Record) string {
	switch {
	case r.V != Version && r.V != 1:
		return fmt.Sprintf("format version %d, want %d", r.V, Version)
	case r.Seq != len(prev)+1:
		return fmt.Sprintf("sequence number %d, want %d (a record is missing or was edited)", r.Seq, len(prev)+1)
	case !twilio.IsAccountSID(r.Account):
		return "no account SID"
	case r.Phase != Begin && r.Phase != Done && r.Phase != Failed:
		return fmt.Sprintf("unknown phase %q", r.Phase)
	case r.New != "" && !isSID(r.New):
		return fmt.Sprintf("bad key SID %q", r.New)
	}
	if len(prev) == 0 {
		if r.Step != StepPlan || r.Plan == nil {
			return "the first record is not the rotation's plan"
		}
		return r.Plan.check()
	}
	first := prev[0]
	switch {
	case r.Rotation != first.Rotation:
		return "records of two rotations are mixed"
	case r.Account != first.Account:
		return "records of two accounts are mixed"
	case r.Plan != nil:
		return "a second plan record"
	}
	if !knownStep(r.Step) {
		return fmt.Sprintf("unknown step %q", r.Step)
	}
	return ""
}

func knownStep(s Step) bool {
	switch s {
	case StepBackup, StepCreate, StepStore, StepVerify, StepWait, StepConfirm, StepRevoke, StepCleanup, StepRestore, StepDiscard, StepDrop,
		StepFinish, StepAbort, StepRollback:
		return true
	}
	return false
}
