package main

import (
	"bytes"
	"fmt"
	"sync"
	"time"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/internal/suppress"
	"github.com/vigilsec/vigil/report"
)

// liveView shows a scan while it runs, on a terminal only: a progress
// line on stderr (items done out of total, MB/s, elapsed, an estimate of
// what is left, distinct findings so far) and, when the text report goes
// to the terminal, each finding as soon as it is final. Nothing of it
// reaches a file or a pipe, so reports there are unchanged.
type liveView struct {
	a        *app
	src      vigil.Source
	progress *vigil.Progress
	start    time.Time
	// stream prints findings as they come; color and showSecrets style
	// them as the report would.
	stream, color, showSecrets bool

	mu       sync.Mutex
	seen     map[string]bool
	streamed int
	drawn    bool // a progress line is on the screen

	done, finished chan struct{}
}

// progressEvery is how often the progress line is redrawn.
const progressEvery = 250 * time.Millisecond

// newLiveView starts the view of a scan of src, or returns nil when
// neither stderr nor the report is a terminal. stream asks for findings
// to be printed as they come (findings that are final when found: not a
// history scan's, which are final only once attributed).
func newLiveView(a *app, f scanFlags, src vigil.Source, final bool) *liveView {
	progress := a.isTerminal(a.stderr)
	toTerminal := (f.output == "" || f.output == "-") && f.format == "text" && a.isTerminal(a.stdout)
	stream := toTerminal && final && !f.verify.enabled && f.writeBaseline == ""
	if !progress && !stream {
		return nil
	}
	v := &liveView{a: a, src: src, progress: &vigil.Progress{}, start: time.Now(), stream: stream,
		color: f.color == "always" || f.color == "auto" && a.getenv("NO_COLOR") == "", showSecrets: f.showSecrets,
		seen: map[string]bool{}, done: make(chan struct{}), finished: make(chan struct{})}
	if !progress {
		close(v.finished)
		return v
	}
	draw := func() {
		v.mu.Lock()
		defer v.mu.Unlock()
		fmt.Fprintf(v.a.stderr, "\r\x1b[K%s", v.line(time.Since(v.start)))
		v.drawn = true
	}
	draw() // at once: a scan shows what it does from its start
	go func() {
		defer close(v.finished)
		t := time.NewTicker(progressEvery)
		defer t.Stop()
		for {
			select {
			case <-v.done:
				v.mu.Lock()
				v.clear()
				v.mu.Unlock()
				return
			case <-t.C:
				draw()
			}
		}
	}()
	return v
}

// scanProgress is what the scanner counts into, or nil.
func (v *liveView) scanProgress() *vigil.Progress {
	if v == nil {
		return nil
	}
	return v.progress
}

// found counts a finding (once per distinct finding) and, when
// streaming, prints it.
func (v *liveView) found(f *vigil.Finding) {
	if v == nil {
		return
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	k := suppress.Key(f)
	if v.seen[k] {
		return
	}
	v.seen[k] = true
	if !v.stream {
		return
	}
	var b bytes.Buffer
	_ = report.Text(&b, &report.Report{Findings: []vigil.Finding{*f}, ShowSecrets: v.showSecrets}, report.TextOptions{Color: v.color})
	v.clear()
	_, _ = v.a.stdout.Write(b.Bytes())
	v.streamed++
}

// clear removes the progress line (with v.mu held).
func (v *liveView) clear() {
	if v.drawn {
		fmt.Fprint(v.a.stderr, "\r\x1b[K")
		v.drawn = false
	}
}

// stop ends the view.
func (v *liveView) stop() {
	if v == nil {
		return
	}
	select {
	case <-v.done:
	default:
		close(v.done)
	}
	<-v.finished
}

// shown reports whether the findings were printed as they came, so the
// report need not print them again.
func (v *liveView) shown() bool { return v != nil && v.stream }

// line renders the progress line.
func (v *liveView) line(elapsed time.Duration) string {
	var plan vigil.Plan
	if p, ok := v.src.(vigil.Planner); ok {
		plan = p.Plan()
	}
	return progressLine(plan, v.progress.Bytes(), elapsed, len(v.seen))
}

// progressLine is "scanning: 120/4,000 files, 3.1 MiB at 12.0 MiB/s,
// 0:02 elapsed, ~1:05 left, 2 findings".
func progressLine(plan vigil.Plan, bytesRead int64, elapsed time.Duration, findings int) string {
	var b bytes.Buffer
	b.WriteString("scanning: ")
	if plan.Total > 0 {
		more := "+"
		if plan.Final {
			more = ""
		}
		fmt.Fprintf(&b, "%s/%s%s %s, ", thousands(plan.Done), thousands(plan.Total), more, plan.Unit)
	}
	secs := elapsed.Seconds()
	rate := 0.0
	if secs > 0 {
		rate = float64(bytesRead) / secs / (1 << 20)
	}
	fmt.Fprintf(&b, "%.1f MiB at %.1f MiB/s, %s elapsed", float64(bytesRead)/(1<<20), rate, clock(elapsed))
	if plan.Final && plan.Done > 0 && plan.Total > plan.Done {
		left := time.Duration(float64(elapsed) * float64(plan.Total-plan.Done) / float64(plan.Done))
		fmt.Fprintf(&b, ", ~%s left", clock(left))
	}
	if findings == 1 {
		b.WriteString(", 1 finding")
	} else {
		fmt.Fprintf(&b, ", %d findings", findings)
	}
	return b.String()
}

// clock renders a duration as m:ss (or h:mm:ss).
func clock(d time.Duration) string {
	s := int(d.Round(time.Second).Seconds())
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// thousands renders n with thousands separators.
func thousands(n int64) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
