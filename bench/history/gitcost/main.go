// Command gitcost measures what git alone costs in a history scan, next to
// the object-read floor the history bench compares vigil with: the floor
// itself piped to a reader that does nothing with the bytes (what moving
// them costs), the walk vigil asks git for ('git log --raw', newest
// first), reading the blobs it needs in pack order ('git cat-file
// --batch'), each to /dev/null and piped, and both in turn as a scan runs
// them. It prints the best of -runs runs of each. With -vigil it also
// runs that vigil binary's history scan and splits its CPU between git's
// processes and vigil's own, as 'vigil scan -v' reports them.
//
//	go run ./bench/history/gitcost -repo /tmp/vigil-bench-history/hist-15000 [-vigil ./vigil]
//
// The git arguments are those source/git passes for a whole-history scan
// (keep them in step); vigil walks from both ends of the history at once,
// which this leaves out.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// logArgs are the arguments of source/git's history walk.
var logArgs = []string{"-c", "core.deltaBaseCacheLimit=8m", "log", "--raw", "-z", "--no-abbrev", "--no-renames",
	"--no-ext-diff", "--no-textconv", "--format=%H", "--topo-order", "--diff-merges=first-parent",
	"--root", "--no-show-signature", "--no-color", "--all", "--"}

// catArgs are the arguments of source/git's blob reader.
var catArgs = []string{"-c", "core.deltaBaseCacheLimit=8m", "cat-file", "--batch"}

// floorArgs read every object, the floor.
var floorArgs = []string{"cat-file", "--batch-all-objects", "--batch", "--unordered"}

func main() {
	repo := flag.String("repo", ".", "repository to measure")
	runs := flag.Int("runs", 3, "runs of each measurement; the one with the least CPU is shown")
	vigil := flag.String("vigil", "", "also split the CPU of this vigil binary's 'scan --git' between git and vigil")
	flag.Parse()
	if err := run(*repo, *runs, *vigil); err != nil {
		fmt.Fprintln(os.Stderr, "gitcost:", err)
		os.Exit(1)
	}
}

// cost is one measurement: wall time, git's CPU time and the reader's.
type cost struct {
	wall, git, reader time.Duration
}

func (c cost) cpu() time.Duration { return c.git + c.reader }

func run(repo string, runs int, vigil string) error {
	log, err := gitOutput(repo, nil, logArgs...)
	if err != nil {
		return err
	}
	listing, err := gitOutput(repo, nil, "cat-file", "--batch-all-objects", "--unordered", "--batch-check=%(objectname)")
	if err != nil {
		return err
	}
	list, n, commits := neededBlobs(log, listing)
	fmt.Printf("%s: %d commits, %d blobs to read, %d CPUs\n", repo, commits, n, runtime.NumCPU())
	fmt.Printf("%-52s %7s %7s %9s %7s\n", "step (best of "+fmt.Sprint(runs)+")", "wall_s", "git_s", "reader_s", "cpu_s")
	floor := best(runs, func() (cost, error) { return measure(repo, nil, false, floorArgs...) })
	steps := []struct {
		name string
		f    func() (cost, error)
	}{
		{"floor: cat-file --batch-all-objects > /dev/null", func() (cost, error) { return floor.c, floor.err }},
		{"the floor, piped to a reader", func() (cost, error) { return measure(repo, nil, true, floorArgs...) }},
		{"git log --raw (the walk) > /dev/null", func() (cost, error) { return measure(repo, nil, false, logArgs...) }},
		{"git log --raw, piped to a reader", func() (cost, error) { return measure(repo, nil, true, logArgs...) }},
		{"cat-file, needed blobs in pack order > /dev/null", func() (cost, error) { return measure(repo, list, false, catArgs...) }},
		{"cat-file, needed blobs, piped to a reader", func() (cost, error) { return measure(repo, list, true, catArgs...) }},
		{"both piped, in turn, as a scan runs them", func() (cost, error) { return inTurn(repo, list) }},
	}
	var last, piped cost
	for i, s := range steps {
		r := floor
		if i > 0 {
			r = best(runs, s.f)
		}
		if r.err != nil {
			return fmt.Errorf("%s: %w", s.name, r.err)
		}
		fmt.Printf("%-52s %7.2f %7.2f %9.2f %7.2f\n", s.name, r.c.wall.Seconds(), r.c.git.Seconds(), r.c.reader.Seconds(), r.c.cpu().Seconds())
		if i == 1 {
			piped = r.c
		}
		last = r.c
	}
	fmt.Printf("through a pipe, the floor's bytes take %.2f× its wall time and %.2f× its CPU\n",
		piped.wall.Seconds()/floor.c.wall.Seconds(), piped.cpu().Seconds()/floor.c.cpu().Seconds())
	cores := float64(runtime.NumCPU())
	least := last.cpu().Seconds() / cores
	fmt.Printf("git with readers that only drain its pipes takes %.2f s of CPU: at least %.2f s of wall time on %d CPUs, %.2f× the floor\n",
		last.cpu().Seconds(), least, runtime.NumCPU(), least/floor.c.wall.Seconds())
	if vigil == "" {
		return nil
	}
	var scan scanCost
	for i := range runs {
		c, err := vigilScan(vigil, repo)
		if err != nil {
			return err
		}
		if i == 0 || c.total < scan.total {
			scan = c
		}
	}
	gitLeast := scan.git.Seconds() / cores
	fmt.Printf("vigil scan --git (best of %d): wall %.2f s, CPU %.2f s = git's processes %.2f s + vigil's own %.2f s\n",
		runs, scan.wall.Seconds(), scan.total.Seconds(), scan.git.Seconds(), (scan.total - scan.git).Seconds())
	fmt.Printf("git's part of that scan alone needs at least %.2f s of wall time on %d CPUs, %.2f× the floor; 1.5× the floor leaves vigil %.2f s of CPU\n",
		gitLeast, runtime.NumCPU(), gitLeast/floor.c.wall.Seconds(), max(0, 1.5*floor.c.wall.Seconds()*cores-scan.git.Seconds()))
	return nil
}

