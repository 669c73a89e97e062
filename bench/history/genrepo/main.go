// Command genrepo builds a deterministic git history from real files (the
// Go source tree) for benchmarking history scans: tens of thousands of
// commits with realistic edits (lines changed, blocks copied in, lines
// deleted, files added, renamed and deleted), feature branches merged back,
// a few unmerged branches and tags, and planted credentials, some later
// removed. It writes the repository through git fast-import, repacks it as
// a real repository would be, and records the planted credentials in a
// truth file (JSON) beside it.
//
//	go run ./bench/history/genrepo -out /tmp/hist -commits 30000
//
// The same -seed, -commits and Go version give the same history.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

func main() {
	out := flag.String("out", "", "directory to create the repository in (must not exist)")
	commits := flag.Int("commits", 30000, "number of commits on the main line and its branches")
	seed := flag.Uint64("seed", 1, "random seed")
	src := flag.String("src", "", "tree of real files to build the history from (default: the src directory of go env GOROOT)")
	truth := flag.String("truth", "", "write the planted credentials to `FILE` (default: OUT.truth.json)")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "genrepo: -out is required")
		os.Exit(2)
	}
	if *src == "" {
		root, err := exec.Command("go", "env", "GOROOT").Output()
		if err != nil {
			fmt.Fprintf(os.Stderr, "genrepo: go env GOROOT: %v (hint: pass -src)\n", err)
			os.Exit(2)
		}
		*src = filepath.Join(strings.TrimSpace(string(root)), "src")
	}
	if *truth == "" {
		*truth = strings.TrimRight(*out, "/") + ".truth.json"
	}
	if err := run(*out, *src, *truth, *commits, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "genrepo:", err)
		os.Exit(1)
	}
}

func run(out, src, truthPath string, commits int, seed uint64) error {
	if _, err := os.Stat(out); err == nil {
		return fmt.Errorf("%s exists", out)
	}
	corpus, err := loadTree(src)
	if err != nil {
		return err
	}
	if err := git("", "init", "-q", "-b", "main", out); err != nil {
		return err
	}
	cmd := exec.Command("git", "-C", out, "fast-import", "--quiet", "--export-marks="+filepath.Join(out, ".git", "genrepo-marks"))
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	w := bufio.NewWriterSize(stdin, 1<<20)
	h := newHistory(corpus, seed, w)
	h.generate(commits)
	if err := w.Flush(); err != nil {
		return err
	}
	stdin.Close()
	if err := cmd.Wait(); err != nil {
		return fmt.Errorf("fast-import: %w", err)
	}
	marks, err := readMarks(filepath.Join(out, ".git", "genrepo-marks"))
	if err != nil {
		return err
	}
	h.truth.finish(h.branches["main"])
	if err := h.truth.write(truthPath, marks); err != nil {
		return err
	}
	// Pack as a real repository is packed, then check out the work tree.
	for _, args := range [][]string{
		{"repack", "-a", "-d", "-f", "-q", "--depth=50", "--window=10"},
		{"prune-packed"},
		{"checkout", "-q", "-f", "main"},
	} {
		if err := git(out, args...); err != nil {
			return err
		}
	}
	fmt.Fprintf(os.Stderr, "genrepo: %s: %d commits, %d files at HEAD, %d credentials planted (%s)\n",
		out, h.commits, len(h.branches["main"].files), len(h.truth.Credentials), truthPath)
	return nil
}

// loadTree reads every regular file under root, sorted by path.
func loadTree(root string) (*corpus, error) {
	c := &corpus{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		c.paths = append(c.paths, filepath.ToSlash(rel))
		c.data = append(c.data, data)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(c.paths) < 1000 {
		return nil, fmt.Errorf("%s has only %d files; want a large source tree", root, len(c.paths))
	}
	sort.Sort(c)
	return c, nil
}

// corpus is the real files a history is made of.
type corpus struct {
	paths []string
	data  [][]byte
}

func (c *corpus) Len() int           { return len(c.paths) }
func (c *corpus) Less(i, j int) bool { return c.paths[i] < c.paths[j] }
func (c *corpus) Swap(i, j int) {
	c.paths[i], c.paths[j] = c.paths[j], c.paths[i]
	c.data[i], c.data[j] = c.data[j], c.data[i]
}

func git(dir string, args ...string) error {
	if dir != "" {
		args = append([]string{"-C", dir}, args...)
	}
	cmd := exec.Command("git", args...)
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("git %s: %w", strings.Join(args, " "), err)
	}
	return nil
}

func readMarks(path string) (map[int]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	marks := map[int]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var n int
		var sha string
		if _, err := fmt.Sscanf(line, ":%d %s", &n, &sha); err == nil {
			marks[n] = sha
		}
	}
	return marks, nil
}
