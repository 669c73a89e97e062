package corpus

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/internal/fakecred"
	"github.com/vigilsec/vigil/internal/testenv"
)

// Floors measured on the files of ../shared/corpus, each alone and both
// together (go run ./bench/corpus). Raise them when detection improves; a
// change that lowers one needs a reason.
var floors = []struct {
	source            string // a corpus file, or "" for both together
	conf              vigil.Confidence
	precision, recall float64
}{
	{"credata-dev.jsonl", vigil.Medium, 0.965, 0.950},
	{"credata-dev.jsonl", vigil.Low, 0.950, 0.950},
	{"credata-dev-extra.jsonl", vigil.Medium, 0.920, 0.895},
	{"credata-dev-extra.jsonl", vigil.Low, 0.890, 0.895},
	{"", vigil.Medium, 0.930, 0.910},
	{"", vigil.Low, 0.905, 0.910},
}

func TestCorpusScores(t *testing.T) {
	var paths []string
	for _, f := range Files() {
		paths = append(paths, testenv.SharedDir(t, "corpus", f))
	}
	rows, err := LoadAll(paths)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := Build(rows, dir); err != nil {
		t.Fatal(err)
	}
	hits, err := VigilHits(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range floors {
		subset, name := rows, "both files"
		if f.source != "" {
			subset, name = FromSource(rows, f.source), f.source
		}
		if len(subset) == 0 {
			t.Fatalf("%s: no rows", name)
		}
		s := Match(subset, hits[f.conf]).Overall
		t.Logf("%s, confidence %s: precision %.3f recall %.3f F1 %.3f", name, f.conf, s.Precision(), s.Recall(), s.F1())
		if s.Precision() < f.precision || s.Recall() < f.recall {
			t.Errorf("%s, confidence %s: precision %.3f (floor %.3f), recall %.3f (floor %.3f)", name, f.conf, s.Precision(), f.precision, s.Recall(), f.recall)
		}
	}
}

func TestMatch(t *testing.T) {
	rows := []Row{
		{File: "r/a", LineStart: 1, LineEnd: 1, GroundTruth: "T", Category: "Password"},
		{File: "r/a", LineStart: 3, LineEnd: 5, GroundTruth: "T", Category: "PEM Private Key"},
		{File: "r/a", LineStart: 7, LineEnd: 7, GroundTruth: "F", Category: "Key"},
		{File: "r/b", LineStart: 1, LineEnd: 1, GroundTruth: "X", Category: "Password:Auth"},
	}
	// r/c is another corpus file's: its hit is neither matched nor unlabelled here.
	s := Match(rows, []Hit{{"r/a", 1}, {"r/a", 4}, {"r/a", 7}, {"r/a", 9}, {"r/c", 1}})
	if s.Overall != (Counts{TP: 2, FP: 1, FN: 0}) || s.Unlabelled != 1 {
		t.Fatalf("got %+v, %d unlabelled", s.Overall, s.Unlabelled)
	}
	if c := s.ByCategory["Password"]; c.TP != 1 {
		t.Fatalf("Password: %+v", c)
	}
}

// TestPairsHaveBothLines checks that a multi-part credential is reported on
// the lines of all its parts: the corpus labels the key ID's line too.
func TestPairsHaveBothLines(t *testing.T) {
	gen := fakecred.New(5)
	for _, tc := range []struct {
		name, text string
		lines      []int
	}{
		{"aws", "AWS_ACCESS_KEY_ID=AKIA{base32:16}\n\nAWS_SECRET_ACCESS_KEY={b64:40}\n", []int{1, 3}},
		{"twilio", "TWILIO_ACCOUNT_SID=AC{hex:32}\nTWILIO_AUTH_TOKEN={hex:32}\n", []int{1, 2}},
	} {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, ".env"), []byte(gen.MustExpand(tc.text)), 0o644); err != nil {
			t.Fatal(err)
		}
		found, err := VigilFindings(context.Background(), dir)
		if err != nil {
			t.Fatal(err)
		}
		at := map[int]bool{}
		for _, h := range AtLeast(found, vigil.Medium) {
			at[h.Line] = true
		}
		for _, l := range tc.lines {
			if !at[l] {
				t.Errorf("%s: no hit on line %d: %+v", tc.name, l, found)
			}
		}
	}
}
