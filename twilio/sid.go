package twilio

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// SID is a Twilio resource identifier: two letters that name the kind of
// resource, then 32 hexadecimal digits of either case (34 characters in
// all). Twilio's OpenAPI spec gives every SID this pattern, with the
// prefix in upper case for a known kind (^AC[0-9a-fA-F]{32}$ for an
// account) and in either case for a generic resource SID
// (^[a-zA-Z]{2}[0-9a-fA-F]{32}$).
//
// A SID is not a secret. Make one with ParseSID (or ParseAccountSID,
// ParseKeySID); a SID converted from an unchecked string may be anything.
type SID string

// SIDLen is the length of every SID.
const SIDLen = 34

// Prefixes of the SIDs vigil handles.
const (
	AccountPrefix = "AC" // an account
	KeyPrefix     = "SK" // an API key
	UserPrefix    = "US" // a Console user (a Monitor event's actor)
	EventPrefix   = "AE" // a Monitor event
)

// ErrInvalidSID is what every error from ParseSID is (errors.Is).
var ErrInvalidSID = errors.New("invalid SID")

// sidError says what was wanted and what was found ("want an Account SID
// (AC followed by 32 hex digits), got 33 characters").
type sidError struct{ msg string }

func (e *sidError) Error() string { return e.msg }

// Is makes errors.Is(err, ErrInvalidSID) true.
func (e *sidError) Is(target error) bool { return target == ErrInvalidSID }

// sidKinds name the kinds a message talks about.
var sidKinds = map[string]string{
	AccountPrefix: "an Account SID",
	KeyPrefix:     "an API key SID",
	UserPrefix:    "a user SID",
	EventPrefix:   "a Monitor event SID",
}

// ParseSID checks that s is a SID and, when prefixes are given, that its
// prefix is one of them, in upper case as Twilio writes it. With no
// prefix, any two letters of either case are accepted. The error says
// what was wanted and what is wrong without quoting s, which may be a
// secret pasted in the wrong place; errors.Is(err, ErrInvalidSID) holds.
func ParseSID(s string, prefixes ...string) (SID, error) {
	if why := sidProblem(s, prefixes); why != "" {
		return "", &sidError{msg: why}
	}
	return SID(s), nil
}

// ParseAccountSID checks that s is an Account SID (AC…).
func ParseAccountSID(s string) (SID, error) { return ParseSID(s, AccountPrefix) }

// ParseKeySID checks that s is an API key SID (SK…).
func ParseKeySID(s string) (SID, error) { return ParseSID(s, KeyPrefix) }

// IsSID reports whether ParseSID(s, prefixes...) would succeed.
func IsSID(s string, prefixes ...string) bool { return sidProblem(s, prefixes) == "" }

// IsAccountSID reports whether s is an Account SID (AC…).
func IsAccountSID(s string) bool { return IsSID(s, AccountPrefix) }

// IsKeySID reports whether s is an API key SID (SK…).
func IsKeySID(s string) bool { return IsSID(s, KeyPrefix) }

// Prefix is the SID's two letters ("AC").
func (s SID) Prefix() string {
	if len(s) < 2 {
		return string(s)
	}
	return string(s[:2])
}

// String is the SID as written.
func (s SID) String() string { return string(s) }

// Equal reports whether s and t name the same resource: the prefixes are
// equal and the hex digits are equal in either case.
func (s SID) Equal(t SID) bool {
	return len(s) == len(t) && s.Prefix() == t.Prefix() && strings.EqualFold(string(s), string(t))
}

// sidProblem says what makes s not a SID with one of the prefixes, or "".
func sidProblem(s string, prefixes []string) string {
	want := describe(prefixes)
	if len(s) != SIDLen {
		return fmt.Sprintf("want %s, got %d characters", want, len(s))
	}
	for i := 2; i < SIDLen; i++ {
		if !isHex(s[i]) {
			return fmt.Sprintf("want %s, got a character that is not a hex digit at position %d", want, i+1)
		}
	}
	if len(prefixes) == 0 {
		if !isLetter(s[0]) || !isLetter(s[1]) {
			return fmt.Sprintf("want %s, got a prefix that is not two letters", want)
		}
		return ""
	}
	if slices.Contains(prefixes, s[:2]) {
		return ""
	}
	if name, ok := sidKinds[s[:2]]; ok {
		return fmt.Sprintf("want %s, got %s", want, name)
	}
	return fmt.Sprintf("want %s, got another prefix", want)
}

// describe names what the prefixes allow: "an Account SID (AC followed
// by 32 hex digits)".
func describe(prefixes []string) string {
	if len(prefixes) == 0 {
		return "a Twilio SID (two letters followed by 32 hex digits)"
	}
	names := make([]string, len(prefixes))
	for i, p := range prefixes {
		name, ok := sidKinds[p]
		if !ok {
			name = "a " + p + " SID"
		}
		names[i] = fmt.Sprintf("%s (%s followed by 32 hex digits)", name, p)
	}
	return strings.Join(names, " or ")
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
