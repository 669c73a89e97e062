package main

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/vigilsec/vigil/internal/fakecred"
)

// plant is one line planted in the generated tree: a real-shaped secret a
// scanner must find, or a look-alike it must not report.
type plant struct {
	Kind   string `json:"kind"`
	Secret bool   `json:"secret"` // false: a look-alike or placeholder
	Twilio bool   `json:"twilio"`
	File   string `json:"file"`
	Line   int    `json:"line"` // the line that must (or must not) be reported
}

// plantTemplate is a snippet to plant; Line is the 0-based line of the
// snippet that holds the secret.
type plantTemplate struct {
	kind   string
	secret bool
	twilio bool
	ext    string
	line   int
	lines  []string
}

func plantTemplates() []plantTemplate {
	return []plantTemplate{
		{"twilio-env-pair", true, true, ".env", 1, []string{"TWILIO_ACCOUNT_SID=AC{hex:32}", "TWILIO_AUTH_TOKEN={hex:32}"}},
		{"twilio-code-pair", true, true, ".py", 0, []string{`client = Client("AC{hex:32}", "{hex:32}")`}},
		{"twilio-yaml-pair", true, true, ".yml", 2, []string{"twilio:", "  account_sid: AC{HEX:32}", "  auth_token: {hex:32}"}},
		{"twilio-api-key", true, true, ".env", 1, []string{"TWILIO_API_KEY=SK{hex:32}", "TWILIO_API_SECRET={alnum:32}"}},
		{"twilio-api-key-js", true, true, ".js", 0, []string{`const client = twilio("SK{hex:32}", "{alnum:32}", { accountSid: "AC{hex:32}" });`}},
		{"twilio-token-alone", true, true, ".ini", 0, []string{"twilio_auth_token = {hex:32}"}},
		{"twilio-access-token", true, true, ".json", 0, []string{`{"token": "{twilio-jwt}"}`}},
		{"twilio-lookalike-call-sid", false, true, ".go", 0, []string{`callSid := "CA{hex:32}"`}},
		{"twilio-lookalike-number-sid", false, true, ".go", 0, []string{`numberSid := "PN{hex:32}"`}},
		{"twilio-lookalike-messaging", false, true, ".py", 0, []string{`messaging_service_sid = "MG{hex:32}"`}},
		{"twilio-lookalike-message", false, true, ".py", 0, []string{`message_sid = "SM{hex:32}"`}},
		{"twilio-placeholder", false, true, ".env", 1, []string{"TWILIO_ACCOUNT_SID=ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "TWILIO_AUTH_TOKEN=your_auth_token"}},
		{"twilio-digest-near-sid", false, true, ".yml", 1, []string{"account_sid: AC00000000000000000000000000000000", "checksum_md5: {hex:32}"}},
		{"hex-digest", false, false, ".txt", 0, []string{"sha256 {hex:64}  release.tar.gz"}},
		{"aws-key-pair", true, false, ".env", 1, []string{"AWS_ACCESS_KEY_ID=AKIA{base32:16}", "AWS_SECRET_ACCESS_KEY={b64:40}"}},
		{"github-token", true, false, ".sh", 0, []string{"export GITHUB_TOKEN={github:ghp}"}},
		{"sendgrid", true, false, ".env", 0, []string{"SENDGRID_API_KEY=SG.{b64url:22}.{b64url:43}"}},
		{"private-key", true, false, ".pem", 0, []string{"{pem:rsa}"}},
		{"db-password", true, false, ".properties", 0, []string{"spring.datasource.password={alnum:12}{digits:3}"}},
		{"url-password", true, false, ".yml", 0, []string{"database_url: postgres://app:{alnum:16}@db.internal:5432/app"}},
		{"generic-api-key", true, false, ".py", 0, []string{`API_KEY = "{alnum:40}"`}},
	}
}

// render expands a template and returns its text and the snippet lines.
func (p plantTemplate) render(g *fakecred.Gen) (string, error) {
	var b strings.Builder
	for _, l := range p.lines {
		s, err := g.Expand(l)
		if err != nil {
			return "", err
		}
		b.WriteString(s)
		if !strings.HasSuffix(s, "\n") {
			b.WriteByte('\n')
		}
	}
	return b.String(), nil
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func describe(p plant) string { return fmt.Sprintf("%s %s:%d", p.Kind, p.File, p.Line) }
