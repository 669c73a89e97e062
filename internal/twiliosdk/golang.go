package twiliosdk

import (
	"regexp"
	"strings"
)

// goModule is the Twilio helper library's module path; a major version
// from 2 on adds /vN.
const goModule = "github.com/twilio/twilio-go"

// goRequire matches the module and version of a require line, in a block
// or alone.
var goRequire = regexp.MustCompile(`^\s*(?:require\s+)?` + regexp.QuoteMeta(goModule) + `(/v[0-9]+)?\s+(v[0-9][^\s/]*)`)

// parseGoMod reads go.mod's requirements: the version there is the one the
// build uses (minimal version selection may pick a newer one when another
// module requires it, which go.mod then records).
func parseGoMod(data []byte) ([]Use, error) {
	var uses []Use
	for i, line := range splitLines(data) {
		line, _, _ = strings.Cut(line, "//")
		if m := goRequire.FindStringSubmatch(line); m != nil && !strings.Contains(line, "=>") {
			uses = append(uses, lockUse(m[2], i+1))
		}
	}
	return uses, nil
}
