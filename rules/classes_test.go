package rules

import (
	"testing"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/internal/fakecred"
)

// none is the highest confidence of a line that must not be reported at
// all.
const none vigil.Confidence = 0

// classCase is one class of real-world text: a line (a fakecred template,
// so that values are generated at test time), the file it is in, and the
// highest confidence vigil must give it.
type classCase struct {
	class string
	path  string
	text  string
	want  vigil.Confidence
}

// classCases hold one case per class of miss or false alarm seen on real
// projects, so that a change to the heuristics that brings one back fails
// here, not only in the corpus scores.
var classCases = []classCase{
	// UUIDs: a random UUID may be a key (many services issue them), at
	// medium; placeholders and COM class IDs are not.
	{"bare UUID", "app/fixtures/data.json", `"folder": "{uuid}",`, vigil.Medium},
	{"UUID in a SQL row", "db/seed.sql", `INSERT INTO t (id, name) VALUES ({uuid}, 'x');`, vigil.Medium},
	{"UUID named as a key", "app/config.yml", `api_key: {uuid}`, vigil.High},
	{"hand-written UUID", "app/config.yml", `tenant: 12345678-1234-1234-1234-123456789012`, none},
	{"hand-written UUID of repeated groups", "app/config.yml", `id: 00001111-2222-3333-4444-555566667777`, none},
	{"COM class ID", "web/player.html", `<object classid="clsid:{uuid}"></object>`, none},
	{"UUID named public", "app/config.yml", `public_id: {uuid}`, none},

	// HTTP Basic values that do not decode to user:password here are
	// still credentials when they look random.
	{"Basic value, random", "spec/cassettes/login.yml", `- Basic {alnum:24}{digits:2}`, vigil.Medium},
	{"Basic value, user:password", "app/client.py", `headers = {"Authorization": "Basic {basic:deploy}"}`, vigil.High},
}

func TestClasses(t *testing.T) {
	m := defaultMatcher(t)
	gen := fakecred.New(7)
	for _, tc := range classCases {
		for range 3 {
			text := gen.MustExpand(tc.text)
			got := none
			for _, f := range matchText(m, tc.path, text) {
				got = max(got, f.Confidence)
			}
			if got != tc.want {
				t.Errorf("%s: %s: %q: highest confidence %v, want %v", tc.class, tc.path, text, got, tc.want)
			}
		}
	}
}
