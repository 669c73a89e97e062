package audit

import (
	"reflect"
	"testing"
)

// TestDiff: two runs of an account paired by control: a status that
// changed, one that did not, a control new in the later run, one no
// longer evaluated; a control listed twice counts once.
func TestDiff(t *testing.T) {
	res := func(id string, st Status) Result {
		return Result{ControlID: id, Status: st, Summary: id + " " + st.String()}
	}
	before := AccountReport{Results: []Result{res("C-01", Pass), res("C-02", Fail), res("C-03", Unknown), res("C-02", Pass)}}
	after := AccountReport{Results: []Result{res("C-02", Pass), res("C-01", Pass), res("C-04", Fail), res("C-04", Pass)}}
	type row struct {
		ID            string
		Before, After string
		Changed       bool
	}
	name := func(r *Result) string {
		if r == nil {
			return ""
		}
		return r.Status.String()
	}
	var got []row
	for _, c := range Diff(before, after) {
		got = append(got, row{c.ControlID, name(c.Before), name(c.After), c.Changed()})
	}
	want := []row{
		{"C-02", "fail", "pass", true},
		{"C-01", "pass", "pass", false},
		{"C-04", "", "fail", true},
		{"C-03", "unknown", "", true},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Diff:\n got %+v\nwant %+v", got, want)
	}
	var first []row
	for _, c := range Diff(AccountReport{}, after) {
		first = append(first, row{c.ControlID, name(c.Before), name(c.After), c.Changed()})
	}
	if len(first) != 3 || !first[0].Changed || !first[1].Changed || !first[2].Changed {
		t.Errorf("against an empty run every control is new: %+v", first)
	}
	if d := Diff(AccountReport{}, AccountReport{}); len(d) != 0 {
		t.Errorf("two empty runs: %+v", d)
	}
}

func TestReportAccount(t *testing.T) {
	rep := &Report{Accounts: []AccountReport{{Account: Account{SID: "ACa"}}, {Account: Account{SID: "ACb"}, Errors: []string{"x"}}}}
	if a, ok := rep.Account("ACb"); !ok || len(a.Errors) != 1 {
		t.Errorf("Account(ACb) = %+v, %v", a, ok)
	}
	if _, ok := rep.Account("ACc"); ok {
		t.Error("Account(ACc) found")
	}
}
