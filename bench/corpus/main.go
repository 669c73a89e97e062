// Command corpus scores vigil (and, when it is installed, gitleaks) on a
// labelled corpus of credential lines and prints precision, recall and F1,
// overall and per category, at each confidence floor.
//
//	go run ./bench/corpus [-corpus ../shared/corpus/credata-dev.jsonl] [-gitleaks PATH]
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"github.com/vigilsec/vigil/internal/peers"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/internal/corpus"
)

func main() {
	path := flag.String("corpus", "../shared/corpus/credata-dev.jsonl", "corpus file (JSON lines)")
	gitleaks := flag.String("gitleaks", "", "gitleaks binary to score alongside vigil (default: look in PATH and ~/.cache/vigil-peers/bin)")
	categories := flag.Bool("categories", true, "print per-category figures")
	explain := flag.String("explain", "", "print the missed and false labels of `CATEGORY` (\"all\" for every category) at the default floor")
	flag.Parse()
	if err := run(*path, *gitleaks, *categories, *explain); err != nil {
		fmt.Fprintln(os.Stderr, "corpus:", err)
		os.Exit(1)
	}
}

func run(path, gitleaks string, categories bool, explain string) error {
	rows, err := corpus.Load(path)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "vigil-corpus-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if err := corpus.Build(rows, dir); err != nil {
		return err
	}
	hits, err := corpus.VigilHits(context.Background(), dir)
	if err != nil {
		return err
	}
	fmt.Printf("corpus: %s, %d labels\n\n", path, len(rows))
	for _, c := range []vigil.Confidence{vigil.Medium, vigil.Low, vigil.High} {
		name := "vigil --confidence " + c.String()
		if c == vigil.Medium {
			name += " (default)"
		}
		report(name, corpus.Match(rows, hits[c]), categories && c == vigil.Medium)
	}
	if explain != "" {
		explainRows(rows, hits[vigil.Medium], explain)
	}
	if gl := peers.Gitleaks(gitleaks); gl != "" {
		glHits, err := gitleaksHits(gl, dir)
		if err != nil {
			return fmt.Errorf("gitleaks: %w", err)
		}
		report("gitleaks ("+gl+")", corpus.Match(rows, glHits), false)
	}
	return nil
}

func report(name string, s corpus.Score, categories bool) {
	o := s.Overall
	fmt.Printf("%-40s precision %.3f  recall %.3f  F1 %.3f  (TP %d, FP %d, FN %d; %d findings on unlabelled lines)\n",
		name, o.Precision(), o.Recall(), o.F1(), o.TP, o.FP, o.FN, s.Unlabelled)
	if !categories {
		return
	}
	for _, cat := range s.Categories() {
		c := s.ByCategory[cat]
		fmt.Printf("    %-30s P %.2f  R %.2f  (TP %d, FP %d, FN %d)\n", cat, c.Precision(), c.Recall(), c.TP, c.FP, c.FN)
	}
	fmt.Println()
}

func gitleaksHits(bin, dir string) ([]corpus.Hit, error) {
	out := filepath.Join(dir, "..", filepath.Base(dir)+"-gitleaks.json")
	defer os.Remove(out)
	cmd := exec.Command(bin, "dir", dir, "--no-banner", "--report-format", "json", "--report-path", out, "--exit-code", "0")
	if b, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("%v: %s", err, b)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		return nil, err
	}
	var leaks []struct {
		File      string `json:"File"`
		StartLine int    `json:"StartLine"`
	}
	if err := json.Unmarshal(data, &leaks); err != nil {
		return nil, err
	}
	var hits []corpus.Hit
	prefix := filepath.ToSlash(filepath.Clean(dir)) + "/"
	for _, l := range leaks {
		hits = append(hits, corpus.Hit{File: strings.TrimPrefix(filepath.ToSlash(l.File), prefix), Line: l.StartLine})
	}
	return hits, nil
}

// explainRows prints the labelled lines vigil got wrong, to study them.
func explainRows(rows []corpus.Row, hits []corpus.Hit, category string) {
	found := map[corpus.Hit]bool{}
	for _, h := range hits {
		found[h] = true
	}
	for _, r := range rows {
		if category != "all" && !strings.HasPrefix(r.Category, category) {
			continue
		}
		matched := false
		for n := r.LineStart; n <= r.LineEnd; n++ {
			matched = matched || found[corpus.Hit{File: r.File, Line: n}]
		}
		kind := ""
		switch {
		case matched && !r.Positive():
			kind = "FP"
		case !matched && r.Positive():
			kind = "FN"
		default:
			continue
		}
		for _, l := range r.Lines {
			if l.N == r.LineStart {
				text := l.Text
				if len(text) > 160 {
					text = text[:160] + "…"
				}
				fmt.Printf("%s %-22s %s:%d: %s\n", kind, r.Category, r.File, r.LineStart, strings.TrimSpace(text))
			}
		}
	}
}
