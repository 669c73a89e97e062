package twiliosdk

import (
	"regexp"
	"strings"
)

// rubyPackage is the Twilio helper library's name in RubyGems.
const rubyPackage = "twilio-ruby"

var (
	// gemLine matches gem 'twilio-ruby' with its version requirements.
	gemLine = regexp.MustCompile(`^\s*gem\s*\(?\s*["']` + rubyPackage + `["']((?:\s*,\s*["'][^"']*["'])*)`)
	// gemReq matches one quoted requirement.
	gemReq = regexp.MustCompile(`["']([^"']*)["']`)
	// lockSpec matches a top-level spec of Gemfile.lock: four spaces,
	// the name, the version in parentheses (a platform may follow).
	lockSpec = regexp.MustCompile(`^    ` + rubyPackage + ` \(([^)\s-]+)(?:-[^)]*)?\)\s*$`)
)

// parseGemfile reads gem declarations of a Gemfile. Its requirements
// ('~> 7.0', '>= 7.1') together give the lowest version allowed.
func parseGemfile(data []byte) ([]Use, error) {
	var uses []Use
	for i, line := range splitLines(data) {
		m := gemLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		var reqs []string
		for _, r := range gemReq.FindAllStringSubmatch(m[1], -1) {
			reqs = append(reqs, r[1])
		}
		uses = append(uses, Use{Line: i + 1, Constraint: ParseConstraint(strings.Join(reqs, ", "))})
	}
	return uses, nil
}

// parseGemfileLock reads the resolved version among Gemfile.lock's specs.
func parseGemfileLock(data []byte) ([]Use, error) {
	var uses []Use
	for i, line := range splitLines(data) {
		if m := lockSpec.FindStringSubmatch(line); m != nil {
			uses = append(uses, lockUse(m[1], i+1))
		}
	}
	return uses, nil
}
