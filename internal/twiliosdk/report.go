package twiliosdk

import "context"

// Report is the check of one project against a release table.
type Report struct {
	Root        string
	Table       *Table
	Assessments []Assessment
	// Problems are manifest and lock files that could not be read.
	Problems []Problem
	// Files counts the manifest and lock files read.
	Files int
	// RegistryErrors are registries that --online could not read: their
	// libraries were judged against the table's earlier releases.
	RegistryErrors []error
}

// Check finds the helper libraries under root and judges each against t.
func Check(ctx context.Context, root string, t *Table) (Report, error) {
	found, err := Find(ctx, root)
	rep := Report{Root: root, Table: t, Problems: found.Problems, Files: found.Files}
	for _, u := range found.Uses {
		rep.Assessments = append(rep.Assessments, Assess(t, u))
	}
	return rep, err
}

// Counts returns how many uses have each status.
func (r Report) Counts() map[Status]int {
	n := map[Status]int{}
	for _, a := range r.Assessments {
		n[a.Status]++
	}
	return n
}

// Findings counts the uses behind or on an unsupported major line.
func (r Report) Findings() int {
	n := r.Counts()
	return n[Behind] + n[Unsupported]
}

// Incomplete reports a check that did not see everything: a file it could
// not read, or a registry --online could not reach.
func (r Report) Incomplete() bool { return len(r.Problems) > 0 || len(r.RegistryErrors) > 0 }
