package store

import (
	"fmt"
	"time"
)

// Status is where an incident stands in its triage.
type Status string

// Incident statuses: open → acknowledged → resolved (revoked, rotated) or
// ignored (false positive, used in tests, won't fix).
const (
	StatusOpen         Status = "open"
	StatusAcknowledged Status = "acknowledged"
	StatusResolved     Status = "resolved"
	StatusIgnored      Status = "ignored"
)

// Reasons that close an incident, the ones GitHub's secret scanning
// alerts use plus rotated.
const (
	ReasonRevoked       = "revoked"
	ReasonRotated       = "rotated"
	ReasonFalsePositive = "false_positive"
	ReasonUsedInTests   = "used_in_tests"
	ReasonWontFix       = "wont_fix"
)

// Statuses lists every status.
func Statuses() []Status {
	return []Status{StatusOpen, StatusAcknowledged, StatusResolved, StatusIgnored}
}

// ParseStatus checks a status name.
func ParseStatus(s string) (Status, error) {
	for _, st := range Statuses() {
		if string(st) == s {
			return st, nil
		}
	}
	return "", fmt.Errorf("unknown status %q (want open, acknowledged, resolved or ignored)", s)
}

// reasons lists the reasons each status takes; a status not listed takes
// none.
var reasons = map[Status][]string{
	StatusResolved: {ReasonRevoked, ReasonRotated},
	StatusIgnored:  {ReasonFalsePositive, ReasonUsedInTests, ReasonWontFix},
}

// Reasons returns the reasons a status takes (resolved and ignored need
// one).
func Reasons(st Status) []string { return reasons[st] }

// Verdicts of verification, as stored.
const (
	VerdictNotVerified = "not_verified"
	VerdictLive        = "live"
	VerdictInvalid     = "invalid"
	VerdictUnknown     = "unknown"
)

// Source is a stored entry of the fleet file.
type Source struct {
	ID           int64
	Name, Kind   string
	Spec         string // the entry as JSON (never a secret)
	Enabled      bool
	LastPolledAt time.Time
	LastError    string
}

// Repository is a git repository or an image the fleet watches.
type Repository struct {
	ID       int64  `json:"id"`
	SourceID int64  `json:"source_id,omitempty"`
	Name     string `json:"name"`
	URL      string `json:"url"`
	// Kind is "git" or "image".
	Kind string `json:"kind"`
	// TokenEnv names the variable with an HTTPS token for the URL.
	TokenEnv string `json:"-"`
	Enabled  bool   `json:"enabled"`
	// Gone is set when the repository was deleted or renamed upstream.
	Gone          bool      `json:"gone"`
	LastSyncedAt  time.Time `json:"last_synced_at,omitzero"`
	LastScannedAt time.Time `json:"last_scanned_at,omitzero"`
	LastError     string    `json:"last_error,omitempty"`
	LastErrorAt   time.Time `json:"last_error_at,omitzero"`
	Scans         int       `json:"scans"`
	// ActivityAt is when the GitHub or GitLab listing last said the
	// repository was pushed to (zero for other sources).
	ActivityAt time.Time `json:"activity_at,omitzero"`
	// CheckedActivityAt is what the listing said when the remote was last
	// asked; QuietPasses counts the passes since that skipped asking.
	CheckedActivityAt time.Time `json:"-"`
	QuietPasses       int       `json:"-"`
}

// Incident is one distinct secret across the fleet.
type Incident struct {
	ID          int64  `json:"id"`
	Fingerprint string `json:"fingerprint"`
	Rule        string `json:"rule"`
	Provider    string `json:"provider"`
	Description string `json:"description,omitempty"`
	// Secret is the redacted preview; the store never has the value.
	Secret       string `json:"secret"`
	Confidence   string `json:"confidence"`
	Status       Status `json:"status"`
	StatusReason string `json:"status_reason,omitempty"`
	Verdict      string `json:"verdict"`
	// VerdictReason explains an unknown or invalid verdict.
	VerdictReason   string       `json:"verdict_reason,omitempty"`
	VerifiedAt      time.Time    `json:"verified_at,omitzero"`
	OccurrenceCount int          `json:"occurrence_count"`
	RepositoryCount int          `json:"repository_count"`
	FirstSeen       time.Time    `json:"first_seen"`
	LastSeen        time.Time    `json:"last_seen"`
	UpdatedAt       time.Time    `json:"updated_at"`
	Version         int          `json:"version"`
	Occurrences     []Occurrence `json:"occurrences"`
	// LiveEpoch counts the times the incident was found live after not
	// being live.
	LiveEpoch int `json:"-"`
}

// Occurrence is one place a secret was found: a path in a repository (for
// an image: a path in a layer, Commit being the image digest).
type Occurrence struct {
	ID           int64     `json:"id"`
	IncidentID   int64     `json:"-"`
	RepositoryID int64     `json:"repository_id"`
	Repository   string    `json:"repository"`
	Commit       string    `json:"commit"`
	Path         string    `json:"path"`
	Line         int       `json:"line"`
	Column       int       `json:"column,omitempty"`
	Author       string    `json:"author,omitempty"`
	AuthorEmail  string    `json:"author_email,omitempty"`
	Date         time.Time `json:"date,omitzero"`
	// Blob is the git object (or image layer) holding the secret, at
	// byte SpanStart for SpanLen bytes (-1: not located).
	Blob      string `json:"blob,omitempty"`
	SpanStart int64  `json:"span_start"`
	SpanLen   int    `json:"span_len"`
	// Layer is, in an image, the layer of the step that added the secret
	// (for a config value, the step that set it); Blob is then the layer
	// holding the file, or the config's digest for a Path in the config.
	Layer string `json:"layer,omitempty"`
	// ImageRef is what a worker opens to read an image's secret again:
	// the tarball or layout's path, or REPOSITORY@DIGEST.
	ImageRef string `json:"image_ref,omitempty"`
	// Present says whether the secret is still at the repository's HEAD
	// (or in the final image); nil when unknown.
	Present *bool     `json:"present"`
	FoundAt time.Time `json:"found_at"`
}

// Verification is one answer about whether an incident's credential is
// live.
type Verification struct {
	ID      int64             `json:"id"`
	Verdict string            `json:"verdict"`
	Reason  string            `json:"reason,omitempty"`
	Facts   map[string]string `json:"facts,omitempty"`
	Actor   string            `json:"actor"`
	At      time.Time         `json:"at"`
}

// Event is one entry of an incident's audit trail.
type Event struct {
	ID         int64     `json:"id"`
	IncidentID int64     `json:"incident_id"`
	Actor      string    `json:"actor"`
	Action     string    `json:"action"`
	FromStatus string    `json:"from_status,omitempty"`
	ToStatus   string    `json:"to_status,omitempty"`
	Reason     string    `json:"reason,omitempty"`
	Comment    string    `json:"comment,omitempty"`
	At         time.Time `json:"at"`
}

// SystemActor is the actor of the changes vigil makes itself.
const SystemActor = "vigil"
