package vigil

import (
	"strings"
	"testing"
)

type matchFunc func(Chunk, func(Finding))

func (m matchFunc) Match(c Chunk, emit func(Finding)) { m(c, emit) }

func TestRedactorText(t *testing.T) {
	known := "0123456789abcdef0123456789abcdef"
	found := "ghp_" + strings.Repeat("Z", 36)
	r := NewRedactor(matchFunc(func(c Chunk, emit func(Finding)) {
		if i := strings.Index(string(c.Data), "ghp_"); i >= 0 {
			emit(Finding{Secret: NewSecret(string(c.Data[i : i+40])), Confidence: High})
		}
		if strings.Contains(string(c.Data), "maybe") {
			emit(Finding{Secret: NewSecret("maybe-a-secret"), Confidence: Low})
		}
	}))
	r.Learn(&Finding{Secret: NewSecret(known), Parts: []Part{{Name: "account_sid", Value: NewSecret("AC" + strings.Repeat("1", 32))}}})
	r.Learn(&Finding{Secret: NewSecret("short")}) // too short to hide everywhere
	for _, tc := range []struct{ in, want string }{
		{"ENV TWILIO_AUTH_TOKEN=" + known, "ENV TWILIO_AUTH_TOKEN=0123****(32)"},
		{"two " + known + known, "two 0123****(32)0123****(32)"},
		{"token " + found + " leaked", "token ghp_****(40) leaked"},
		{"maybe-a-secret stays: low confidence", "maybe-a-secret stays: low confidence"},
		{"a short word stays", "a short word stays"},
		{"sid AC" + strings.Repeat("1", 32) + " is an identifier", "sid AC" + strings.Repeat("1", 32) + " is an identifier"},
	} {
		if got := r.Text(tc.in); got != tc.want {
			t.Errorf("Text(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	// A value learnt after a text was redacted once is hidden the next time.
	later := "fedcba9876543210fedcba9876543210"
	msg := "message with " + later
	r.Text(msg)
	r.Learn(&Finding{Secret: NewSecret(later)})
	if strings.Contains(r.Text(msg), later) {
		t.Error("a value learnt later stays in clear")
	}
	var nilR *Redactor
	if nilR.Text("x") != "x" {
		t.Error("a nil Redactor changes text")
	}
}
