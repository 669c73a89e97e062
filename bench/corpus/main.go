// Command corpus scores vigil (and, when it is installed, gitleaks) on the
// labelled corpus files of ../shared/corpus and prints precision, recall
// and F1 at each confidence floor, for each file and for both together,
// then per category with gitleaks beside.
//
//	go run ./bench/corpus [-dir ../shared/corpus] [-gitleaks PATH|off] [-explain CATEGORY]
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/internal/corpus"
	"github.com/vigilsec/vigil/internal/peers"
)

func main() {
	dir := flag.String("dir", "../shared/corpus", "directory of the corpus files ("+strings.Join(corpus.Files(), ", ")+")")
	gitleaks := flag.String("gitleaks", "", "gitleaks binary to score alongside vigil, or \"off\" (default: look in PATH and ~/.cache/vigil-peers/bin)")
	categories := flag.Bool("categories", true, "print per-category figures")
	explain := flag.String("explain", "", "print the missed and false labels of `CATEGORY` (\"all\" for every category) at the default floor")
	tree := flag.String("tree", "", "build the pseudo-files in `DIR` and keep them; reuse DIR when it exists (faster reruns)")
	outcomes := flag.String("outcomes", "", "write each label's outcome at each floor to `FILE` (JSON lines), to compare two runs")
	flag.Parse()
	if err := run(os.Stdout, *dir, *tree, *gitleaks, *categories, *explain, *outcomes); err != nil {
		fmt.Fprintln(os.Stderr, "corpus:", err)
		os.Exit(1)
	}
}

// scanner is one scanner's hits, named as the tables print it.
type scanner struct {
	name string
	hits []corpus.Hit
}

func run(w io.Writer, dir, tree, gitleaks string, categories bool, explain, outcomes string) error {
	var paths []string
	for _, f := range corpus.Files() {
		paths = append(paths, filepath.Join(dir, f))
	}
	rows, err := corpus.LoadAll(paths)
	if err != nil {
		return err
	}
	tmp, err := pseudoFiles(rows, tree)
	if err != nil {
		return err
	}
	if tree == "" {
		defer os.RemoveAll(tmp)
	}
	found, err := corpus.VigilFindings(context.Background(), tmp)
	if err != nil {
		return err
	}
	hits := map[vigil.Confidence][]corpus.Hit{}
	for _, c := range []vigil.Confidence{vigil.Low, vigil.Medium, vigil.High} {
		hits[c] = corpus.AtLeast(found, c)
	}
	var scanners []scanner
	for _, c := range []vigil.Confidence{vigil.Medium, vigil.Low, vigil.High} {
		name := "vigil --confidence " + c.String()
		if c == vigil.Medium {
			name = "vigil (default, medium)"
		}
		scanners = append(scanners, scanner{name, hits[c]})
	}
	var glName string
	if gl := peers.Gitleaks(gitleaks); gitleaks != "off" && gl != "" {
		glHits, err := gitleaksHits(gl, tmp)
		if err != nil {
			return fmt.Errorf("gitleaks: %w", err)
		}
		glName = "gitleaks (" + gl + ")"
		scanners = append(scanners, scanner{glName, glHits})
	}

	sets := []labelSet{}
	for _, f := range corpus.Files() {
		sets = append(sets, labelSet{f, corpus.FromSource(rows, f)})
	}
	sets = append(sets, labelSet{"both", rows})
	for _, s := range sets[:len(sets)-1] {
		fmt.Fprintf(w, "%s: %d labels (%d true)\n", s.name, len(s.rows), positives(s.rows))
	}
	fmt.Fprintln(w)
	overall(w, sets, scanners)
	if categories {
		var gl []corpus.Hit
		if glName != "" {
			gl = scanners[len(scanners)-1].hits
		}
		byCategory(w, sets, hits[vigil.Medium], gl)
	}
	if explain != "" {
		explainRows(w, rows, hits[vigil.Medium], explain)
	}
	if outcomes != "" {
		return writeOutcomes(outcomes, rows, found)
	}
	return nil
}

// outcome is one label and whether vigil reported it at each floor.
type outcome struct {
	Source   string `json:"source"`
	File     string `json:"file"`
	Line     int    `json:"line"`
	Category string `json:"category"`
	Truth    string `json:"truth"`
	Medium   bool   `json:"medium"`
	Low      bool   `json:"low"`
	// Rules are the rules reported on the label's lines, with their
	// confidence.
	Rules []string `json:"rules,omitempty"`
	Text  string   `json:"text"`
}

