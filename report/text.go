package report

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/internal/escape"
)

// TextOptions tune the text report.
type TextOptions struct {
	// Color uses ANSI colours; set it only when writing to a terminal.
	Color bool
}

type palette struct{ bold, red, yellow, dim, green, reset string }

func newPalette(on bool) palette {
	if !on {
		return palette{}
	}
	return palette{"\x1b[1m", "\x1b[31m", "\x1b[33m", "\x1b[2m", "\x1b[32m", "\x1b[0m"}
}

// Text writes one block per finding: location, rule, confidence, the
// redacted secret and its parts, what verification said, and a hint. Text
// that vigil did not write (paths, commit authors, image history, facts
// from a provider) is redacted and escaped: it cannot move the cursor,
// erase a line or forge one.
func Text(w io.Writer, r *Report, opts TextOptions) error {
	p := newPalette(opts.Color)
	var b strings.Builder
	for _, f := range r.view().findings {
		conf := f.Confidence.String()
		switch f.Confidence {
		case vigil.High:
			conf = p.red + conf + p.reset
		case vigil.Medium:
			conf = p.yellow + conf + p.reset
		default:
			conf = p.dim + conf + p.reset
		}
		fmt.Fprintf(&b, "%s%s%s: %s [%s] %s\n", p.bold, Location(f.Origin), p.reset, f.RuleID, conf, f.Description)
		fmt.Fprintf(&b, "    secret: %s", secretText(f.Secret, r.ShowSecrets))
		for _, part := range f.Parts {
			fmt.Fprintf(&b, "  %s: %s", part.Name, secretText(part.Value, r.ShowSecrets))
		}
		b.WriteByte('\n')
		for _, part := range f.Parts {
			if o, ok := f.PartOrigin(part); ok {
				fmt.Fprintf(&b, "    %s at %s%s\n", part.Name, Location(o), layerNote(part.Layer, f.Origin.Layer))
			}
		}
		if c := f.Origin.Commit; c != nil {
			fmt.Fprintf(&b, "    commit: %s %s <%s> %s\n", escape.Line(c.SHA), escape.Line(c.Author), escape.Line(c.Email), c.Date.Format("2006-01-02"))
		}
		if t := f.Origin.Tag; t != nil {
			fmt.Fprintf(&b, "    tag: %s %s %s <%s> %s\n", escape.Name(t.Name, ""), escape.Line(t.SHA), escape.Line(t.Tagger), escape.Line(t.Email), t.Date.Format("2006-01-02"))
		}
		if l := f.Origin.Layer; l != nil {
			if l.Index < 0 {
				fmt.Fprintf(&b, "    image config %s", escape.Line(l.Digest))
				if l.CreatedBy != "" {
					fmt.Fprintf(&b, ", set by: %s", escape.Line(l.CreatedBy))
				}
				b.WriteByte('\n')
			} else {
				fmt.Fprintf(&b, "    layer: %d %s %s\n", l.Index, escape.Line(l.Digest), escape.Line(l.CreatedBy))
			}
		}
		switch {
		case f.Present == nil:
		case *f.Present && f.Origin.Commit != nil:
			b.WriteString("    still present at the tip of a scanned ref\n")
		case *f.Present:
			b.WriteString("    still present\n")
		case f.Origin.Layer != nil:
			b.WriteString("    deleted or replaced by a later layer, but still in the image\n")
		default:
			b.WriteString("    removed from the tips of the scanned refs, but still in history\n")
		}
		if f.Occurrences > 1 {
			fmt.Fprintf(&b, "    found in %d places\n", f.Occurrences)
		}
		if len(f.Details) > 0 {
			fmt.Fprintf(&b, "    %s\n", kv(f.Details))
		}
		if f.Verdict.Status != vigil.NotVerified || f.Verdict.Reason != "" {
			fmt.Fprintf(&b, "    verified: %s", verdictText(f.Verdict, p))
			if f.Verdict.Reason != "" {
				fmt.Fprintf(&b, " (%s)", escape.Line(f.Verdict.Reason))
			}
			if len(f.Verdict.Facts) > 0 {
				fmt.Fprintf(&b, " — %s", kv(f.Verdict.Facts))
			}
			b.WriteByte('\n')
		}
		if f.Hint != "" {
			fmt.Fprintf(&b, "    %shint: %s%s\n", p.dim, f.Hint, p.reset)
		}
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Location renders where something was found as text output shows it:
// path:line:column, with each name escaped (see escape.Name), and each
// archive member after a "!" — a name holding "!" is quoted, so that it
// cannot be read as a nested member.
func Location(o vigil.Origin) string {
	var b strings.Builder
	b.WriteString(escape.Name(o.File(), "!"))
	for _, m := range o.Members {
		b.WriteString("!" + escape.Name(m, "!"))
	}
	if o.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", o.Line, o.Column)
	}
	return b.String()
}

// layerNote names the image history step that set a part, when it is not
// the one that set its secret.
func layerNote(part, secret *vigil.Layer) string {
	if part == nil || secret != nil && *part == *secret {
		return ""
	}
	if part.Index >= 0 {
		return fmt.Sprintf(" (layer %d)", part.Index)
	}
	if part.CreatedBy == "" {
		return ""
	}
	return ", set by: " + escape.Line(part.CreatedBy)
}

// SkipText renders a skipped item as text output shows it: its escaped
// path, the reason, and the error's escaped text.
func SkipText(sk vigil.Skip) string {
	s := Location(vigil.Origin{Path: sk.Origin.Path, Members: sk.Origin.Members}) + ": " + string(sk.Reason)
	if sk.Err != nil {
		s += ": " + escape.Line(sk.Err.Error())
	}
	return s
}

func verdictText(v vigil.Verdict, p palette) string {
	switch v.Status {
	case vigil.Valid:
		return p.red + p.bold + "LIVE" + p.reset
	case vigil.Invalid:
		return p.green + "invalid" + p.reset
	}
	if v.Status == vigil.NotVerified {
		return p.dim + "not verifiable" + p.reset
	}
	return p.yellow + v.Status.String() + p.reset
}

func kv(m map[string]string) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, k+"="+escape.Line(m[k]))
	}
	return strings.Join(parts, " ")
}

