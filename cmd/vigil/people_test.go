package main

import (
	"bytes"
	"context"
	"crypto/sha1"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// peopleRun drives one vigil command line with the given stdin and
// environment, as a non-terminal.
func peopleRun(t *testing.T, stdin string, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, stdio{
		stdin:      strings.NewReader(stdin),
		stdout:     &out,
		stderr:     &errb,
		getenv:     func(k string) string { return env[k] },
		isTerminal: func(any) bool { return false },
	})
	return code, out.String(), errb.String()
}

// accentedPassphrase is in the generated corpus as written here (NFC).
const accentedPassphrase = "ça déménage, très vite"

// peopleHashes is a generated Pwned Passwords style corpus: the hashes of
// w0…w1999 and of two known passphrases, sorted, as HEX:COUNT lines.
func peopleHashes() (lines []string, byPrefix map[string][]string) {
	words := []string{"correct horse battery staple"}
	for i := range 2000 {
		words = append(words, fmt.Sprint("w", i))
	}
	words = append(words, accentedPassphrase) // count 2043
	for i, w := range words {
		lines = append(lines, fmt.Sprintf("%X:%d", sha1.Sum([]byte(w)), i+42))
	}
	sort.Strings(lines)
	byPrefix = map[string][]string{}
	for _, l := range lines {
		byPrefix[l[:5]] = append(byPrefix[l[:5]], l[5:])
	}
	return lines, byPrefix
}

func writePeopleFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// fakeRangeAPI serves the generated corpus like the range API, padded.
func fakeRangeAPI(t *testing.T, requests *int) *httptest.Server {
	_, byPrefix := peopleHashes()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		*requests++
		lines := append([]string{}, byPrefix[strings.TrimPrefix(r.URL.Path, "/range/")]...)
		if r.Header.Get("Add-Padding") == "true" {
			lines = append(lines, fmt.Sprintf("%035X:0", 7))
		}
		fmt.Fprint(w, strings.Join(lines, "\n"))
	}))
	t.Cleanup(srv.Close)
	return srv
}