func writeOutcomes(path string, rows []corpus.Row, found []corpus.Reported) error {
	at := map[corpus.Hit][]corpus.Reported{}
	for _, r := range found {
		at[r.Hit] = append(at[r.Hit], r)
	}
	reported := func(r corpus.Row) (best vigil.Confidence, rules []string) {
		for n := r.LineStart; n <= r.LineEnd; n++ {
			for _, f := range at[corpus.Hit{File: r.File, Line: n}] {
				best = max(best, f.Confidence)
				rules = append(rules, f.Rule+"("+f.Confidence.String()+")")
			}
		}
		return best, rules
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(f)
	for _, r := range rows {
		best, rules := reported(r)
		o := outcome{Source: r.Source, File: r.File, Line: r.LineStart, Category: r.Category, Truth: r.GroundTruth,
			Medium: best >= vigil.Medium, Low: best >= vigil.Low, Rules: rules}
		for _, l := range r.Lines {
			if l.N == r.LineStart {
				o.Text = l.Text
			}
		}
		if err := enc.Encode(o); err != nil {
			f.Close()
			return err
		}
	}
	return f.Close()
}

// pseudoFiles builds the corpus's pseudo-files in a new temporary
// directory, or in tree, which it reuses when a build there finished.
func pseudoFiles(rows []corpus.Row, tree string) (string, error) {
	if tree == "" {
		tmp, err := os.MkdirTemp("", "vigil-corpus-")
		if err != nil {
			return "", err
		}
		return tmp, corpus.Build(rows, tmp)
	}
	done := filepath.Join(tree, ".built")
	if _, err := os.Stat(done); err == nil {
		return tree, nil
	}
	if err := os.RemoveAll(tree); err != nil {
		return "", err
	}
	if err := corpus.Build(rows, tree); err != nil {
		return "", err
	}
	return tree, os.WriteFile(done, nil, 0o644)
}

// labelSet is one corpus file's rows, or both files' together.
type labelSet struct {
	name string
	rows []corpus.Row
}

func positives(rows []corpus.Row) int {
	n := 0
	for _, r := range rows {
		if r.Positive() {
			n++
		}
	}
	return n
}

// overall prints precision, recall and F1 of every scanner on every set.
func overall(w io.Writer, sets []labelSet, scanners []scanner) {
	for _, set := range sets {
		fmt.Fprintf(w, "== %s\n", set.name)
		for _, sc := range scanners {
			s := corpus.Match(set.rows, sc.hits)
			o := s.Overall
			fmt.Fprintf(w, "%-32s precision %.3f  recall %.3f  F1 %.3f  (TP %d, FP %d, FN %d; %d findings on unlabelled lines)\n",
				sc.name, o.Precision(), o.Recall(), o.F1(), o.TP, o.FP, o.FN, s.Unlabelled)
		}
		fmt.Fprintln(w)
	}
}

// byCategory prints vigil's default precision and recall per category on
// each set, and gitleaks' on both files beside.
func byCategory(w io.Writer, sets []labelSet, vigilHits, glHits []corpus.Hit) {
	scores := make([]corpus.Score, len(sets))
	for i, set := range sets {
		scores[i] = corpus.Match(set.rows, vigilHits)
	}
	all := scores[len(scores)-1]
	var gl corpus.Score
	if glHits != nil {
		gl = corpus.Match(sets[len(sets)-1].rows, glHits)
	}
	fmt.Fprintln(w, "vigil (default) per category: precision/recall (true labels) on each file and both; gitleaks on both")
	fmt.Fprintf(w, "%-30s", "category")
	for i := range sets {
		head := fmt.Sprintf("file %d", i+1)
		if i == len(sets)-1 {
			head = "both"
		}
		fmt.Fprintf(w, " | %-22s", head)
	}
	if glHits != nil {
		fmt.Fprintf(w, " | %-9s", "gitleaks")
	}
	fmt.Fprintln(w)
	for _, cat := range all.Categories() {
		fmt.Fprintf(w, "%-30s", cat)
		for _, s := range scores {
			fmt.Fprintf(w, " | %s", cell(s.ByCategory[cat]))
		}
		if glHits != nil {
			c := gl.ByCategory[cat]
			fmt.Fprintf(w, " | %.2f %.2f", c.Precision(), c.Recall())
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w)
}

// cell formats one category's counts: precision, recall, true labels and
// false alarms.
func cell(c *corpus.Counts) string {
	if c == nil || c.TP+c.FP+c.FN == 0 {
		return fmt.Sprintf("%-22s", "-")
	}
	return fmt.Sprintf("%.2f %.2f %4dT %4dFP", c.Precision(), c.Recall(), c.TP+c.FN, c.FP)
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
func explainRows(w io.Writer, rows []corpus.Row, hits []corpus.Hit, category string) {
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
				fmt.Fprintf(w, "%s %-22s %s:%d: %s\n", kind, r.Category, r.File, r.LineStart, strings.TrimSpace(text))
			}
		}
	}
}
