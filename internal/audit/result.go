package audit

import (
	"fmt"
	"time"
)

// Status is the outcome of one control on one account.
type Status int

// Statuses. Unknown means the evidence could not be had (no attestation,
// not enough rights, an error); it never counts as a pass.
const (
	Pass Status = iota
	Fail
	Unknown
	Stale   // attested, but the attestation is older than allowed
	Skipped // --skip, above the chosen level, or the account is not active
)

var statusNames = [...]string{"pass", "fail", "unknown", "stale", "skipped"}

// String is the lowercase name: "pass", "fail", …
func (s Status) String() string {
	if int(s) < len(statusNames) {
		return statusNames[s]
	}
	return fmt.Sprintf("status(%d)", int(s))
}

// MarshalText writes the name.
func (s Status) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads a name.
func (s *Status) UnmarshalText(b []byte) error {
	for i, n := range statusNames {
		if n == string(b) {
			*s = Status(i)
			return nil
		}
	}
	return fmt.Errorf("unknown status %q", b)
}

// Statuses lists every status in report order.
func Statuses() []Status { return []Status{Fail, Stale, Unknown, Pass, Skipped} }

// Evidence is one fact behind a result: a resource and what was seen.
type Evidence struct {
	Resource string    `json:"resource,omitempty"` // a SID, ISO code or URL
	Field    string    `json:"field,omitempty"`
	Value    string    `json:"value,omitempty"`
	Date     time.Time `json:"date,omitzero"`
	Note     string    `json:"note,omitempty"`
}

// Result is the outcome of one control on one account.
type Result struct {
	Control     *Control     `json:"-"`
	ControlID   string       `json:"control"`
	Status      Status       `json:"status"`
	Summary     string       `json:"summary"`
	Evidence    []Evidence   `json:"evidence,omitempty"`
	Attestation *Attestation `json:"attestation,omitempty"`
}

// Account identifies an audited account.
type Account struct {
	SID          string    `json:"sid"`
	FriendlyName string    `json:"friendly_name"`
	OwnerSID     string    `json:"owner_sid"`
	Status       string    `json:"status"`
	Type         string    `json:"type,omitempty"`
	Created      time.Time `json:"created,omitzero"`
}

// IsSub reports whether the account is a subaccount.
func (a Account) IsSub() bool { return a.OwnerSID != "" && a.OwnerSID != a.SID }

// AccountReport is every result for one account.
type AccountReport struct {
	Account Account `json:"account"`
	// Errors are problems gathering evidence (each control it touched is
	// unknown); the audit went on.
	Errors  []string `json:"errors,omitempty"`
	Results []Result `json:"results"`
}

// Report is one audit run.
type Report struct {
	Tool      string    `json:"tool"`
	Version   string    `json:"version"`
	Started   time.Time `json:"started"`
	Finished  time.Time `json:"finished"`
	Level     Level     `json:"level"`
	Principal string    `json:"principal"` // which credential ran the audit
	// Settings the run used.
	MaxKeyAge    Duration `json:"max_key_age"`
	AttestMaxAge Duration `json:"attest_max_age"`
	AttestFile   string   `json:"attest_file,omitempty"`
	Probed       bool     `json:"probed_webhooks"`
	Skip         []string `json:"skip,omitempty"`
	// Notices are things the reader must know: rights the credential
	// lacked, subaccounts that could not be listed.
	Notices  []string        `json:"notices,omitempty"`
	Accounts []AccountReport `json:"accounts"`
	Controls []*Control      `json:"controls"`
}

// Duration marshals as an age such as "90d".
type Duration time.Duration

// MarshalText writes the age.
func (d Duration) MarshalText() ([]byte, error) { return []byte(FormatAge(time.Duration(d))), nil }

// UnmarshalText reads an age.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := ParseAge(string(b))
	*d = Duration(v)
	return err
}

// Gates reports whether a result makes the run fail: a failed control at
// or below the chosen level.
func (r *Report) Gates(res Result) bool {
	return res.Status == Fail && res.Control != nil && res.Control.Level <= r.Level
}

// Failed reports whether any control at or below the level failed.
func (r *Report) Failed() bool {
	for _, a := range r.Accounts {
		for _, res := range a.Results {
			if r.Gates(res) {
				return true
			}
		}
	}
	return false
}

// Incomplete reports whether evidence gathering hit errors.
func (r *Report) Incomplete() bool {
	for _, a := range r.Accounts {
		if len(a.Errors) > 0 {
			return true
		}
	}
	return false
}

// Counts tallies results by status.
type Counts map[Status]int

// Total is the number of results counted.
func (c Counts) Total() int {
	n := 0
	for _, v := range c {
		n += v
	}
	return n
}

// ByLevel tallies every result by the level of its control.
func (r *Report) ByLevel() map[Level]Counts {
	out := map[Level]Counts{}
	for _, l := range Levels() {
		out[l] = Counts{}
	}
	r.each(func(res Result) { out[res.Control.Level][res.Status]++ })
	return out
}

// FrameworkRow is one framework control and the results mapped to it.
type FrameworkRow struct {
	ID       string
	Controls []string // vigil control IDs mapped to it
	Counts   Counts
}

// ByFramework tallies results per framework control, in the order the
// catalogue first names them.
func (r *Report) ByFramework(name string) []FrameworkRow {
	var rows []FrameworkRow
	index := map[string]int{}
	for _, c := range r.Controls {
		for _, id := range c.Frameworks.Of(name) {
			i, ok := index[id]
			if !ok {
				i = len(rows)
				index[id] = i
				rows = append(rows, FrameworkRow{ID: id, Counts: Counts{}})
			}
			rows[i].Controls = append(rows[i].Controls, c.ID)
		}
	}
	r.each(func(res Result) {
		for _, id := range res.Control.Frameworks.Of(name) {
			rows[index[id]].Counts[res.Status]++
		}
	})
	return rows
}

// Totals tallies every result.
func (r *Report) Totals() Counts {
	c := Counts{}
	r.each(func(res Result) { c[res.Status]++ })
	return c
}

func (r *Report) each(f func(Result)) {
	for _, a := range r.Accounts {
		for _, res := range a.Results {
			if res.Control != nil {
				f(res)
			}
		}
	}
}
