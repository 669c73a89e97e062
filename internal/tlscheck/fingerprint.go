package tlscheck

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
)

// Fingerprint is the SHA-256 digest of a certificate's DER bytes.
type Fingerprint [sha256.Size]byte

// FingerprintOf hashes a certificate's DER bytes.
func FingerprintOf(der []byte) Fingerprint { return sha256.Sum256(der) }

// String is upper-case hex pairs joined by colons ("D0:ED:71:…"), the
// form browsers and openssl show.
func (f Fingerprint) String() string { return hexBytes(f[:]) }

// MarshalText writes String.
func (f Fingerprint) MarshalText() ([]byte, error) { return []byte(f.String()), nil }

// ParseFingerprint reads a SHA-256 fingerprint written as 64 hex digits in
// either case, optionally in pairs separated by colons or spaces (as
// openssl, browsers and Twilio's blog write them), optionally after
// "sha256:" or "SHA256 Fingerprint=".
func ParseFingerprint(s string) (Fingerprint, error) {
	var f Fingerprint
	t := strings.TrimSpace(s)
	for _, prefix := range []string{"sha256 fingerprint=", "sha256=", "sha256:", "sha256 "} {
		if strings.HasPrefix(strings.ToLower(t), prefix) {
			t = t[len(prefix):]
			break
		}
	}
	t = strings.NewReplacer(":", "", " ", "", "\t", "").Replace(t)
	if len(t) != 2*len(f) {
		return f, fmt.Errorf("fingerprint %q: want the 64 hex digits of a SHA-256 digest (pairs may be separated by colons or spaces), got %d digits", s, len(t))
	}
	if _, err := hex.Decode(f[:], []byte(t)); err != nil {
		return f, fmt.Errorf("fingerprint %q: not hex: %w", s, err)
	}
	return f, nil
}

// pinned reports whether f is one of pins.
func pinned(f Fingerprint, pins []Fingerprint) bool { return slices.Contains(pins, f) }

func pinList(pins []Fingerprint) string {
	s := make([]string, len(pins))
	for i, p := range pins {
		s[i] = p.String()
	}
	return strings.Join(s, " or ")
}

// hexBytes is "0A:1B:…".
func hexBytes(b []byte) string {
	parts := make([]string, len(b))
	for i, x := range b {
		parts[i] = fmt.Sprintf("%02X", x)
	}
	return strings.Join(parts, ":")
}
