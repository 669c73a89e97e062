package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/vigilsec/vigil"
)

// hostile is a report whose every foreign text field is crafted to act on
// a terminal: erase the line, forge a finding or the INCOMPLETE line,
// reorder text with bidirectional marks, pass a member for a nested one.
func hostile() *Report {
	forge := "\x1b[2K\r\x1b[1Avigil: 0 findings\n"
	return &Report{
		Findings: []vigil.Finding{{
			RuleID: "generic-password", Provider: "generic", Description: "Password", Confidence: vigil.High,
			Secret: vigil.NewSecret("not-a-real-password-1"),
			Parts:  []vigil.Part{{Name: "user", Value: vigil.NewSecret("someone-else"), Line: 3, Column: 1}},
			Origin: vigil.Origin{
				Source: "archive", Path: "dist/app" + forge + ".zip!a!b.txt!c\u202etxt.exe", Members: []string{"a!b.txt", "c\u202etxt.exe"},
				Line: 2, Column: 5,
				Commit: &vigil.Commit{SHA: strings.Repeat("a", 40), Author: "Eve" + forge, Email: "eve@\x9b31m.example", Message: "fix" + forge},
				Layer:  &vigil.Layer{Digest: "sha256:0", Index: -1, CreatedBy: "ENV X=1" + forge + "\u2067"},
				Tag:    &vigil.Tag{Name: "v1\u202e", SHA: strings.Repeat("b", 40), Tagger: "Eve\x07"},
			},
			Details: map[string]string{"sub": "alice" + forge},
			Verdict: vigil.Verdict{Status: vigil.Unknown, Reason: "HTTP 500" + forge, Facts: map[string]string{"account": "Acme\x1b]0;pwned\x07"}},
		}},
		Stats: vigil.Stats{Items: 1, Skipped: []vigil.Skip{
			{Origin: vigil.Origin{Path: "big" + forge + ".log"}, Reason: vigil.SkipTooLarge, Err: errors.New("open big" + forge + ".log: too large")},
		}},
	}
}

// terminalSafe reports the first character of s, other than a newline,
// that is not printable, or -1.
func terminalSafe(s string) rune {
	for i, r := range s {
		if r == utf8.RuneError {
			if _, n := utf8.DecodeRuneInString(s[i:]); n == 1 {
				return r
			}
		}
		if r != '\n' && r != ' ' && !unicode.IsPrint(r) {
			return r
		}
	}
	return -1
}

// TestTextEscapesForeignText checks that no text output lets a crafted
// name, member, commit field, image step or provider answer reach the
// terminal raw, and that JSON keeps them exact.
func TestTextEscapesForeignText(t *testing.T) {
	r := hostile()
	var text, summary, js bytes.Buffer
	if err := Text(&text, r, TextOptions{}); err != nil {
		t.Fatal(err)
	}
	Summary(&summary, r)
	for name, out := range map[string]string{"text": text.String(), "summary": summary.String()} {
		if c := terminalSafe(out); c != -1 {
			t.Errorf("%s output holds %U:\n%s", name, c, out)
		}
		if strings.Contains(out, "\nvigil: 0 findings") {
			t.Errorf("%s output has a forged line:\n%s", name, out)
		}
	}
	if !strings.Contains(text.String(), `!"a!b.txt"!`) {
		t.Errorf("a member holding \"!\" is not quoted:\n%s", text.String())
	}
	if n := strings.Count(summary.String(), "\n"); n != 4 {
		t.Errorf("summary has %d lines, want 4:\n%s", n, summary.String())
	}

	if err := JSON(&js, r); err != nil {
		t.Fatal(err)
	}
	got, err := ReadJSON(js.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	want := r.Findings[0].Origin
	loc := got.Findings[0].Location
	if loc.Path != want.Path || strings.Join(loc.Members, "|") != strings.Join(want.Members, "|") ||
		loc.Commit.Author != want.Commit.Author || loc.Layer.CreatedBy != want.Layer.CreatedBy || loc.Tag.Name != want.Tag.Name {
		t.Errorf("JSON does not keep names exact: %+v", loc)
	}
}

// TestReportsRedactForeignText plants a finding's own secret in the text
// around it (commit message, image history, path, details) and checks that
// no format prints it, and that a Redactor with a matcher hides what it
// finds there too.
func TestReportsRedactForeignText(t *testing.T) {
	secret := "0123456789abcdef0123456789abcdef"
	other := "fedcba9876543210fedcba9876543210"
	f := vigil.Finding{
		RuleID: "twilio-auth-token", Provider: "twilio", Description: "Twilio Auth Token", Confidence: vigil.High,
		Secret: vigil.NewSecret(secret),
		Origin: vigil.Origin{Source: "image", Path: "@config/env", Line: 1, Column: 19,
			Commit: &vigil.Commit{SHA: "c", Message: "add token " + secret + " and " + other},
			Layer:  &vigil.Layer{Digest: "sha256:0", Index: -1, CreatedBy: "/bin/sh -c #(nop)  ENV TWILIO_AUTH_TOKEN=" + secret}},
		Details: map[string]string{"note": secret},
	}
	r := &Report{Findings: []vigil.Finding{f}, Stats: vigil.Stats{Items: 1, Skipped: []vigil.Skip{
		{Origin: vigil.Origin{Path: "x"}, Reason: vigil.SkipUnreadable, Err: errors.New("line 3: bad entry TOKEN=" + secret)},
	}}}
	r.Redactor = vigil.NewRedactor(matchFunc(func(c vigil.Chunk, emit func(vigil.Finding)) {
		if strings.Contains(string(c.Data), other) {
			emit(vigil.Finding{Secret: vigil.NewSecret(other), Confidence: vigil.Medium})
		}
	}))
	for _, show := range []bool{false, true} {
		r.ShowSecrets = show
		outs := map[string]*bytes.Buffer{"text": {}, "summary": {}, "json": {}, "sarif": {}}
		if err := Text(outs["text"], r, TextOptions{}); err != nil {
			t.Fatal(err)
		}
		Summary(outs["summary"], r)
		if err := JSON(outs["json"], r); err != nil {
			t.Fatal(err)
		}
		if err := SARIF(outs["sarif"], r); err != nil {
			t.Fatal(err)
		}
		for name, b := range outs {
			n := strings.Count(b.String(), secret)
			if want := 0; show && (name == "text" || name == "json") {
				want = 1 // the secret field itself, and nowhere else
				if n != want {
					t.Errorf("%s with --show-secrets holds the secret %d times, want %d:\n%s", name, n, want, b)
				}
			} else if n > 0 {
				t.Errorf("%s (show=%v) holds the secret in clear:\n%s", name, show, b)
			}
			if strings.Contains(b.String(), other) {
				t.Errorf("%s (show=%v) holds what the matcher found in clear:\n%s", name, show, b)
			}
		}
	}
	// The root type marshals to the report's shape, redacted likewise.
	data, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), secret) || !strings.Contains(string(data), `"location":`) {
		t.Errorf("vigil.Finding marshals to %s", data)
	}
}

type matchFunc func(vigil.Chunk, func(vigil.Finding))

func (m matchFunc) Match(c vigil.Chunk, emit func(vigil.Finding)) { m(c, emit) }
