package corpus

import (
	"context"
	"testing"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/internal/testenv"
)

// Floors measured on ../shared/corpus/credata-dev.jsonl (go run
// ./bench/corpus). Raise them when detection improves; a change that
// lowers them needs a reason.
var floors = []struct {
	conf              vigil.Confidence
	precision, recall float64
}{
	{vigil.Medium, 0.950, 0.775},
	{vigil.Low, 0.930, 0.935},
}

func TestCorpusScores(t *testing.T) {
	path := testenv.SharedDir(t, "corpus", "credata-dev.jsonl")
	rows, err := Load(path)
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
		s := Match(rows, hits[f.conf]).Overall
		t.Logf("confidence %s: precision %.3f recall %.3f F1 %.3f", f.conf, s.Precision(), s.Recall(), s.F1())
		if s.Precision() < f.precision || s.Recall() < f.recall {
			t.Errorf("confidence %s: precision %.3f (floor %.2f), recall %.3f (floor %.2f)", f.conf, s.Precision(), f.precision, s.Recall(), f.recall)
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
	s := Match(rows, []Hit{{"r/a", 1}, {"r/a", 4}, {"r/a", 7}, {"r/a", 9}})
	if s.Overall != (Counts{TP: 2, FP: 1, FN: 0}) || s.Unlabelled != 1 {
		t.Fatalf("got %+v, %d unlabelled", s.Overall, s.Unlabelled)
	}
	if c := s.ByCategory["Password"]; c.TP != 1 {
		t.Fatalf("Password: %+v", c)
	}
}
