package audit

import "time"

// Snapshot is what the audit read about one account. Each part is either
// present or has a Gap saying why it could not be read; the controls that
// need a missing part are unknown.
type Snapshot struct {
	Account Account
	// Subaccounts of a main account (empty for a subaccount).
	Subaccounts Part[[]Account]
	Keys        Part[[]Key]
	Webhooks    Part[[]Webhook]
	Countries   Part[Dialing]
	Triggers    Part[[]Trigger]
	PublicKeys  Part[[]PublicKey]
	// Events are the Monitor events in the key-age window, newest first.
	Events Part[[]Event]
	Token  Part[TokenHistory]
	// Activity is the usage in the inactivity window (subaccounts only).
	Activity Part[Activity]
}

// Part is one piece of evidence, or the gap where it should be.
type Part[T any] struct {
	Value T
	Gap   *Gap
}

// Gap says why evidence is missing.
type Gap struct {
	What   string // what could not be read, e.g. "API keys"
	Reason string // why, for the reader
	// Rights is true when the credential lacked the rights (not an error
	// to report as an incomplete run).
	Rights bool
}

func (g *Gap) String() string { return "could not read " + g.What + ": " + g.Reason }

// Key is an API key.
type Key struct {
	SID          string
	FriendlyName string
	Created      time.Time
	Restricted   bool
	Permissions  int // size of a Restricted key's policy
}

// Webhook is one URL configured on a resource.
type Webhook struct {
	Resource string // SID of the number, application, service or trigger
	Kind     string // phone number, TwiML application, Messaging Service, usage trigger
	Name     string // friendly name or phone number
	Field    string // e.g. sms_url
	URL      string
}

// Dialing is an account's voice geo permissions.
type Dialing struct {
	Inherits  *bool // dialing_permissions_inheritance; nil when unread
	Countries []Country
}

// Country is one country's voice dialing permissions.
type Country struct {
	ISO, Name       string
	LowRisk         bool
	HighRiskSpecial bool
	TollFraud       bool
}

// Trigger is a usage trigger.
type Trigger struct {
	SID, FriendlyName string
	Category          string
	TriggerBy         string
	Value             string
	Recurring         string
	CallbackURL       string
}

// PublicKey is a Public Key Client Validation credential.
type PublicKey struct {
	SID, FriendlyName string
	Created           time.Time
}

// Event is a Monitor event.
type Event struct {
	SID, Type           string
	Date                time.Time
	ActorSID, ActorType string
	ResourceSID, Source string
	SourceIP            string
}

// TokenHistory is the newest Auth Token event of each kind (zero time:
// none found in Monitor's retention).
type TokenHistory struct {
	Promoted, SecondaryCreated, SecondaryDeleted time.Time
	PromotedSID, SecondaryCreatedSID             string
	// Shown is how far back Monitor is known to show this account's
	// events: 30 days on every plan, 13 months when it returned an event
	// older than 30 days (Twilio keeps 13 months with the Administration,
	// Security and Enterprise editions).
	Shown Retention
}

// Retention is the span of history Monitor shows an account.
type Retention struct {
	Since time.Time // the oldest moment Monitor is known to show
	Why   string    // how that is known
}

// Activity is usage in a window.
type Activity struct {
	Since      time.Time
	Categories map[string]float64 // category → count, traffic only
}
