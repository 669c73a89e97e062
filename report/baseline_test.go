package report

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestBaselineRoundTrip(t *testing.T) {
	fs := sample().Findings
	path := filepath.Join(t.TempDir(), "base.json")
	if err := NewBaseline(fs[:2], time.Unix(0, 0)).Write(path); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	if strings.Contains(string(data), strings.Repeat("f", 32)) {
		t.Fatal("baseline holds a secret")
	}
	b, err := ReadBaseline(path)
	if err != nil {
		t.Fatal(err)
	}
	if !b.Contains(&fs[0]) || !b.Contains(&fs[1]) || b.Contains(&fs[2]) {
		t.Fatal("baseline membership is wrong")
	}
	moved := fs[0]
	moved.Origin.Line += 10
	if !b.Contains(&moved) {
		t.Fatal("a finding that moved lines left the baseline")
	}
	moved.Origin.Path = "elsewhere/.env"
	if b.Contains(&moved) {
		t.Fatal("the same secret in another file is accepted")
	}
}

func TestReadBaselineErrors(t *testing.T) {
	for name, tc := range map[string]struct{ text, want string }{
		"syntax":      {"{\n \"version\": 1,\n \"findings\": [,]\n}", "line 3"},
		"type":        {"{\"version\": 1,\n\"findings\": [{\"fingerprint\": 7}]}", "line 2"},
		"version":     {"{\"version\": 9, \"findings\": []}", "version 9"},
		"unknown":     {"{\"version\": 1, \"secrets\": []}", "unknown field"},
		"short print": {"{\"version\": 1,\n\"findings\": [\n{\"fingerprint\": \"ab\", \"path\": \"x\"}]}", "entry 1 (line 3)"},
		"empty":       {"", "empty file"},
		"truncated":   {"{\"version\": 1, \"findings\": [", "unexpected end"},
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "b.json")
			os.WriteFile(path, []byte(tc.text), 0o644)
			_, err := ReadBaseline(path)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
}

func FuzzReadBaseline(f *testing.F) {
	f.Add(`{"version":1,"findings":[{"fingerprint":"0123456789012345678901234567890123456789","path":"a"}]}`)
	f.Fuzz(func(t *testing.T, text string) {
		path := filepath.Join(t.TempDir(), "b.json")
		os.WriteFile(path, []byte(text), 0o644)
		ReadBaseline(path)
	})
}
