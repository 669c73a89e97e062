package main

import (
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// measurement is one tool's run over one tree.
type measurement struct {
	tool   string
	wall   time.Duration
	maxRSS int64 // bytes
	hits   map[string]bool
	unread int // items the tool said it could not read
	err    error
}

func buildVigil(work string) (string, error) {
	bin := filepath.Join(work, "vigil")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/vigil")
	cmd.Stderr = os.Stderr
	return bin, cmd.Run()
}

// timed runs a command and measures its wall time and peak RSS.
func timed(name string, args ...string) (time.Duration, int64, error) {
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = nil, nil
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	var rss int64
	if cmd.ProcessState != nil {
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			rss = ru.Maxrss * 1024
		}
	}
	return wall, rss, err
}

// treeBytes is the size of the regular files under dir. It reads every
// file as it goes, so that the tools that follow all find the tree in the
// page cache and the first one timed is not the only one to pay for the
// disk.
func treeBytes(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return nil
		}
		if f, err := os.Open(p); err == nil {
			c, _ := io.Copy(io.Discard, f)
			n += c
			f.Close()
		}
		return nil
	})
	return n
}

// runVigil scans dir with vigil's defaults, plus extra flags; name labels
// the row.
func runVigil(name, bin, dir, out string, extra ...string) measurement {
	args := append([]string{"scan", dir, "--format", "json", "--output", out, "--no-config"}, extra...)
	wall, rss, err := timed(bin, args...)
	m := measurement{tool: name, wall: wall, maxRSS: rss}
	if ee, ok := err.(*exec.ExitError); ok && (ee.ExitCode() == 1 || ee.ExitCode() == 3) {
		err = nil // findings; or items it could not read (listed in the report), such as deliberately broken test archives
	}
	m.err = err
	var rep struct {
		Summary struct {
			Incomplete []struct{} `json:"incomplete"`
		} `json:"summary"`
		Findings []struct {
			Location struct {
				Path string `json:"path"`
				Line int    `json:"line"`
			} `json:"location"`
		} `json:"findings"`
	}
	if data, err := os.ReadFile(out); err == nil && json.Unmarshal(data, &rep) == nil {
		m.hits = map[string]bool{}
		for _, f := range rep.Findings {
			m.hits[hitKey(dir, f.Location.Path, f.Location.Line)] = true
		}
		m.unread = len(rep.Summary.Incomplete)
	}
	return m
}

func runGitleaks(bin, dir, out string) measurement {
	wall, rss, err := timed(bin, "dir", dir, "--no-banner", "--report-format", "json", "--report-path", out, "--exit-code", "0", "--log-level", "error")
	m := measurement{tool: "gitleaks", wall: wall, maxRSS: rss, err: err}
	var leaks []struct {
		File      string `json:"File"`
		StartLine int    `json:"StartLine"`
	}
	if data, err := os.ReadFile(out); err == nil && json.Unmarshal(data, &leaks) == nil {
		m.hits = map[string]bool{}
		for _, l := range leaks {
			m.hits[hitKey(dir, l.File, l.StartLine)] = true
		}
	}
	return m
}

func hitKey(dir, path string, line int) string {
	path = filepath.ToSlash(path)
	path = strings.TrimPrefix(path, filepath.ToSlash(dir)+"/")
	return fmt.Sprintf("%s:%d", path, line)
}

// benchTree runs both tools over dir and prints the comparison.
func benchTree(title, dir string, m *manifest, vigilBin, gitleaks, work string) error {
	bytes := treeBytes(dir)
	fmt.Printf("== %s: %.1f MB\n", title, float64(bytes)/1e6)
	var runs []measurement
	runs = append(runs, runVigil("vigil", vigilBin, dir, filepath.Join(work, "vigil.json")))
	if gitleaks != "" {
		runs = append(runs, runGitleaks(gitleaks, dir, filepath.Join(work, "gitleaks.json")))
	}
	// gitleaks does not open archives by default; this row does the same
	// work as gitleaks.
	runs = append(runs, runVigil("vigil-noarc", vigilBin, dir, filepath.Join(work, "vigil-noarc.json"), "--archive-depth", "0"))
	fmt.Printf("%-11s %9s %9s %10s %8s\n", "tool", "wall", "MB/s", "peak RSS", "findings")
	for _, r := range runs {
		if r.err != nil {
			return fmt.Errorf("%s: %w", r.tool, r.err)
		}
		fmt.Printf("%-11s %8.2fs %9.1f %7.1f MB %8d", r.tool, r.wall.Seconds(), float64(bytes)/1e6/r.wall.Seconds(), float64(r.maxRSS)/1e6, len(r.hits))
		if r.unread > 0 {
			fmt.Printf("  (%d items it could not read, listed in its report)", r.unread)
		}
		fmt.Println()
	}
	if len(runs) == 3 {
		gl := runs[1]
		for _, v := range []measurement{runs[0], runs[2]} {
			fmt.Printf("%s is %.1f× gitleaks' throughput, with %.2f× its peak memory\n",
				v.tool, gl.wall.Seconds()/v.wall.Seconds(), float64(v.maxRSS)/float64(gl.maxRSS))
		}
	}
	if m != nil {
		for _, r := range runs[:min(2, len(runs))] {
			plantedScore(r, m)
		}
	}
	fmt.Println()
	return nil
}

// plantedScore prints how many planted secrets a tool found, and how many
// look-alikes it reported, overall and for Twilio.
func plantedScore(r measurement, m *manifest) {
	var found, secrets, wrong, lookalikes, twFound, twSecrets, twWrong int
	var missed []string
	for _, p := range m.Plants {
		hit := r.hits[fmt.Sprintf("%s:%d", p.File, p.Line)]
		switch {
		case p.Secret:
			secrets++
			if hit {
				found++
			} else if p.Twilio {
				missed = append(missed, describe(p))
			}
			if p.Twilio {
				twSecrets++
				if hit {
					twFound++
				}
			}
		default:
			lookalikes++
			if hit {
				wrong++
				if p.Twilio {
					twWrong++
				}
			}
		}
	}
	fmt.Printf("%-9s planted secrets found %d/%d (Twilio %d/%d); look-alikes reported %d/%d (Twilio %d)\n",
		r.tool, found, secrets, twFound, twSecrets, wrong, lookalikes, twWrong)
	for i, s := range missed {
		if i == 5 {
			fmt.Printf("          … and %d more missed Twilio plants\n", len(missed)-5)
			break
		}
		fmt.Printf("          missed: %s\n", s)
	}
}
