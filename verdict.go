package vigil

import (
	"fmt"
	"strings"
)

// Status is the outcome of asking a provider about a credential.
type Status int

// Verification outcomes. Valid and Invalid are only ever set on a definitive
// answer from the provider; anything else is Unknown with a reason.
const (
	NotVerified Status = iota
	Valid
	Invalid
	Unknown
)

// String returns "not_verified", "valid", "invalid" or "unknown".
func (s Status) String() string {
	switch s {
	case Valid:
		return "valid"
	case Invalid:
		return "invalid"
	case Unknown:
		return "unknown"
	}
	return "not_verified"
}

// ParseStatus reads the String form of a Status.
func ParseStatus(s string) (Status, error) {
	switch strings.ToLower(s) {
	case "", "not_verified":
		return NotVerified, nil
	case "valid":
		return Valid, nil
	case "invalid":
		return Invalid, nil
	case "unknown":
		return Unknown, nil
	}
	return NotVerified, fmt.Errorf("unknown verdict %q", s)
}

// MarshalText implements encoding.TextMarshaler.
func (s Status) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (s *Status) UnmarshalText(b []byte) error {
	v, err := ParseStatus(string(b))
	*s = v
	return err
}

// Verdict is what verification concluded about a finding.
type Verdict struct {
	Status Status `json:"status"`
	// Reason explains Unknown and Invalid verdicts: "timeout", "HTTP 429",
	// "401 20003 Authentication Error".
	Reason string `json:"reason,omitempty"`
	// Facts are what a live credential reaches: account name, status,
	// type, key type. They never hold a secret.
	Facts map[string]string `json:"facts,omitempty"`
}
