package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

const goodPassphrase = "mauve kettle orbits the quiet fjord"

func TestPassphraseCheck(t *testing.T) {
	var requests int
	rangeSrv := fakeRangeAPI(t, &requests)
	garbage := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("<html>oops</html>")) }))
	defer garbage.Close()
	block := make(chan struct{})
	defer close(block)
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-block:
		case <-r.Context().Done():
		}
	}))
	defer slow.Close()
	down := httptest.NewServer(http.NotFoundHandler())
	down.Close()

	lines, _ := peopleHashes()
	index := filepath.Join(t.TempDir(), "pwned.idx")
	if code, _, stderr := peopleRun(t, strings.Join(lines, "\n")+"\n", nil, "passphrase", "index", "-", index); code != 0 {
		t.Fatalf("index: %d %s", code, stderr)
	}
	badIndex := writePeopleFile(t, "bad.idx", "not an index")

	tests := []struct {
		name   string
		stdin  string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"acceptable", goodPassphrase + "\n", []string{"--no-breach-check"}, 0, "verdict:   acceptable", ""},
		{"crlf", goodPassphrase + "\r\n", []string{"--no-breach-check"}, 0, "acceptable", ""},
		{"too short", "Xk9#vQ2!pL", []string{"--no-breach-check"}, 1, "too short: 10 characters, at least 14", ""},
		{"min length", "Xk9#vQ2!pL", []string{"--no-breach-check", "--min-length", "8"}, 0, "acceptable", ""},
		{"context", "AliceTwilio2024!", []string{"--no-breach-check", "--context", "alice", "--context", "Twilio"}, 1, `built on "alice" and "twilio"`, ""},
		{"range found", "correct horse battery staple", []string{"--range-url", rangeSrv.URL}, 1, "found 42 times (range API 127.0.0.1", ""},
		{"range not found", goodPassphrase, []string{"--range-url", rangeSrv.URL}, 0, "not found (range API", ""},
		{"range down", goodPassphrase, []string{"--range-url", down.URL}, 3, "COULD NOT CHECK", "NOT known to be safe"},
		{"range garbage", goodPassphrase, []string{"--range-url", garbage.URL}, 3, "COULD NOT CHECK", "not SUFFIX:COUNT"},
		{"range timeout", goodPassphrase, []string{"--range-url", slow.URL, "--timeout", "200ms"}, 3, "COULD NOT CHECK", "did not answer within 200ms"},
		{"offline found", "correct horse battery staple", []string{"--offline", index}, 1, "found 42 times (offline index", ""},
		{"offline not found", goodPassphrase, []string{"--offline", index}, 0, "not found (offline index", ""},
		// One passphrase however it is typed (NFKC, as NIST 800-63B asks).
		{"offline found decomposed", norm.NFD.String(accentedPassphrase), []string{"--offline", index}, 1, "found 2043 times", ""},
		{"range found decomposed", norm.NFD.String(accentedPassphrase), []string{"--range-url", rangeSrv.URL}, 1, "found 2043 times", ""},
		{"offline found full-width", "ｃｏｒｒｅｃｔ　ｈｏｒｓｅ　ｂａｔｔｅｒｙ　ｓｔａｐｌｅ", []string{"--offline", index}, 1, "found 42 times", ""},
		{"decomposed length", norm.NFD.String("ça déménage"), []string{"--no-breach-check"}, 1, "too short: 11 characters", ""},
		{"offline bad index", goodPassphrase, []string{"--offline", badIndex}, 3, "", "not a vigil passphrase index"},
		{"empty", "", []string{"--no-breach-check"}, 2, "", "passphrase is empty"},
		{"just a newline", "\n", []string{"--no-breach-check"}, 2, "", "passphrase is empty"},
		{"not UTF-8", "abc\xff\xfedef ghi jkl mno", []string{"--no-breach-check"}, 2, "", "not valid UTF-8: invalid byte 0xff at byte offset 3"},
		{"enormous", strings.Repeat("a", 1<<20), []string{"--no-breach-check"}, 2, "", "too long: stdin holds more than"},
		{"too long", strings.Repeat("word ", 60), []string{"--no-breach-check"}, 2, "", "300 characters, at most 256"},
		{"two lines", "one line\nanother line", []string{"--no-breach-check"}, 2, "", "control character (U+000A)"},
		{"argv", "", []string{"hunter2hunter2hunter2"}, 2, "", "never taken from the command line"},
		{"no-breach with offline", goodPassphrase, []string{"--no-breach-check", "--offline", index}, 2, "", "cannot be combined"},
		{"offline with range", goodPassphrase, []string{"--offline", index, "--range-url", rangeSrv.URL}, 2, "", "not both"},
		{"bad range url", goodPassphrase, []string{"--range-url", "ftp://x"}, 2, "", "not an http(s) URL"},
		{"bad min length", goodPassphrase, []string{"--no-breach-check", "--min-length", "0"}, 2, "", "not positive"},
		{"bad format", goodPassphrase, []string{"--no-breach-check", "--format", "xml"}, 2, "", "want text or json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := peopleRun(t, tt.stdin, nil, append([]string{"passphrase", "check"}, tt.args...)...)
			if code != tt.code || !strings.Contains(stdout, tt.stdout) || !strings.Contains(stderr, tt.stderr) {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, stdout, stderr)
			}
			if strings.Contains(stdout+stderr, strings.TrimSpace(tt.stdin)) && len(strings.TrimSpace(tt.stdin)) > 3 {
				t.Errorf("output repeats the passphrase")
			}
		})
	}
	// One request per passphrase: the two found and the not-found cases
	// above (a decomposed passphrase is found in its NFKC form first).
	if requests != 3 {
		t.Errorf("the range API got %d requests for 3 checks", requests)
	}
}

