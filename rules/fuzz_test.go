package rules

import (
	"strings"
	"testing"
	"time"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/internal/fakecred"
)

// FuzzParseFile feeds arbitrary rule files to the loader: it must return a
// rule set or an error, never panic.
func FuzzParseFile(f *testing.F) {
	data, _ := builtin.ReadFile("data/twilio.toml")
	f.Add(string(data))
	f.Add("provider = \"x\"\n[[rules]]\nid = \"a\"\ndescription = \"d\"\nkeywords = [\"ab\"]\nregex = '''(a'''\n")
	f.Add("[[rules]]\nid = 3")
	f.Fuzz(func(t *testing.T, text string) {
		rs, err := ParseFile("fuzz.toml", []byte(text))
		if err != nil {
			return
		}
		if set, err := NewSet(rs); err == nil {
			NewMatcher(set, Options{}).Match(vigil.Chunk{Data: []byte(text)}, func(vigil.Finding) {})
		}
	})
}

// FuzzMatch runs the default rules over arbitrary input: no panic, and every
// finding lies inside the chunk with a sane line and column.
func FuzzMatch(f *testing.F) {
	f.Add(fakecred.New(1).MustExpand("TWILIO_ACCOUNT_SID=AC{hex:32}\nTWILIO_AUTH_TOKEN={hex:32}\n"), 0)
	f.Add(fakecred.New(2).MustExpand("password = \"{alnum:14}\"  # vigil:allow=x,y\n-----BEGIN RSA PRIVATE KEY-----\nMIIB\n"), 3)
	f.Add(strings.Repeat("key=", 2000), 10)
	f.Fuzz(func(t *testing.T, text string, overlap int) {
		m := NewMatcher(mustDefault(t), Options{Now: func() time.Time { return time.Unix(1800000000, 0) }})
		if overlap < 0 || overlap > len(text) {
			overlap = 0
		}
		lines := strings.Count(text, "\n") + 1
		m.Match(vigil.Chunk{Data: []byte(text), Overlap: overlap, Origin: vigil.Origin{Path: "f.env", Line: 1}}, func(f vigil.Finding) {
			if f.Origin.Line < 1 || f.Origin.Line > lines || f.Origin.Column < 1 {
				t.Fatalf("finding at %d:%d outside %d lines", f.Origin.Line, f.Origin.Column, lines)
			}
			if !strings.Contains(text, f.Secret.Reveal()) {
				t.Fatalf("secret not in the input")
			}
		})
	})
}

func mustDefault(t testing.TB) *Set {
	set, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	return set
}
