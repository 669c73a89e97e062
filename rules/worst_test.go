package rules

import (
	"strings"
	"testing"

	"github.com/vigilsec/vigil"
)

// worstCases are inputs built to stress the matcher: megabyte lines full of
// keywords, hex, base64 and near-misses. BenchmarkWorstCase reports the
// throughput of each (every regex is RE2, so time stays linear); the test
// only checks that each finishes without flooding findings.
func worstCases() map[string]string { return worstCasesOf(4 << 20) }

func worstCasesOf(n int) map[string]string {
	rep := func(s string) string { return strings.Repeat(s, n/len(s)+1)[:n] }
	return map[string]string{
		"minified-keywords": rep("var key=a.token||b.secret,password=c;"),
		"assignments":       rep("password=abc123xyz "), // vigil:allow (a test input)
		"hex-line":          rep("0123456789abcdef"),
		"base64-line":       rep("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3ODk="),
		"uuids":             rep("id: 3f2504e0-4f89-11d3-9a0c-0305e82c3301,"), // vigil:allow (a test input)
		"pem-starts":        rep("-----BEGIN RSA PRIVATE KEY-----\n"),
		"jwt-starts":        rep("eyJhbGciOiJIUzI1NiJ9.eyJ"),
		"urls":              rep("https://user:pass@host/"),
		"many-lines":        rep("api_key = \"\"\n"),
	}
}

func TestWorstCaseInputs(t *testing.T) {
	if testing.Short() {
		t.Skip("large inputs")
	}
	m := defaultMatcher(t)
	for name, text := range worstCasesOf(512 << 10) {
		n := 0
		m.Match(vigil.Chunk{Data: []byte(text), Origin: vigil.Origin{Path: "bundle.js", Line: 1}}, func(vigil.Finding) { n++ })
		if n > 1000 {
			t.Errorf("%s: %d findings on a repeated line", name, n)
		}
	}
}

func BenchmarkWorstCase(b *testing.B) {
	m := defaultMatcher(b)
	for name, text := range worstCases() {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			for b.Loop() {
				m.Match(vigil.Chunk{Data: []byte(text), Origin: vigil.Origin{Path: "bundle.js", Line: 1}}, func(vigil.Finding) {})
			}
		})
	}
}
