package main

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/internal/fakecred"
)

func TestProgressLine(t *testing.T) {
	for _, tc := range []struct {
		plan     vigil.Plan
		bytes    int64
		elapsed  time.Duration
		findings int
		want     string
	}{
		{vigil.Plan{Done: 250, Total: 1000, Unit: "files", Final: true}, 10 << 20, 5 * time.Second, 1,
			"scanning: 250/1,000 files, 10.0 MiB at 2.0 MiB/s, 0:05 elapsed, ~0:15 left, 1 finding"},
		{vigil.Plan{Done: 3, Total: 1200, Unit: "blobs"}, 0, 0, 0,
			"scanning: 3/1,200+ blobs, 0.0 MiB at 0.0 MiB/s, 0:00 elapsed, 0 findings"},
		{vigil.Plan{}, 1 << 20, 3725 * time.Second, 12,
			"scanning: 1.0 MiB at 0.0 MiB/s, 1:02:05 elapsed, 12 findings"},
	} {
		if got := progressLine(tc.plan, tc.bytes, tc.elapsed, tc.findings); got != tc.want {
			t.Errorf("got  %q\nwant %q", got, tc.want)
		}
	}
}

// secretsTree writes a few files with fake secrets, one repeated.
func secretsTree(t *testing.T) string {
	dir := t.TempDir()
	g := fakecred.New(3)
	key, err := g.Expand("SG.{b64url:22}.{b64url:43}")
	if err != nil {
		t.Fatal(err)
	}
	for i, name := range []string{"a.env", "b/c.env", "d.env"} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		other, _ := g.Expand("SG.{b64url:22}.{b64url:43}")
		body := "SENDGRID_API_KEY=" + key + "\nOTHER=" + other + "\n"
		if i == 2 {
			body = "nothing here\n"
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// runOnTerminal runs vigil scan with stderr, and stdout unless pipeOut,
// on a pseudo-terminal, and returns what the terminal showed and what
// stdout got.
func runOnTerminal(t *testing.T, dir string, pipeOut bool, args ...string) (term, stdout string) {
	t.Helper()
	ptm, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	defer ptm.Close()
	cmd := exec.Command(os.Args[0], append([]string{"scan"}, append(args, dir)...)...)
	cmd.Env = append(os.Environ(), "VIGIL_TEST_AS_VIGIL=1", "NO_COLOR=1")
	cmd.Stderr = tty
	var out bytes.Buffer
	if pipeOut {
		cmd.Stdout = &out
	} else {
		cmd.Stdout = tty
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	tty.Close()
	var shown bytes.Buffer
	copied := make(chan struct{})
	go func() {
		_, _ = io.Copy(&shown, ptm) // ends with EIO once the child exits
		close(copied)
	}()
	_ = cmd.Wait()
	<-copied
	return shown.String(), out.String()
}

func TestScanOnTerminal(t *testing.T) {
	if testing.Short() {
		t.Skip("starts vigil on a pseudo-terminal")
	}
	dir := secretsTree(t)
	term, _ := runOnTerminal(t, dir, false)
	if !strings.Contains(term, "scanning: ") {
		t.Errorf("no progress line on the terminal:\n%q", term)
	}
	if n := strings.Count(term, "sendgrid-api-key"); n != 4 {
		t.Errorf("%d findings shown, want 4:\n%s", n, term)
	}
	if !strings.Contains(term, "4 findings (4 high)") {
		t.Errorf("summary:\n%s", term)
	}
}

// TestScanReportUnchangedByTerminal: with stderr on a terminal (progress
// shown) and stdout piped, stdout holds exactly the report of a scan with
// no terminal at all, in the same order.
func TestScanReportUnchangedByTerminal(t *testing.T) {
	if testing.Short() {
		t.Skip("starts vigil on a pseudo-terminal")
	}
	dir := secretsTree(t)
	for _, format := range []string{"text", "json"} {
		term, piped := runOnTerminal(t, dir, true, "--format", format)
		if !strings.Contains(term, "scanning: ") {
			t.Errorf("%s: no progress line", format)
		}
		cmd := exec.Command(os.Args[0], "scan", "--format", format, dir)
		cmd.Env = append(os.Environ(), "VIGIL_TEST_AS_VIGIL=1")
		plain, _ := cmd.Output()
		norm := regexp.MustCompile(`"(started|duration_ms)": [^,\n]+`)
		if a, b := norm.ReplaceAllString(piped, ""), norm.ReplaceAllString(string(plain), ""); a != b {
			t.Errorf("%s: report differs with a terminal on stderr:\n%s\n--- without ---\n%s", format, a, b)
		}
	}
}

// TestLiveCountsDistinctFindings: the progress line counts findings as the
// report will, not raw matches: a credential found in many blobs of a
// history is one.
func TestLiveCountsDistinctFindings(t *testing.T) {
	v := &liveView{seen: map[string]bool{}}
	secret := vigil.NewSecret("s3cr3t")
	for i, blob := range []string{"b1", "b2", "b3"} {
		v.found(&vigil.Finding{RuleID: "r", Secret: secret, Origin: vigil.Origin{Source: "git", Path: []string{"a", "b", "a"}[i], Blob: blob}})
	}
	v.found(&vigil.Finding{RuleID: "r", Secret: vigil.NewSecret("other"), Origin: vigil.Origin{Source: "git", Path: "a", Blob: "b1"}})
	if len(v.seen) != 2 {
		t.Errorf("%d distinct findings counted, want 2", len(v.seen))
	}
}
