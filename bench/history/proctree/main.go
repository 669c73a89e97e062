// Command proctree runs a command and measures it with all its children:
// wall time, CPU time, and the peak memory of the whole process tree,
// sampled from /proc every few milliseconds (the sum over the tree's live
// processes of their resident set, and of their proportional set, which
// counts pages shared between processes — a pack file mapped by several
// git processes — once). GNU time's "maximum resident set size" is the
// largest single process, not the tree, so it undercounts tools that do
// their work in child processes.
//
//	proctree [-interval 10ms] -- git cat-file --batch-all-objects --batch
//
// It prints one line, on stderr or to -o FILE:
// wall_s cpu_s peak_rss_mib peak_pss_mib exit_code.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	interval := flag.Duration("interval", 10*time.Millisecond, "sampling interval")
	each := flag.Bool("each", false, "also print each process's peak proportional set (on stderr)")
	out := flag.String("o", "", "write the result line to `FILE` (default: stderr)")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: proctree [-interval D] -- command [args...]")
		os.Exit(2)
	}
	cmd := exec.Command(flag.Arg(0), flag.Args()[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "proctree:", err)
		os.Exit(2)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var peakRSS, peakPSS int64
	peaks := map[string]int64{}  // "pid command" → peak PSS
	cpus := map[string]float64{} // "pid command" → CPU seconds at the last sample
	tick := time.NewTicker(*interval)
	defer tick.Stop()
	var err error
loop:
	for {
		select {
		case err = <-done:
			break loop
		case <-tick.C:
			rss, pss := treeMemory(cmd.Process.Pid, peaks, cpus)
			peakRSS, peakPSS = max(peakRSS, rss), max(peakPSS, pss)
		}
	}
	wall := time.Since(start)
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		fmt.Fprintln(os.Stderr, "proctree:", err)
		code = -1
	}
	cpu := time.Duration(0)
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	if *each {
		for _, k := range slices.Sorted(maps.Keys(peaks)) {
			fmt.Fprintf(os.Stderr, "proctree: %8.1f MiB %7.2f s CPU  %s\n", float64(peaks[k])/(1<<20), cpus[k], k)
		}
	}
	line := fmt.Sprintf("%.4f %.3f %.1f %.1f %d\n", wall.Seconds(), cpu.Seconds(), float64(peakRSS)/(1<<20), float64(peakPSS)/(1<<20), code)
	if *out == "" {
		fmt.Fprint(os.Stderr, "proctree: "+line)
	} else if err := os.WriteFile(*out, []byte(line), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "proctree:", err)
		os.Exit(2)
	}
}

// treeMemory sums resident and proportional set sizes (bytes) over root
// and its descendants, and keeps each process's peak in peaks.
func treeMemory(root int, peaks map[string]int64, cpus map[string]float64) (rss, pss int64) {
	children := map[int][]int{}
	cpu := map[int]float64{}
	procs, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, p := range procs {
		data, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		// pid (comm) state ppid …; comm may hold spaces and parentheses.
		i := bytes.LastIndexByte(data, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(string(data[i+1:]))
		if len(f) < 2 {
			continue
		}
		pid, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(p, "/proc/"), "/stat"))
		ppid, _ := strconv.Atoi(f[1])
		children[ppid] = append(children[ppid], pid)
		if len(f) > 12 {
			ut, _ := strconv.ParseFloat(f[11], 64)
			st, _ := strconv.ParseFloat(f[12], 64)
			cpu[pid] = (ut + st) / 100 // clock ticks (USER_HZ is 100 on Linux)
		}
	}
	stack := []int{root}
	for len(stack) > 0 {
		pid := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		stack = append(stack, children[pid]...)
		r, p := memoryOf(pid)
		rss += r
		pss += p
		if p > 0 {
			key := fmt.Sprintf("%d %s", pid, command(pid))
			peaks[key] = max(peaks[key], p)
			cpus[key] = cpu[pid]
		}
	}
	return rss, pss
}

// command returns a process's command line, shortened.
func command(pid int) string {
	data, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	s := strings.TrimSpace(strings.ReplaceAll(string(data), "\x00", " "))
	if len(s) > 70 {
		s = s[:70] + "…"
	}
	return s
}

// memoryOf reads a process's Rss and Pss from smaps_rollup (bytes).
func memoryOf(pid int) (rss, pss int64) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/smaps_rollup", pid))
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		kb, _ := strconv.ParseInt(f[1], 10, 64)
		switch f[0] {
		case "Rss:":
			rss = kb << 10
		case "Pss:":
			pss = kb << 10
		}
	}
	return rss, pss
}
