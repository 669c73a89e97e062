package files

import (
	"fmt"
	"strings"
	"testing"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/internal/fakecred"
	"github.com/vigilsec/vigil/rules"
)

// TestPairsAcrossChunks plants Twilio token/SID pairs (the token first, its
// SID three lines on, so the token is only reported with its partner)
// throughout a file cut into small chunks: every pair is found exactly
// once, wherever the chunk boundaries fall.
func TestPairsAcrossChunks(t *testing.T) {
	set, err := rules.Default()
	if err != nil {
		t.Fatal(err)
	}
	m := rules.NewMatcher(set, rules.Options{})
	g := fakecred.New(5)
	var b strings.Builder
	const pairs = 120
	for i := range pairs {
		fmt.Fprintf(&b, "auth_token = %q\n", g.MustExpand("{hex:32}"))
		b.WriteString("// one\n// two\n")
		fmt.Fprintf(&b, "account_sid = %q\n", g.MustExpand("AC{hex:32}"))
		for range 20 + i%7 {
			b.WriteString("filler line of ordinary text, nothing to see in it at all\n")
		}
	}
	text := b.String()
	for size := 64 << 10; size <= 128<<10; size += 3 << 10 {
		found := map[string]int{}
		err := streamChunks(strings.NewReader(text), -1, vigil.Origin{Path: "cfg.py"}, size, func(c vigil.Chunk) bool {
			m.Match(c, func(f vigil.Finding) {
				if f.RuleID == "twilio-auth-token" {
					found[f.Secret.Reveal()]++
				}
			})
			return true
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(found) != pairs {
			t.Errorf("chunk size %d: %d of %d pairs found", size, len(found), pairs)
		}
		for s, n := range found {
			if n != 1 {
				t.Errorf("chunk size %d: token %.4s… reported %d times", size, s, n)
			}
		}
	}
}
