package detectsecrets

import (
	"strings"
	"testing"

	"github.com/vigilsec/vigil"
)

func TestBaseline(t *testing.T) {
	secret := "value-" + strings.Repeat("0123", 4)
	data := []byte(`{"version":"1.5.0","plugins_used":[{"name":"KeywordDetector"}],"results":{
		"app/settings.py":[{"type":"Secret Keyword","filename":"app/settings.py","hashed_secret":"` + Hash(secret) + `","is_verified":false,"line_number":3}]},
		"generated_at":"2026-01-01T00:00:00Z"}`)
	if !IsBaseline(data) || IsBaseline([]byte(`[{"RuleID":"x"}]`)) || IsBaseline([]byte(`{"version":1,"tool":"vigil","findings":[]}`)) {
		t.Fatal("IsBaseline")
	}
	b, err := Parse(".secrets.baseline", data)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		path, secret string
		part         string
		want         bool
	}{
		{"app/settings.py", secret, "", true},
		{"app/other.py", secret, "", false},
		{"app/settings.py", "something-else-0123456", "", false},
		{"app/settings.py", "token-of-the-pair-0000", secret, true}, // a pair's part
	} {
		f := &vigil.Finding{RuleID: "r", Secret: vigil.NewSecret(tc.secret), Origin: vigil.Origin{Path: tc.path, Line: 9}}
		if tc.part != "" {
			f.Parts = []vigil.Part{{Name: "account_sid", Value: vigil.NewSecret(tc.part)}}
		}
		if _, got := b.Suppress(f); got != tc.want {
			t.Errorf("%+v: got %v", tc, got)
		}
	}
	if _, err := Parse("bad", []byte(`{"results":{"a":[{"hashed_secret":"nothex"}]},"generated_at":"x"}`)); err == nil {
		t.Error("bad hash accepted")
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"results":{"a":[{"hashed_secret":"0000000000000000000000000000000000000000","line_number":1}]},"generated_at":"x"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		Parse("fuzz", data)
	})
}
