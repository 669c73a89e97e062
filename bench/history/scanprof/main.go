// Command scanprof runs a full-history scan the way 'vigil scan --git'
// does (history source, default rules, parallel matching, attribution)
// under the Go profilers, and prints what each phase took. With -compare
// it scans twice, changed regions only (the default) and whole blobs, and
// lists every credential the two do not agree on (found, introducing
// commit and path, still present).
//
//	go run ./bench/history/scanprof -repo /tmp/hist -cpuprofile cpu.out
//	go tool pprof -top cpu.out
//	go run ./bench/history/scanprof -repo /tmp/hist -compare
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"slices"
	"time"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/internal/gcfloor"
	"github.com/vigilsec/vigil/rules"
	gitsrc "github.com/vigilsec/vigil/source/git"
)

func main() {
	var o opts
	flag.StringVar(&o.repo, "repo", ".", "repository to scan")
	flag.StringVar(&o.cpu, "cpuprofile", "", "write a CPU profile to `FILE`")
	flag.StringVar(&o.trace, "trace", "", "write an execution trace to `FILE` (go tool trace)")
	flag.StringVar(&o.mem, "memprofile", "", "write a heap profile (after the scan) to `FILE`")
	flag.IntVar(&o.workers, "workers", 0, "matching goroutines (0: GOMAXPROCS)")
	flag.BoolVar(&o.nomatch, "nomatch", false, "read blobs but match nothing (measures the source alone)")
	flag.BoolVar(&o.whole, "whole", false, "scan every blob whole, not only what changed")
	compare := flag.Bool("compare", false, "scan changed regions and whole blobs, and list the differences")
	flag.Parse()
	var err error
	if *compare {
		err = compareModes(o)
	} else {
		_, err = scan(o)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "scanprof:", err)
		os.Exit(1)
	}
}

type opts struct {
	repo, cpu, mem string
	trace          string
	workers        int
	nomatch, whole bool
}

// scan runs one history scan and returns its folded findings.
func scan(o opts) ([]vigil.Finding, error) {
	ctx := context.Background()
	for _, p := range []struct {
		file  string
		start func(io.Writer) error
		stop  func()
	}{
		{o.cpu, pprof.StartCPUProfile, pprof.StopCPUProfile},
		{o.trace, trace.Start, trace.Stop},
	} {
		if p.file == "" {
			continue
		}
		f, err := os.Create(p.file)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		if err := p.start(f); err != nil {
			return nil, err
		}
		defer p.stop()
	}
	// The floor vigil scan sets for a history (see vigil.HeapFloorer).
	defer gcfloor.Floor(new(gitsrc.History).HeapFloor())()
	start := time.Now()
	set, err := rules.Default()
	if err != nil {
		return nil, err
	}
	repo, err := gitsrc.Open(ctx, o.repo)
	if err != nil {
		return nil, err
	}
	h := gitsrc.NewHistory(repo, gitsrc.Options{Whole: o.whole})
	sc := &vigil.Scanner{Matcher: rules.NewMatcher(set, rules.Options{}), Workers: o.workers}
	if o.nomatch {
		sc.Matcher = nothing{}
	}
	var fs []vigil.Finding
	setup := time.Since(start)
	stats, err := sc.Scan(ctx, h, func(f vigil.Finding) { fs = append(fs, f) })
	if err != nil {
		return nil, err
	}
	scanned := time.Since(start)
	folded, err := h.Attribute(ctx, fs)
	if err != nil {
		return nil, err
	}
	total := time.Since(start)
	hs := h.Stats()
	fmt.Printf("whole=%v: setup %v, scan %v (%d commits, %d blobs, %.1f MiB of blobs, %.1f MiB matched, %d blobs diffed), attribute %v: %d raw findings → %d\n",
		o.whole, setup.Round(time.Millisecond), (scanned - setup).Round(time.Millisecond), hs.Commits, hs.Blobs,
		float64(hs.BlobBytes)/(1<<20), float64(stats.Bytes)/(1<<20), hs.Diffed,
		(total - scanned).Round(time.Millisecond), len(fs), len(folded))
	if o.mem != "" {
		runtime.GC()
		f, err := os.Create(o.mem)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		return folded, pprof.WriteHeapProfile(f)
	}
	return folded, nil
}

// compareModes scans in both modes and prints where they disagree.
func compareModes(o opts) error {
	o.whole = false
	diffed, err := scan(o)
	if err != nil {
		return err
	}
	o.whole = true
	whole, err := scan(o)
	if err != nil {
		return err
	}
	index := func(fs []vigil.Finding) map[string]vigil.Finding {
		m := map[string]vigil.Finding{}
		for _, f := range fs {
			m[f.Fingerprint()] = f
		}
		return m
	}
	d, w := index(diffed), index(whole)
	var lines []string
	for fp, f := range w {
		g, ok := d[fp]
		switch {
		case !ok:
			lines = append(lines, fmt.Sprintf("only whole:   %s %s %s", f.RuleID, f.Origin, f.Confidence))
		case g.Origin.Commit.SHA != f.Origin.Commit.SHA || g.Origin.Path != f.Origin.Path:
			lines = append(lines, fmt.Sprintf("introduction: %s whole %s, diffed %s", f.RuleID, f.Origin, g.Origin))
		case *g.Present != *f.Present:
			lines = append(lines, fmt.Sprintf("present:      %s %s whole %v, diffed %v", f.RuleID, f.Origin, *f.Present, *g.Present))
		}
	}
	for fp, g := range d {
		if _, ok := w[fp]; !ok {
			lines = append(lines, fmt.Sprintf("only diffed:  %s %s %s", g.RuleID, g.Origin, g.Confidence))
		}
	}
	slices.Sort(lines)
	for _, l := range lines {
		fmt.Println(l)
	}
	fmt.Printf("%d credentials in both modes, %d differences\n", len(w), len(lines))
	return nil
}

// nothing is a Matcher that finds nothing.
type nothing struct{}

func (nothing) Match(vigil.Chunk, func(vigil.Finding)) {}
