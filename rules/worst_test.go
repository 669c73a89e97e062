package rules

import (
	"fmt"
	"strings"
	"testing"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/internal/fakecred"
)

// worstCases are inputs built to stress the matcher: megabyte lines full of
// keywords, hex, base64 and near-misses. BenchmarkWorstCase reports the
// throughput of each; TestWorkPerByte checks that the matcher's work stays
// proportional to the input on each, however dense its keywords.
func worstCases() map[string]string { return worstCasesOf(4 << 20) }

func worstCasesOf(n int) map[string]string {
	rep := func(s string) string { return strings.Repeat(s, n/len(s)+1)[:n] }
	g := fakecred.New(1)
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
		// Keywords a few bytes apart on one line, each opening a window.
		"password=":       rep("password="),
		"auth:":           rep("auth:"),
		"password=;":      rep("password=;"),
		"pass$=":          rep("pass$="),
		"key=\"":          rep("key=\""),
		"url-and-user@":   rep("a://b@"),
		"lock-file-urls":  rep("git+ssh://git@github.com/org/repo.git\n"),
		"quoted-values":   rep("password = \"x\" "),
		"api-key-sids":    rep("TWILIO_API_KEY=" + g.MustExpand("SK{hex:32}") + " "),
		"secret-per-word": rep("DB_PASSWORD=" + g.MustExpand("{alnum:16}") + " "),
	}
}

// TestWorstCaseInputs: no flood of findings on a repeated line.
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

// maxRegexBytesPerByte bounds the bytes a rule's regex reads per byte of
// input: its windows around keyword hits overlap only a little, however
// close the hits. Before the windows were shared, a line of "password="
// gave the password rule's regex a kilobyte per hit, 113 bytes per byte.
const maxRegexBytesPerByte = 4

// maxTailBytesPerByte bounds the same for a rule that reads the rest of
// the line after each assignment (assignment_tail: a fallback after "or",
// "||", "??"): each hit whose window holds such an operator costs its
// window, 256 bytes, and hits are at least 3 bytes apart. This one is
// bounded, not small: "key= || " repeated scans at about 1 MB/s.
const maxTailBytesPerByte = assignmentTailWindow / 3

// TestWorkPerByte checks that the work the matcher gives its regexes stays
// proportional to the input on the worst cases and on a line of each
// keyword of the rules whose windows are per hit (assignments, lookahead),
// in a file where long lines are not skipped as minified: no timing, a
// count of bytes.
func TestWorkPerByte(t *testing.T) {
	if testing.Short() {
		t.Skip("large inputs")
	}
	m := defaultMatcher(t)
	const n = 64 << 10
	cases := worstCasesOf(n)
	for _, r := range m.rules {
		if !r.Assignment && r.Lookahead == 0 {
			continue
		}
		for _, kw := range append(append([]string{}, r.Keywords...), r.KeywordsExact...) {
			for _, sep := range []string{"=", ":", "=;", "=\""} {
				cases[fmt.Sprintf("%s %q", r.ID, kw+sep)] = strings.Repeat(kw+sep, n/len(kw+sep)+1)[:n]
			}
		}
	}
	for name, text := range cases {
		s := m.getScratch()
		m.match(vigil.Chunk{Data: []byte(text), Origin: vigil.Origin{Path: "settings.txt", Line: 1}}, func(vigil.Finding) {}, s)
		for r, b := range s.regexBytes {
			bound := maxRegexBytesPerByte
			if m.rules[r].AssignmentTail {
				bound = maxTailBytesPerByte
			}
			if per := float64(b) / float64(len(text)); per > float64(bound) {
				t.Errorf("%s: rule %s's regex read %.1f bytes per byte of input, more than %d", name, m.rules[r].ID, per, bound)
			}
		}
		m.scratchP.Put(s)
	}
}

// BenchmarkWorstCase reports the throughput of each worst case, as a
// minified script (long lines skipped by the generic rules) and as a
// settings file (go test -bench WorstCase ./rules/).
func BenchmarkWorstCase(b *testing.B) {
	m := defaultMatcher(b)
	for name, text := range worstCases() {
		for _, path := range []string{"bundle.js", "settings.txt"} {
			b.Run(name+"/"+path, func(b *testing.B) {
				b.SetBytes(int64(len(text)))
				cpu0, iters := cpuTime(), 0
				for b.Loop() {
					iters++
					m.Match(vigil.Chunk{Data: []byte(text), Origin: vigil.Origin{Path: path, Line: 1}}, func(vigil.Finding) {})
				}
				if cpu := cpuTime() - cpu0; cpu > 0 {
					b.ReportMetric(float64(len(text))*float64(iters)/cpu.Seconds()/1e6, "cpu-MB/s")
				}
			})
		}
	}
}
