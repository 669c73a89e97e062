package render

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"slices"
	"strings"

	"github.com/vigilsec/vigil/internal/audit"
)

//go:embed report.html.tmpl
var htmlTemplate string

// maxHTMLEvidence bounds the evidence rows shown per result.
const maxHTMLEvidence = 25

// HTML writes the report as one self-contained page: inline CSS, no
// scripts, no external assets, readable on screen and on paper.
func HTML(w io.Writer, r *audit.Report) error {
	t, err := template.New("report").Funcs(template.FuncMap{
		"upper":    strings.ToUpper,
		"date":     func(t interface{ Format(string) string }) string { return t.Format("2006-01-02") },
		"mappings": mappings,
		"attest":   attestationLine,
		"pct": func(n, total int) string {
			if total == 0 {
				return "0"
			}
			return fmt.Sprintf("%.1f", 100*float64(n)/float64(total))
		},
	}).Parse(htmlTemplate)
	if err != nil {
		return fmt.Errorf("html template: %w", err)
	}
	return t.Execute(w, newView(r))
}

// view is the report arranged for the page.
type view struct {
	R          *audit.Report
	Verdict    string
	Tone       string // fail, incomplete, pass
	Totals     []statCount
	Levels     []levelRow
	Frameworks []frameworkView
	Accounts   []accountView
	MaxKeyAge  string
	AttestAge  string
}

type statCount struct {
	Status string
	N      int
}

type levelRow struct {
	Level  string
	Gating bool
	Total  int
	Counts []statCount
}

type frameworkView struct {
	Name string
	Rows []frameworkRow
}

type frameworkRow struct {
	ID       string
	Controls []string
	Counts   []statCount
}

type accountView struct {
	Label    string
	Account  audit.Account
	Errors   []string
	Counts   []statCount
	Results  []resultView
	Skipped  []resultView
	Failures int
}

type resultView struct {
	audit.Result
	Status   string
	Evidence []audit.Evidence
	More     int
	Gates    bool
}

func counts(c audit.Counts, statuses ...audit.Status) []statCount {
	if len(statuses) == 0 {
		statuses = audit.Statuses()
	}
	out := make([]statCount, 0, len(statuses))
	for _, s := range statuses {
		out = append(out, statCount{s.String(), c[s]})
	}
	return out
}

func newView(r *audit.Report) view {
	v := view{R: r, Verdict: verdict(r), Tone: "pass", Totals: counts(r.Totals()),
		MaxKeyAge: audit.FormatAge(timeOf(r.MaxKeyAge)), AttestAge: audit.FormatAge(timeOf(r.AttestMaxAge))}
	switch {
	case r.Failed():
		v.Tone = "fail"
	case r.Incomplete():
		v.Tone = "incomplete"
	}
	byLevel := r.ByLevel()
	for _, l := range audit.Levels() {
		v.Levels = append(v.Levels, levelRow{Level: l.String(), Gating: l <= r.Level, Total: byLevel[l].Total(), Counts: counts(byLevel[l])})
	}
	for _, fw := range audit.FrameworkNames() {
		f := frameworkView{Name: fw}
		for _, row := range r.ByFramework(fw) {
			f.Rows = append(f.Rows, frameworkRow{ID: row.ID, Controls: row.Controls,
				Counts: counts(row.Counts, audit.Fail, audit.Stale, audit.Unknown, audit.Pass)})
		}
		v.Frameworks = append(v.Frameworks, f)
	}
	for _, a := range r.Accounts {
		v.Accounts = append(v.Accounts, newAccountView(r, a))
	}
	return v
}

func newAccountView(r *audit.Report, a audit.AccountReport) accountView {
	av := accountView{Label: accountLabel(a.Account), Account: a.Account, Errors: a.Errors}
	c := audit.Counts{}
	for _, res := range a.Results {
		c[res.Status]++
		rv := resultView{Result: res, Status: res.Status.String(), Evidence: res.Evidence, Gates: r.Gates(res)}
		if len(rv.Evidence) > maxHTMLEvidence {
			rv.More, rv.Evidence = len(rv.Evidence)-maxHTMLEvidence, rv.Evidence[:maxHTMLEvidence]
		}
		if rv.Gates {
			av.Failures++
		}
		if res.Status == audit.Skipped {
			av.Skipped = append(av.Skipped, rv)
		} else {
			av.Results = append(av.Results, rv)
		}
	}
	order := audit.Statuses()
	slices.SortStableFunc(av.Results, func(x, y resultView) int {
		return slices.Index(order, x.Result.Status) - slices.Index(order, y.Result.Status)
	})
	av.Counts = counts(c)
	return av
}
