package main

import (
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/vigilsec/vigil/internal/fakecred"
	"github.com/vigilsec/vigil/internal/gittest"
)

// forged is what a crafted name would print on a terminal if it reached
// it raw: erase the line, go up one, and write a clean summary over it.
const forged = "\x1b[2K\r\x1b[1Avigil: 0 findings, scan complete\n"

// TestTextOutputEscapes scans files, archive members and git history whose
// names and commit fields are crafted to act on a terminal, and checks
// that every text path — findings, the summary, the incomplete list,
// progress, errors naming paths — prints them escaped, one line each,
// while JSON keeps them exact.
func TestTextOutputEscapes(t *testing.T) {
	g := fakecred.New(7)
	pair := func() string { return g.MustExpand("TWILIO_ACCOUNT_SID=AC{hex:32}\nTWILIO_AUTH_TOKEN={hex:32}\n") }
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "x"+forged+".env"), pair())
	writeFile(t, filepath.Join(dir, "rtl\u202evne.txt"), pair())
	writeFile(t, filepath.Join(dir, "big"+forged+".log"), strings.Repeat("x", 4096))
	writeFile(t, filepath.Join(dir, "app.zip"), zipOf(t, map[string]string{"a!b.env": pair(), "c\x1b]0;title\x07.env": pair()}))

	repo := gittest.New(t)
	repo.Commit("subject"+forged, "Eve\u202e <eve@example.com>", map[string]string{"conf" + forged + ".env": pair()})

	check := func(what, out string) {
		t.Helper()
		for _, r := range out {
			if r != '\n' && !unicode.IsPrint(r) && r != ' ' {
				t.Errorf("%s prints %U raw:\n%q", what, r, out)
				return
			}
		}
		for _, line := range strings.Split(out, "\n") {
			if strings.HasPrefix(line, "vigil: 0 findings, scan complete") {
				t.Errorf("%s has a forged line:\n%s", what, out)
			}
		}
	}
	code, out, errOut := vigilExec(t, dir, nil, "", "scan", "--no-config", "--max-file-size", "1KB", ".")
	if code != exitRuntime || !strings.Contains(errOut, "INCOMPLETE") {
		t.Fatalf("exit %d, want %d with an INCOMPLETE list:\n%s", code, exitRuntime, errOut)
	}
	check("scan report", out)
	check("scan summary and incomplete list", errOut)
	if !strings.Contains(out, `app.zip!"a!b.env"`) {
		t.Errorf("a member holding '!' reads as a nested archive:\n%s", out)
	}
	_, out, errOut = vigilExec(t, dir, nil, "", "scan", "--no-config", "--git", repo.Dir)
	check("git scan report", out)
	check("git scan stderr", errOut)
	_, out, errOut = vigilExec(t, dir, nil, "", "scan", "--no-config", filepath.Join(dir, "missing"+forged))
	check("an error naming a path", out+errOut)

	// JSON keeps names exact.
	_, out, _ = vigilExec(t, dir, nil, "", "scan", "--no-config", "-f", "json", ".")
	if !strings.Contains(out, `"x\u001b[2K\r\u001b[1Avigil: 0 findings, scan complete\n.env"`) || !strings.Contains(out, `"a!b.env"`) {
		t.Errorf("JSON does not keep the names exact:\n%s", out)
	}
}
