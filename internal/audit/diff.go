package audit

// Change is one control in two runs of an audit of one account: its
// result in the earlier run and in the later one.
type Change struct {
	ControlID string `json:"control"`
	// Before is the result in the earlier run, nil when that run did not
	// evaluate the control; After in the later run, nil when it no
	// longer does.
	Before *Result `json:"before,omitempty"`
	After  *Result `json:"after,omitempty"`
}

// Changed reports whether the control's status differs between the runs,
// counting a control evaluated in one run only as changed.
func (c Change) Changed() bool {
	return c.Before == nil || c.After == nil || c.Before.Status != c.After.Status
}

// Diff pairs the results of two runs of one account by control: every
// control of the later run, in its order, then those only the earlier
// run evaluated, in theirs. Each control appears once (the first result
// of a control counts). Keep the Changed ones for what changed.
func Diff(before, after AccountReport) []Change {
	prior := map[string]*Result{}
	for i := range before.Results {
		if r := &before.Results[i]; prior[r.ControlID] == nil {
			prior[r.ControlID] = r
		}
	}
	var out []Change
	seen := map[string]bool{}
	for i := range after.Results {
		r := &after.Results[i]
		if seen[r.ControlID] {
			continue
		}
		seen[r.ControlID] = true
		out = append(out, Change{ControlID: r.ControlID, Before: prior[r.ControlID], After: r})
	}
	for i := range before.Results {
		r := &before.Results[i]
		if !seen[r.ControlID] {
			seen[r.ControlID] = true
			out = append(out, Change{ControlID: r.ControlID, Before: r})
		}
	}
	return out
}

// Account returns the results of one account of the report.
func (r *Report) Account(sid string) (AccountReport, bool) {
	for _, a := range r.Accounts {
		if a.Account.SID == sid {
			return a, true
		}
	}
	return AccountReport{}, false
}
