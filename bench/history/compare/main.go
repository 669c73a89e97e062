// Command compare sets what vigil found in a repository's history beside
// what gitleaks found there: which of gitleaks' secrets vigil finds (at
// its default confidence floor and at the lowest), which it does not (by
// gitleaks rule, with a location), and, for a generated history, how many
// of the planted credentials each tool found.
//
//	compare -vigil all.json -vigil-default default.json -gitleaks gl.json [-truth hist.truth.json]
//
// Both vigil reports must be written with --show-secrets.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
)

func main() {
	all := flag.String("vigil", "", "vigil JSON report at --confidence low, with --show-secrets")
	def := flag.String("vigil-default", "", "vigil JSON report at the default floor, with --show-secrets")
	gl := flag.String("gitleaks", "", "gitleaks JSON report")
	truth := flag.String("truth", "", "planted credentials (genrepo's truth file)")
	flag.Parse()
	if err := run(*all, *def, *gl, *truth); err != nil {
		fmt.Fprintln(os.Stderr, "compare:", err)
		os.Exit(1)
	}
}

type vigilReport struct {
	Findings []struct {
		Rule     string            `json:"rule"`
		Secret   string            `json:"secret"`
		Redacted bool              `json:"redacted"`
		Parts    map[string]string `json:"parts"`
		Location struct {
			Path string `json:"path"`
			Line int    `json:"line"`
		} `json:"location"`
	} `json:"findings"`
}

type gitleaksFinding struct {
	RuleID    string
	Secret    string
	File      string
	StartLine int
	Commit    string
}

// values returns every secret value a vigil report holds (secrets and
// parts), and the rule that found each.
func values(path string) (map[string]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r vigilReport
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	out := map[string]string{}
	for _, f := range r.Findings {
		if f.Redacted {
			return nil, fmt.Errorf("%s: written without --show-secrets", path)
		}
		out[f.Secret] = f.Rule
		for _, v := range f.Parts {
			if _, ok := out[v]; !ok {
				out[v] = f.Rule + " (part)"
			}
		}
	}
	return out, nil
}

// has reports whether a value is among vals, exactly or as a substring
// of one (or holding one): tools cut quotes and prefixes differently.
func has(vals map[string]string, v string) bool {
	if _, ok := vals[v]; ok {
		return true
	}
	if len(v) < 8 {
		return false
	}
	for w := range vals {
		if len(w) >= 8 && (strings.Contains(w, v) || strings.Contains(v, w)) {
			return true
		}
	}
	return false
}

func redact(s string) string {
	if len(s) <= 4 {
		return "****"
	}
	return s[:4] + "****"
}

func run(allPath, defPath, glPath, truthPath string) error {
	all, err := values(allPath)
	if err != nil {
		return err
	}
	def, err := values(defPath)
	if err != nil {
		return err
	}
	data, err := os.ReadFile(glPath)
	if err != nil {
		return err
	}
	var gl []gitleaksFinding
	if err := json.Unmarshal(data, &gl); err != nil {
		return fmt.Errorf("%s: %w", glPath, err)
	}
	glVals := map[string]gitleaksFinding{}
	for _, f := range gl {
		if _, ok := glVals[f.Secret]; !ok {
			glVals[f.Secret] = f
		}
	}
	missedDefault := map[string][]string{}
	foundDefault, foundAll := 0, 0
	for v, f := range glVals {
		inAll := has(all, v)
		if inAll {
			foundAll++
		}
		if has(def, v) {
			foundDefault++
			continue
		}
		where := fmt.Sprintf("%s:%d @%.8s %s", f.File, f.StartLine, f.Commit, redact(v))
		if inAll {
			where += " (found below the default floor)"
		}
		missedDefault[f.RuleID] = append(missedDefault[f.RuleID], where)
	}
	fmt.Printf("gitleaks: %d findings, %d distinct secrets; vigil finds %d of them at its default floor, %d at --confidence low\n",
		len(gl), len(glVals), foundDefault, foundAll)
	for _, rule := range slices.Sorted(maps.Keys(missedDefault)) {
		locs := missedDefault[rule]
		slices.Sort(locs)
		fmt.Printf("  not found by vigil (default floor), gitleaks rule %s: %d\n", rule, len(locs))
		for i, l := range locs {
			if i == 5 {
				fmt.Printf("    … %d more\n", len(locs)-5)
				break
			}
			fmt.Printf("    %s\n", l)
		}
	}
	onlyVigil := map[string]int{}
	glSet := toSet(glVals)
	for v, rule := range def {
		if !has(glSet, v) {
			onlyVigil[rule]++
		}
	}
	var parts []string
	for _, r := range slices.Sorted(maps.Keys(onlyVigil)) {
		parts = append(parts, fmt.Sprintf("%s %d", r, onlyVigil[r]))
	}
	fmt.Printf("vigil (default floor): %d distinct values; not in gitleaks' findings: %s\n", len(def), strings.Join(parts, ", "))
	if truthPath != "" {
		return planted(truthPath, def, glVals)
	}
	return nil
}

func toSet(m map[string]gitleaksFinding) map[string]string {
	out := map[string]string{}
	for k, f := range m {
		out[k] = f.RuleID
	}
	return out
}

// planted prints, per kind, how many planted credentials each tool found.
func planted(path string, def map[string]string, gl map[string]gitleaksFinding) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var t struct {
		Credentials []struct {
			Kind   string   `json:"kind"`
			Values []string `json:"values"`
		} `json:"credentials"`
	}
	if err := json.Unmarshal(data, &t); err != nil {
		return err
	}
	type count struct{ n, vigil, gitleaks int }
	kinds := map[string]*count{}
	glSet := toSet(gl)
	for _, c := range t.Credentials {
		k := kinds[c.Kind]
		if k == nil {
			k = &count{}
			kinds[c.Kind] = k
		}
		k.n++
		v, g := false, false
		for _, val := range c.Values {
			v = v || has(def, val)
			g = g || has(glSet, val)
		}
		if v {
			k.vigil++
		}
		if g {
			k.gitleaks++
		}
	}
	fmt.Printf("planted credentials found (any part of the credential):\n")
	tot := count{}
	for _, name := range slices.Sorted(maps.Keys(kinds)) {
		k := kinds[name]
		fmt.Printf("  %-18s %3d planted  vigil %3d  gitleaks %3d\n", name, k.n, k.vigil, k.gitleaks)
		tot.n, tot.vigil, tot.gitleaks = tot.n+k.n, tot.vigil+k.vigil, tot.gitleaks+k.gitleaks
	}
	fmt.Printf("  %-18s %3d planted  vigil %3d  gitleaks %3d\n", "all", tot.n, tot.vigil, tot.gitleaks)
	return nil
}
