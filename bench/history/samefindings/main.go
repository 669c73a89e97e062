// Command samefindings checks that two vigil JSON reports of one history,
// one read through git cat-file (the reference) and one from the packs
// in-process, hold the same findings with the same provenance: for each
// credential (rule and fingerprint), the introducing commit, author, path,
// line, column, still-present and number of places. It prints every
// difference and exits 1 if there is one.
//
//	samefindings -want catfile.json -got packs.json
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"slices"
)

type report struct {
	Findings []struct {
		Rule        string `json:"rule"`
		Fingerprint string `json:"fingerprint"`
		Confidence  string `json:"confidence"`
		Present     *bool  `json:"present"`
		Occurrences int    `json:"occurrences"`
		Location    struct {
			Path   string `json:"path"`
			Line   int    `json:"line"`
			Column int    `json:"column"`
			Commit *struct {
				SHA    string `json:"sha"`
				Author string `json:"author"`
				Email  string `json:"email"`
			} `json:"commit"`
		} `json:"location"`
	} `json:"findings"`
}

func main() {
	want := flag.String("want", "", "report of the reference reader (--git-reader=cat-file)")
	got := flag.String("got", "", "report of the in-process reader")
	flag.Parse()
	w, err := load(*want)
	if err == nil {
		var g map[string]string
		if g, err = load(*got); err == nil {
			os.Exit(compare(w, g))
		}
	}
	fmt.Fprintln(os.Stderr, "samefindings:", err)
	os.Exit(2)
}

// load returns each finding's provenance by rule and fingerprint.
func load(path string) (map[string]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r report
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	out := map[string]string{}
	for _, f := range r.Findings {
		l := f.Location
		commit := "-"
		if l.Commit != nil {
			commit = l.Commit.SHA + " " + l.Commit.Author + " <" + l.Commit.Email + ">"
		}
		present := "?"
		if f.Present != nil {
			present = fmt.Sprint(*f.Present)
		}
		out[f.Rule+" "+f.Fingerprint] = fmt.Sprintf("%s %s:%d:%d present=%s places=%d %s", commit, l.Path, l.Line, l.Column, present, max(f.Occurrences, 1), f.Confidence)
	}
	return out, nil
}

func compare(want, got map[string]string) int {
	var keys []string
	for k := range want {
		keys = append(keys, k)
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	diff := 0
	for _, k := range keys {
		if w, g := want[k], got[k]; w != g {
			diff++
			fmt.Printf("%s\n  cat-file:  %s\n  in-process: %s\n", k, w, g)
		}
	}
	fmt.Printf("%d findings through cat-file, %d in-process, %d differ\n", len(want), len(got), diff)
	if diff > 0 {
		return 1
	}
	return 0
}