// scanCost is one vigil history scan: its wall time, the CPU time of its
// whole process tree and that of its git processes.
type scanCost struct {
	wall, total, git time.Duration
}

// vigilScan runs 'vigil scan -v --git repo', whose last debug line gives
// the CPU time of vigil itself and of the git processes it waited for.
func vigilScan(vigil, repo string) (scanCost, error) {
	cmd := exec.Command(vigil, "scan", "-v", "--git", repo, "--format", "json")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	var exit *exec.ExitError
	if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 1) { // 1: findings
		return scanCost{}, fmt.Errorf("%s scan --git: %w: %s", vigil, err, stderr.Bytes())
	}
	// The tree's CPU: wait4 counts the children vigil waited for.
	c := scanCost{wall: wall, total: cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()}
	for _, line := range strings.Split(stderr.String(), "\n") {
		if !strings.Contains(line, `msg="cpu time"`) {
			continue
		}
		for _, f := range strings.Fields(line) {
			if v, ok := strings.CutPrefix(f, "child_processes="); ok {
				if c.git, err = time.ParseDuration(v); err != nil {
					return scanCost{}, fmt.Errorf("%s: bad cpu time line %q", vigil, line)
				}
				return c, nil
			}
		}
	}
	return scanCost{}, fmt.Errorf("%s scan -v printed no cpu time line (an older vigil?)", vigil)
}

type result struct {
	c   cost
	err error
}

// best runs f n times and keeps the run that used the least CPU.
func best(n int, f func() (cost, error)) result {
	var r result
	for i := range n {
		c, err := f()
		if err != nil {
			return result{err: err}
		}
		if i == 0 || c.cpu() < r.c.cpu() {
			r.c = c
		}
	}
	return r
}

// measure runs git with stdin (if not nil) and its output to /dev/null,
// or through a 1 MiB pipe to a reader in this process.
func measure(repo string, stdin []byte, piped bool, args ...string) (cost, error) {
	cmd := exec.Command("git", append([]string{"-C", repo}, args...)...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var out io.ReadCloser
	if piped {
		pr, pw, err := os.Pipe()
		if err != nil {
			return cost{}, err
		}
		// As source/git does: through SyscallConn, which keeps the pipe
		// non-blocking (the runtime's poller waits for it).
		if rc, err := pr.SyscallConn(); err == nil {
			rc.Control(func(fd uintptr) { unix.FcntlInt(fd, unix.F_SETPIPE_SZ, 1<<20) })
		}
		cmd.Stdout, out = pw, pr
		defer pw.Close()
	} else {
		null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
		if err != nil {
			return cost{}, err
		}
		defer null.Close()
		cmd.Stdout = null
	}
	self0 := selfCPU()
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return cost{}, err
	}
	var readErr error
	if out != nil {
		cmd.Stdout.(*os.File).Close()
		readErr = drain(out)
	}
	if err := cmd.Wait(); err != nil {
		return cost{}, fmt.Errorf("git %s: %w", strings.Join(args, " "), err)
	}
	c := cost{wall: time.Since(start), git: cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()}
	if out != nil {
		c.reader = selfCPU() - self0
	}
	return c, readErr
}

// inTurn runs the walk, then the blob reads, each piped to a reader.
func inTurn(repo string, list []byte) (cost, error) {
	walk, err := measure(repo, nil, true, logArgs...)
	if err != nil {
		return cost{}, err
	}
	read, err := measure(repo, list, true, catArgs...)
	if err != nil {
		return cost{}, err
	}
	return cost{wall: walk.wall + read.wall, git: walk.git + read.git, reader: walk.reader + read.reader}, nil
}

// drain reads r to its end in 1 MiB reads, as a scanner would, and
// closes it.
func drain(r io.ReadCloser) error {
	defer r.Close()
	buf := make([]byte, 1<<20)
	for {
		_, err := r.Read(buf)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// selfCPU is the CPU time this process has used so far.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func gitOutput(repo string, stdin []byte, args ...string) ([]byte, error) {
	cmd := exec.Command("git", append([]string{"-C", repo}, args...)...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("git %s: %w", args[0], err)
	}
	return out, nil
}

// neededBlobs lists, one per line, the blobs a history scan reads: the
// new side of every change to a regular file, once each, in the order of
// listing (every object's id, in pack order). It also counts the blobs
// and the commits.
func neededBlobs(log, listing []byte) (list []byte, blobs, commits int) {
	seen := map[string]bool{}
	toks := bytes.Split(bytes.TrimSuffix(log, []byte{0}), []byte{0})
	for i := 0; i < len(toks); i++ {
		tok := strings.TrimPrefix(string(toks[i]), "\n")
		if !strings.HasPrefix(tok, ":") {
			commits++
			continue
		}
		i++ // the path after the change
		f := strings.Fields(tok[1:])
		if len(f) != 5 || (f[1] != "100644" && f[1] != "100755") || f[4] == "D" || strings.Trim(f[3], "0") == "" || seen[f[3]] {
			continue
		}
		seen[f[3]] = true
	}
	var out bytes.Buffer
	for _, id := range strings.Fields(string(listing)) {
		if seen[id] {
			out.WriteString(id + "\n")
		}
	}
	return out.Bytes(), len(seen), commits
}
