package audit

import (
	"context"
	"fmt"
	"strings"

	"github.com/vigilsec/vigil/internal/twiliosdk"
)

// projectCheck is the helper-library check of the project given with
// Options.Project.
type projectCheck struct {
	path   string
	report twiliosdk.Report
	err    error
}

// checkProject runs the helper-library check of Options.Project.
func checkProject(ctx context.Context, path string, table *twiliosdk.Table) *projectCheck {
	if path == "" {
		return nil
	}
	pc := &projectCheck{path: path}
	if table == nil {
		if table, pc.err = twiliosdk.Embedded(); pc.err != nil {
			return pc
		}
	}
	pc.report, pc.err = twiliosdk.Check(ctx, path, table)
	return pc
}

// checkSDK (CODE-01): every helper library the project names is on the
// newest release of its supported major line. A library behind or on an
// unsupported major fails, whatever else could not be read; a file that
// could not be read, a version that cannot be judged, or a project with
// no manifest at all leaves the control unknown.
func checkSDK(c *Control, s *Snapshot, e *env) Result {
	pc := e.project
	if pc == nil {
		return result(Skipped, "no project given: --project PATH checks the helper libraries the app is built with")
	}
	if pc.err != nil {
		return result(Unknown, "project %s not checked: %v", pc.path, pc.err)
	}
	rep := pc.report
	var bad, unclear, good []Evidence
	for _, a := range rep.Assessments {
		ev := Evidence{Resource: fmt.Sprintf("%s:%d", a.File, a.Line), Field: a.Library, Value: a.Spec, Note: a.Reason}
		switch {
		case a.Status.Finding():
			bad = append(bad, ev)
		case a.Status == twiliosdk.Unknown:
			unclear = append(unclear, ev)
		default:
			good = append(good, ev)
		}
	}
	for _, p := range rep.Problems {
		unclear = append(unclear, Evidence{Resource: p.File, Note: "not read: " + p.Err.Error()})
	}
	asOf := "release table of " + day(rep.Table.AsOf)
	if rep.Table.Online {
		asOf = "releases read from the registries on " + day(rep.Table.AsOf)
	}
	n := rep.Counts()
	switch {
	case len(bad) > 0:
		r := result(Fail, "%d of %d uses of Twilio helper libraries in %s are behind (%d) or on an unsupported major (%d) (%s)",
			len(bad), len(rep.Assessments), pc.path, n[twiliosdk.Behind], n[twiliosdk.Unsupported], asOf)
		r.Evidence = append(bad, unclear...)
		return r
	case len(unclear) > 0:
		r := result(Unknown, "the Twilio helper libraries in %s could not all be judged: %s", pc.path, unclearWhy(rep))
		r.Evidence = append(unclear, good...)
		return r
	case rep.Files == 0:
		return result(Unknown, "no manifest or lock file under %s: nothing to judge (is it the app's directory?)", pc.path)
	case len(good) == 0:
		return result(Pass, "the %d manifest and lock files under %s name no Twilio helper library", rep.Files, pc.path)
	}
	r := result(Pass, "%d uses of Twilio helper libraries in %s, each the newest release of a supported major (%s)", len(good), pc.path, asOf)
	r.Evidence = good
	return r
}

func unclearWhy(rep twiliosdk.Report) string {
	var why []string
	if len(rep.Problems) > 0 {
		why = append(why, fmt.Sprintf("%d of the manifest and lock files not read", len(rep.Problems)))
	}
	if n := rep.Counts()[twiliosdk.Unknown]; n > 0 {
		why = append(why, fmt.Sprintf("%d uses with no version to judge", n))
	}
	return strings.Join(why, ", ")
}
