package vigil

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"unicode/utf8"
)

// Secret is a credential value that redacts itself. Printing it with any fmt
// verb, logging it with slog, or marshalling it to JSON yields the redacted
// form; only Reveal returns the value.
type Secret struct {
	value string
}

// NewSecret wraps a value.
func NewSecret(value string) Secret { return Secret{value: value} }

// Reveal returns the secret in clear. Call it only where the value must
// leave the process on purpose: verification, --show-secrets, a secret store.
func (s Secret) Reveal() string { return s.value }

// IsZero reports whether the secret is empty.
func (s Secret) IsZero() bool { return s.value == "" }

// Len is the length of the value in bytes.
func (s Secret) Len() int { return len(s.value) }

// Redacted shows a short prefix, enough to recognise a key's kind
// (AKIA, ghp_, SK…), and hides the rest.
func (s Secret) Redacted() string {
	if s.value == "" {
		return ""
	}
	n := utf8.RuneCountInString(s.value)
	show := 4
	switch {
	case n <= 8:
		show = 0
	case n <= 16:
		show = 2
	}
	prefix := s.value
	for i := range s.value {
		if show == 0 {
			prefix = s.value[:i]
			break
		}
		show--
	}
	return prefix + strings.Repeat("*", 4) + fmt.Sprintf("(%d)", n)
}

// String returns the redacted form.
func (s Secret) String() string { return s.Redacted() }

// GoString returns the redacted form, so %#v does not leak either.
func (s Secret) GoString() string { return "vigil.Secret(" + s.Redacted() + ")" }

// Format implements fmt.Formatter: every verb prints the redacted form.
func (s Secret) Format(f fmt.State, _ rune) { fmt.Fprint(f, s.Redacted()) }

// LogValue implements slog.LogValuer.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.Redacted()) }

// MarshalJSON writes the redacted form.
func (s Secret) MarshalJSON() ([]byte, error) { return json.Marshal(s.Redacted()) }

// MarshalText writes the redacted form.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.Redacted()), nil }

// Hash is a stable one-way digest of the value under a domain label. It
// never contains the secret in clear; use it for fingerprints and caches.
func (s Secret) Hash(domain string) string {
	h := sha256.New()
	h.Write([]byte("vigil/" + domain + "\x00"))
	h.Write([]byte(s.value))
	return hex.EncodeToString(h.Sum(nil))
}
