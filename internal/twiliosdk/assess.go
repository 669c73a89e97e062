package twiliosdk

import (
	"fmt"
	"time"
)

// Status is how a library in use stands against the newest release.
type Status string

// Statuses, from best to worst. Behind and Unsupported are findings.
const (
	Current     Status = "current"     // the newest release (or newer than the table knows)
	Behind      Status = "behind"      // the supported major line, but not its newest release
	Unsupported Status = "unsupported" // a major line Twilio no longer supports
	Unknown     Status = "unknown"     // no version to judge: a range with no lower bound, a variable
)

// Finding reports whether a status needs action.
func (s Status) Finding() bool { return s == Behind || s == Unsupported }

// Assessment is one use of a helper library judged against a table.
type Assessment struct {
	Use
	Library string // the library's name: twilio-node
	Status  Status
	Latest  Release // the newest release
	// Used is the release in use, with its date when the table knows it.
	Used Release
	// Newer counts the releases published after the one in use.
	Newer int
	// MajorsBehind counts major lines between the one in use and the
	// newest.
	MajorsBehind int
	// Age is the time from the release in use to the newest (zero when a
	// date is unknown).
	Age time.Duration
	// Reason says why, in words.
	Reason string
}

// Assess judges u against t. Only the newest major line is supported
// (each library's VERSIONS.md: "Only the current MAJOR version ... is
// supported"): anything on an older major is Unsupported, anything older
// on the current major is Behind.
func Assess(t *Table, u Use) Assessment {
	a := Assessment{Use: u, Status: Unknown}
	lib := t.Library(u.Ecosystem)
	if lib == nil {
		a.Reason = "no release table for " + string(u.Ecosystem)
		return a
	}
	a.Library = lib.Name
	latest, ok := lib.Latest()
	if !ok {
		a.Reason = "the release table lists no release of " + lib.Name
		return a
	}
	a.Latest = latest
	if u.Version.IsZero() {
		a.Reason = fmt.Sprintf("%q allows any version: no lower bound to judge", u.Spec)
		if u.Spec == "" {
			a.Reason = "no version given: whatever the registry serves is installed"
		}
		return a
	}
	a.Used = Release{Version: u.Version}
	if r, ok := lib.Find(u.Version); ok {
		a.Used = r
	}
	for _, r := range lib.Releases {
		if r.Version.Pre == "" && r.Version.Compare(u.Version) > 0 {
			a.Newer++
		}
	}
	a.MajorsBehind = max(0, latest.Version.Major()-u.Version.Major())
	if !a.Used.Date.IsZero() {
		a.Age = latest.Date.Sub(a.Used.Date)
	}
	what := u.Version.String()
	if !u.Exact {
		what = "at least " + what + " (the lowest version " + quoteSpec(u.Spec) + " allows)"
	}
	switch {
	case u.Version.Compare(latest.Version) >= 0:
		a.Status = Current
		a.Reason = what + " is the newest release"
		if u.Version.Compare(latest.Version) > 0 {
			a.Reason = what + " is newer than the table's newest, " + latest.Version.String()
		}
	case a.MajorsBehind > 0:
		a.Status = Unsupported
		a.Reason = fmt.Sprintf("%s is on major line %d, which Twilio no longer supports; the supported line is %d (newest %s)",
			what, u.Version.Major(), latest.Version.Major(), latest.Version)
	default:
		a.Status = Behind
		a.Reason = fmt.Sprintf("%s is %d release%s behind %s", what, a.Newer, plural(a.Newer), latest.Version)
	}
	if a.Age > 0 && a.Status != Current {
		a.Reason += fmt.Sprintf(", %d days older", int(a.Age.Hours()/24))
	}
	return a
}

func quoteSpec(s string) string {
	if s == "" {
		return "the manifest"
	}
	return fmt.Sprintf("%q", s)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
