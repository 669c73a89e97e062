package exposure

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
)

// JSON writes the report as indented JSON.
func (r *Report) JSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// Text writes the report for a person: the evidence of misuse first,
// then the other credential and login events, then notes and a verdict.
func (r *Report) Text(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Exposure report for %s from %s to %s\n", strings.Join(r.Accounts, ", "), r.Since.Format(time.RFC3339), r.Until.Format(time.RFC3339))
	if r.Credential != "" {
		fmt.Fprintf(&b, "Events by or about %s only.\n", r.Credential)
	}
	known := "none"
	if len(r.KnownIPs) > 0 {
		known = strings.Join(r.KnownIPs, ", ")
	}
	fmt.Fprintf(&b, "Baseline from %s; known addresses: %s\n", r.BaselineFrom.Format(time.RFC3339), known)
	fmt.Fprintf(&b, "%d events checked in the window.\n", r.EventsChecked)
	section := func(title string, misuse bool) {
		first := true
		for _, f := range r.Findings {
			if f.Misuse != misuse {
				continue
			}
			if first {
				fmt.Fprintf(&b, "\n%s:\n", title)
				first = false
			}
			fmt.Fprintf(&b, "  %s  %s  %s  [%s]\n", f.Time.Format(time.RFC3339), f.Ref, f.Detail, strings.Join(f.Kinds, ", "))
			if f.Action != "" {
				fmt.Fprintf(&b, "      -> %s\n", f.Action)
			}
		}
	}
	section("Evidence of misuse", true)
	section("Other credential changes and console logins", false)
	if len(r.Notes) > 0 {
		fmt.Fprintln(&b, "\nNotes:")
		for _, n := range r.Notes {
			fmt.Fprintf(&b, "  - %s\n", n)
		}
	}
	switch {
	case r.Misuse:
		fmt.Fprintln(&b, "\nVerdict: evidence of misuse. Rotate the credential ('vigil twilio rotate') and review the lines above.")
	case r.Incomplete:
		fmt.Fprintln(&b, "\nVerdict: no evidence of misuse in what could be checked, but some checks could not be made (see notes).")
	default:
		fmt.Fprintln(&b, "\nVerdict: no evidence of misuse in the window.")
	}
	_, err := io.WriteString(w, b.String())
	return err
}
