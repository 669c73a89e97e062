// Command scanprof runs a full-history scan the way 'vigil scan --git'
// does (history source, default rules, parallel matching, attribution)
// under the Go profilers, and prints what each phase took.
//
//	go run ./bench/history/scanprof -cpuprofile cpu.out -repo /tmp/hist
//	go tool pprof -top cpu.out
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"time"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/rules"
	gitsrc "github.com/vigilsec/vigil/source/git"
)

func main() {
	repoDir := flag.String("repo", ".", "repository to scan")
	cpu := flag.String("cpuprofile", "", "write a CPU profile to `FILE`")
	mem := flag.String("memprofile", "", "write a heap profile (after the scan) to `FILE`")
	workers := flag.Int("workers", 0, "matching goroutines (0: GOMAXPROCS)")
	nomatch := flag.Bool("nomatch", false, "read blobs but match nothing (measures the source alone)")
	flag.Parse()
	if err := run(*repoDir, *cpu, *mem, *workers, *nomatch); err != nil {
		fmt.Fprintln(os.Stderr, "scanprof:", err)
		os.Exit(1)
	}
}

func run(dir, cpu, mem string, workers int, nomatch bool) error {
	ctx := context.Background()
	if cpu != "" {
		f, err := os.Create(cpu)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	start := time.Now()
	set, err := rules.Default()
	if err != nil {
		return err
	}
	m := rules.NewMatcher(set, rules.Options{})
	repo, err := gitsrc.Open(ctx, dir)
	if err != nil {
		return err
	}
	h := gitsrc.NewHistory(repo, gitsrc.Options{})
	sc := &vigil.Scanner{Matcher: m, Workers: workers}
	if nomatch {
		sc.Matcher = nothing{}
	}
	var fs []vigil.Finding
	setup := time.Since(start)
	stats, err := sc.Scan(ctx, h, func(f vigil.Finding) { fs = append(fs, f) })
	if err != nil {
		return err
	}
	scanned := time.Since(start)
	folded, err := h.Attribute(ctx, fs)
	if err != nil {
		return err
	}
	total := time.Since(start)
	fmt.Printf("setup %v, scan %v (%d blobs, %.1f MiB, %.0f MiB/s), attribute %v: %d raw findings → %d\n",
		setup.Round(time.Millisecond), (scanned - setup).Round(time.Millisecond), stats.Items,
		float64(stats.Bytes)/(1<<20), float64(stats.Bytes)/(1<<20)/(scanned-setup).Seconds(),
		(total - scanned).Round(time.Millisecond), len(fs), len(folded))
	if mem != "" {
		runtime.GC()
		f, err := os.Create(mem)
		if err != nil {
			return err
		}
		defer f.Close()
		return pprof.WriteHeapProfile(f)
	}
	return nil
}

// nothing is a Matcher that finds nothing.
type nothing struct{}

func (nothing) Match(vigil.Chunk, func(vigil.Finding)) {}