// Summary writes the one-paragraph account of what was scanned, what was
// found and what was skipped. Skips that make the scan incomplete are
// listed one per line.
func Summary(w io.Writer, r *Report) {
	st := r.Stats
	counts := map[vigil.Confidence]int{}
	for _, f := range r.Findings {
		counts[f.Confidence]++
	}
	var by []string
	for _, c := range []vigil.Confidence{vigil.High, vigil.Medium, vigil.Low} {
		if counts[c] > 0 {
			by = append(by, fmt.Sprintf("%d %s", counts[c], c))
		}
	}
	found := fmt.Sprintf("%d findings", len(r.Findings))
	if len(r.Findings) == 1 {
		found = "1 finding"
	}
	verdicts := map[vigil.Status]int{}
	for _, f := range r.Findings {
		verdicts[f.Verdict.Status]++
	}
	if n := verdicts[vigil.Valid]; n > 0 {
		by = append([]string{fmt.Sprintf("%d LIVE", n)}, by...)
	}
	if len(by) > 0 {
		found += " (" + strings.Join(by, ", ") + ")"
	}
	if len(r.Findings) == 0 && st.Items > 0 && len(st.Incomplete()) == 0 && !r.Interrupted {
		found = "clean: " + found
	}
	fmt.Fprintf(w, "vigil: %s in %d items, %s, %s\n", found, st.Items, humanBytes(st.Bytes), st.Duration.Round(1e6))
	VerdictSummary(w, r)
	if line := r.suppressedText(); line != "" {
		fmt.Fprintf(w, "vigil: %s\n", line)
	}
	if r.Below > 0 {
		fmt.Fprintf(w, "vigil: %s below the confidence floor, not reported (--confidence low shows them)\n", plural(r.Below, "more candidate"))
	}
	counts2 := st.SkipCounts()
	var skipped []string
	for _, reason := range slices.Sorted(maps.Keys(counts2)) {
		if !reason.Incomplete() {
			skipped = append(skipped, fmt.Sprintf("%d %s", counts2[reason], reason))
		}
	}
	if len(skipped) > 0 {
		fmt.Fprintf(w, "vigil: skipped %s\n", strings.Join(skipped, ", "))
	}
	v := r.view()
	if len(v.notRead) > 0 {
		fmt.Fprintf(w, "vigil: not read, by design (%d):\n", len(v.notRead))
		listSkips(w, v.notRead)
	}
	if r.Interrupted {
		fmt.Fprintln(w, "vigil: INTERRUPTED: the scan was stopped; the report holds only what it found before")
	}
	if len(v.incomplete) > 0 {
		fmt.Fprintf(w, "vigil: INCOMPLETE: %d items could not be scanned:\n", len(v.incomplete))
		listSkips(w, v.incomplete)
	}
}

// listSkips writes one skip a line, the first 50.
func listSkips(w io.Writer, skips []vigil.Skip) {
	for i, sk := range skips {
		if i == 50 {
			fmt.Fprintf(w, "  … and %d more (see --format json)\n", len(skips)-50)
			break
		}
		fmt.Fprintf(w, "  %s\n", SkipText(sk))
	}
}

// VerdictSummary writes what verification concluded, when it ran, and
// what --only-verified left out.
func VerdictSummary(w io.Writer, r *Report) {
	verdicts := map[vigil.Status]int{}
	for _, f := range r.Findings {
		verdicts[f.Verdict.Status]++
	}
	if verdicts[vigil.Valid]+verdicts[vigil.Invalid]+verdicts[vigil.Unknown] > 0 {
		fmt.Fprintf(w, "vigil: verified: %d live, %d invalid, %d unknown, %d not verifiable\n",
			verdicts[vigil.Valid], verdicts[vigil.Invalid], verdicts[vigil.Unknown], verdicts[vigil.NotVerified])
	}
	if r.NotLive > 0 {
		fmt.Fprintf(w, "vigil: %d findings not shown: not verified live (--only-verified)", r.NotLive)
		if r.NotLiveUnknown > 0 {
			fmt.Fprintf(w, "; %d of them could not be verified (unknown)", r.NotLiveUnknown)
		}
		fmt.Fprintln(w)
	}
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
