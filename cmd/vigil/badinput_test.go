package main

import (
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/vigilsec/vigil/internal/fakecred"
	"github.com/vigilsec/vigil/report"
)

// scanJSON scans path and returns the exit code, the findings' locations
// as "path:line:column", and stderr.
func scanJSON(t *testing.T, path string) (int, []string, string) {
	t.Helper()
	code, stdout, stderr := peopleRun(t, "", nil, "scan", "--no-config", "--format", "json", path)
	rep, err := report.ReadJSON([]byte(stdout))
	if err != nil {
		t.Fatalf("exit %d: %v\n%s", code, err, stderr)
	}
	var at []string
	for _, f := range rep.Findings {
		l := f.Location
		at = append(at, fmt.Sprintf("%s:%d:%d", l.Path, l.Line, l.Column))
	}
	return code, at, stderr
}

// TestScanColumnsOnLongLines: a finding's column counts the characters
// before it in its line (Unicode code points, as the SARIF run declares),
// however far into a long line it is (past the regex window, past the
// chunks a long line is cut into, even where a cut falls inside a
// character).
func TestScanColumnsOnLongLines(t *testing.T) {
	g := fakecred.New(7)
	dir := t.TempDir()
	var b strings.Builder
	var want []string
	for _, pad := range []struct {
		s string
		n int
	}{{" ", 0}, {" ", 2047}, {" ", 2048}, {" ", 5000}, {" ", 3 << 20 / 2}, {"é", 40}, {"€", 3000}, {"€", 1 << 20 / 2}, {"🔑", 1 << 20 / 3}} {
		line := strings.Repeat(pad.s, pad.n) + "SENDGRID_API_KEY=" + g.MustExpand("SG.{b64url:22}.{b64url:43}")
		b.WriteString(line + "\n")
		want = append(want, fmt.Sprintf("long.txt:%d:%d", len(want)+1, pad.n+len("SENDGRID_API_KEY=")+1))
	}
	if err := os.WriteFile(filepath.Join(dir, "long.txt"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	code, got, stderr := scanJSON(t, "long.txt")
	if code != 1 || strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("exit %d, findings at\n%s\nwant\n%s\n%s", code, strings.Join(got, "\n"), strings.Join(want, "\n"), stderr)
	}
}

// TestScanByteOrderMarks: text in UTF-16 or UTF-32, as its byte order mark
// says, is scanned for what it says; text in an encoding vigil does not
// decode is named and the scan is incomplete (exit 3), never clean.
func TestScanByteOrderMarks(t *testing.T) {
	g := fakecred.New(8)
	text := "# settings\nSENDGRID_API_KEY=" + g.MustExpand("SG.{b64url:22}.{b64url:43}") + "\n"
	dir := t.TempDir()
	t.Chdir(dir)
	for _, enc := range []string{"UTF-16LE", "UTF-16BE", "UTF-32LE", "UTF-32BE"} {
		name := enc + ".env"
		if err := os.WriteFile(name, encodeWithMark(enc, text), 0o644); err != nil {
			t.Fatal(err)
		}
		if code, got, stderr := scanJSON(t, name); code != 1 || strings.Join(got, " ") != name+":2:18" {
			t.Errorf("%s: exit %d, findings %v\n%s", enc, code, got, stderr)
		}
	}
	if err := os.WriteFile("utf7.env", []byte("+/v8-"+text), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := scanJSON(t, "utf7.env"); code != 3 || !strings.Contains(stderr, "UTF-7") {
		t.Errorf("UTF-7: exit %d, want 3 naming the encoding\n%s", code, stderr)
	}
}

// encodeWithMark writes text in UTF-16 or UTF-32 (LE or BE) after its
// byte order mark.
func encodeWithMark(enc, text string) []byte {
	var order binary.AppendByteOrder = binary.LittleEndian
	if strings.HasSuffix(enc, "BE") {
		order = binary.BigEndian
	}
	runes := append([]rune{0xFEFF}, []rune(text)...)
	var b []byte
	if strings.HasPrefix(enc, "UTF-16") {
		for _, u := range utf16.Encode(runes) {
			b = order.AppendUint16(b, u)
		}
		return b
	}
	for _, r := range runes {
		b = order.AppendUint32(b, uint32(r))
	}
	return b
}
