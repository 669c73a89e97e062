package git

import (
	"fmt"
	"slices"
	"testing"

	"github.com/vigilsec/vigil/internal/fakecred"
	"github.com/vigilsec/vigil/internal/gittest"
)

// TestHistoryPresentAtScannedTips: "still present" means that the tip of a
// ref the scan selected holds the secret — another branch, or a tag, not
// only HEAD — and removed means removed from every such tip.
func TestHistoryPresentAtScannedTips(t *testing.T) {
	g := fakecred.New(11)
	_, tokOld, envOld := twilioPair(g)
	_, tokSide, envSide := twilioPair(g)
	r := gittest.New(t)
	first := r.Commit("old secret", "", map[string]string{"old.env": envOld})
	r.Git("tag", "-a", "-m", "release", "v1", first)
	r.Remove("old.env")
	removed := r.Commit("remove it", "", nil)
	r.Git("checkout", "-q", "-b", "side")
	r.Commit("side secret", "", map[string]string{"side.env": envSide})
	r.Git("checkout", "-q", "main")
	r.Commit("filler", "", map[string]string{"x.txt": "x\n"})
	r.Git("tag", "-d", "v1")
	presence := func(revs []string, tag bool) []string {
		if tag {
			r.Git("tag", "-a", "-m", "release", "v1", first)
			defer r.Git("tag", "-d", "v1")
		}
		var out []string
		for _, f := range mustScan(t, r.Dir, Options{Revs: revs}).byRule("twilio-auth-token") {
			name := map[string]string{tokOld: "old", tokSide: "side"}[f.Secret.Reveal()]
			out = append(out, fmt.Sprintf("%s:%v", name, f.Present != nil && *f.Present))
		}
		slices.Sort(out)
		return out
	}
	for _, tc := range []struct {
		name string
		revs []string
		tag  bool
		want []string
	}{
		{"all refs", nil, false, []string{"old:false", "side:true"}},
		{"all refs and a tag of the old commit", nil, true, []string{"old:true", "side:true"}},
		{"branch main", []string{"main"}, false, []string{"old:false"}},
		{"branch side", []string{"side"}, false, []string{"old:false", "side:true"}},
		{"range", []string{removed + "..side"}, false, []string{"side:true"}},
		{"since", []string{"--all", "^" + removed}, false, []string{"side:true"}},
		{"push of side", []string{"side", "--not", "--remotes"}, false, []string{"old:false", "side:true"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := presence(tc.revs, tc.tag); fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Fatalf("present: %v, want %v", got, tc.want)
			}
		})
	}
}
