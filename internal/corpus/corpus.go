// Package corpus scores vigil against a labelled corpus of credential lines
// (CredData's format, see ../shared/corpus/README.md): it rebuilds
// pseudo-files from the labelled lines, scans them, and matches findings to
// labels by file and line.
package corpus

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Files are the corpus files in ../shared/corpus, in the order they were
// published: the first is unchanged since it was, so figures measured on it
// stay comparable; the second is larger and broader.
func Files() []string { return []string{"credata-dev.jsonl", "credata-dev-extra.jsonl"} }

// Row is one labelled line (or span of lines).
type Row struct {
	// Source is the base name of the corpus file the row was read from.
	Source      string `json:"-"`
	File        string `json:"file"`
	LineStart   int    `json:"line_start"`
	LineEnd     int    `json:"line_end"`
	GroundTruth string `json:"ground_truth"` // T, F or X
	Category    string `json:"category"`
	Lines       []struct {
		N    int    `json:"n"`
		Text string `json:"text"`
	} `json:"lines"`
}

// Positive reports whether the row is a real credential.
func (r Row) Positive() bool { return r.GroundTruth == "T" }

// Load reads a JSON-lines corpus.
func Load(path string) ([]Row, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var rows []Row
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for n := 1; sc.Scan(); n++ {
		r := Row{Source: filepath.Base(path)}
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, n, err)
		}
		rows = append(rows, r)
	}
	return rows, sc.Err()
}

// LoadAll reads several corpus files into one list of rows. Their files
// must not overlap (each corpus file holds its own repositories), so that
// one directory built from them scores each file as it would alone.
func LoadAll(paths []string) ([]Row, error) {
	var all []Row
	seen := map[string]string{}
	for _, p := range paths {
		rows, err := Load(p)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			if src, ok := seen[r.File]; ok && src != r.Source {
				return nil, fmt.Errorf("%s and %s both label %s", src, r.Source, r.File)
			}
			seen[r.File] = r.Source
		}
		all = append(all, rows...)
	}
	return all, nil
}

// FromSource returns the rows read from the named corpus file.
func FromSource(rows []Row, source string) []Row {
	var out []Row
	for _, r := range rows {
		if r.Source == source {
			out = append(out, r)
		}
	}
	return out
}

// Build writes one pseudo-file per corpus file under dir: every known line
// (labelled or context) at its line number, other lines empty. Where the
// corpus holds a line twice (whole, and cut short as context), the longer
// text is written.
func Build(rows []Row, dir string) error {
	files := map[string]map[int]string{}
	for _, r := range rows {
		m := files[r.File]
		if m == nil {
			m = map[int]string{}
			files[r.File] = m
		}
		for _, l := range r.Lines {
			// A line is stored whole where it is labelled and cut to 400
			// characters where it is another label's context: keep the
			// longest text seen.
			if len(l.Text) > len(m[l.N]) {
				m[l.N] = l.Text
			}
		}
	}
	for name, lines := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if !strings.HasPrefix(p, filepath.Clean(dir)+string(os.PathSeparator)) {
			return fmt.Errorf("corpus file %q escapes the directory", name)
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		last := 0
		for n := range lines {
			last = max(last, n)
		}
		var b strings.Builder
		for n := 1; n <= last; n++ {
			b.WriteString(lines[n])
			b.WriteByte('\n')
		}
		if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// Hit is a reported location: a file (as in the corpus) and a line.
type Hit struct {
	File string
	Line int
}

// Counts are the confusion counts of one category.
type Counts struct {
	TP, FP, FN int // labels matched T, matched F/X, unmatched T
}

// Precision is TP/(TP+FP).
func (c Counts) Precision() float64 { return ratio(c.TP, c.TP+c.FP) }

// Recall is TP/(TP+FN).
func (c Counts) Recall() float64 { return ratio(c.TP, c.TP+c.FN) }

// F1 is the harmonic mean of precision and recall.
func (c Counts) F1() float64 {
	p, r := c.Precision(), c.Recall()
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// Score is the result of matching hits to labels.
type Score struct {
	Overall    Counts
	ByCategory map[string]*Counts
	// Unlabelled counts hits on lines with no label in the rows' files.
	Unlabelled int
}

// Match scores hits against the labels: a label is matched when a hit in
// its file falls within its lines.
func Match(rows []Row, hits []Hit) Score {
	byFile := map[string][]int{}
	for _, h := range hits {
		byFile[h.File] = append(byFile[h.File], h.Line)
	}
	labelled := map[Hit]bool{}
	files := map[string]bool{} // hits in other files belong to other rows
	s := Score{ByCategory: map[string]*Counts{}}
	for _, r := range rows {
		files[r.File] = true
		for n := r.LineStart; n <= r.LineEnd; n++ {
			labelled[Hit{r.File, n}] = true
		}
		matched := false
		for _, l := range byFile[r.File] {
			if l >= r.LineStart && l <= r.LineEnd {
				matched = true
				break
			}
		}
		cat := primaryCategory(r.Category)
		c := s.ByCategory[cat]
		if c == nil {
			c = &Counts{}
			s.ByCategory[cat] = c
		}
		for _, cc := range []*Counts{&s.Overall, c} {
			switch {
			case matched && r.Positive():
				cc.TP++
			case matched:
				cc.FP++
			case r.Positive():
				cc.FN++
			}
		}
	}
	for _, h := range hits {
		if files[h.File] && !labelled[h] {
			s.Unlabelled++
		}
	}
	return s
}

// primaryCategory is the first of CredData's rule names for a row.
func primaryCategory(c string) string {
	first, _, _ := strings.Cut(c, ":")
	return first
}

// Categories returns the categories in descending order of size.
func (s Score) Categories() []string {
	var cats []string
	for c := range s.ByCategory {
		cats = append(cats, c)
	}
	sort.Slice(cats, func(i, j int) bool {
		a, b := s.ByCategory[cats[i]], s.ByCategory[cats[j]]
		if na, nb := a.TP+a.FN+a.FP, b.TP+b.FN+b.FP; na != nb {
			return na > nb
		}
		return cats[i] < cats[j]
	})
	return cats
}