func TestPassphraseCheckJSON(t *testing.T) {
	code, stdout, _ := peopleRun(t, "password", nil, "passphrase", "check", "--no-breach-check", "--format", "json")
	if code != 1 {
		t.Fatalf("exit %d", code)
	}
	var r struct {
		Verdict  string
		Problems []struct{ Code, Message string }
		Strength struct {
			Guesses float64
			Rating  string
		}
		Breach struct{ Status string }
	}
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	if r.Verdict != "rejected" || len(r.Problems) != 2 || r.Strength.Rating != "very weak" || r.Breach.Status != "skipped" {
		t.Errorf("%+v", r)
	}
}

func TestPassphraseIndex(t *testing.T) {
	lines, _ := peopleHashes()
	hashes := writePeopleFile(t, "hashes.txt", strings.Join(lines, "\r\n")+"\r\n")
	out := filepath.Join(t.TempDir(), "out.idx")
	code, stdout, stderr := peopleRun(t, "", nil, "passphrase", "index", hashes, out)
	if code != 0 || !strings.Contains(stdout, "2002 hashes") {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	if code, stdout, _ := peopleRun(t, "", nil, "passphrase", "index", "--verify", out); code != 0 || !strings.Contains(stdout, "ok, 2002 hashes") {
		t.Errorf("verify: %d %s", code, stdout)
	}
	b, _ := os.ReadFile(out)
	b[100] ^= 1
	corrupt := writePeopleFile(t, "corrupt.idx", string(b))

	unsorted := append([]string{}, lines...)
	unsorted[2], unsorted[3] = unsorted[3], unsorted[2]
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"unsorted", []string{hashes + ".unsorted", out}, 3, "hashes.txt.unsorted: line 4: not sorted"},
		{"truncated", []string{hashes + ".truncated", out}, 3, "line 2002: truncated"},
		{"missing input", []string{filepath.Join(t.TempDir(), "nope"), out}, 3, "open hash file"},
		{"verify corrupt", []string{"--verify", corrupt}, 1, "record checksum mismatch"},
		{"verify not an index", []string{"--verify", hashes}, 1, "not a vigil passphrase index"},
		{"one argument", []string{hashes}, 2, "want two arguments"},
		{"verify two arguments", []string{"--verify", hashes, out}, 2, "--verify takes one argument"},
	}
	if err := os.WriteFile(hashes+".unsorted", []byte(strings.Join(unsorted, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	whole := strings.Join(lines, "\n")
	if err := os.WriteFile(hashes+".truncated", []byte(whole[:len(whole)-30]), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := peopleRun(t, "", nil, append([]string{"passphrase", "index"}, tt.args...)...)
			if code != tt.code || !strings.Contains(stderr, tt.stderr) {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, stdout, stderr)
			}
		})
	}
	// A failed build leaves the previous index in place.
	if code, _, _ := peopleRun(t, "", nil, "passphrase", "index", "--verify", out); code != 0 {
		t.Error("failed builds damaged the existing index")
	}
}
