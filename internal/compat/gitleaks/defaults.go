package gitleaks

import (
	"regexp/syntax"
	"strings"

	"github.com/vigilsec/vigil/internal/config"
)

// DefaultAllowlist is what gitleaks' default configuration (8.30) allows
// everywhere, by path, written as vigil path regexes: a configuration
// that says [extend] useDefault = true allows it too. Its value
// allowlist (true, false, null, ${VAR}, {{ templates }}…) is left out:
// vigil's placeholder filter already drops those.
func DefaultAllowlist() config.Allowlist {
	return config.Allowlist{
		Description: "gitleaks' default allowlist ([extend] useDefault = true)",
		Match:       "any",
		Allow: config.Allow{PathRegexes: []string{
			`gitleaks\.toml$`,
			// images, fonts, office documents and binaries
			`(?i)\.(?:bmp|gif|jpe?g|png|svg|tiff?|eot|[ot]tf|woff2?)$`,
			`(?i)\.(?:docx?|xlsx?|pdf|bin|socket|vsidx|v2|suo|wsuo|dll|pdb|exe|gltf)$`,
			// dependency manifests, lock files and vendored code
			`(?:^|/)go\.(?:mod|sum|work(?:\.sum)?)$`,
			`(?:^|/)vendor/modules\.txt$`,
			`(?:^|/)vendor/(?:github\.com|golang\.org/x|google\.golang\.org|gopkg\.in|istio\.io|k8s\.io|sigs\.k8s\.io)(?:/|$)`,
			`(?:^|/)(?:gradlew(?:\.bat)?|gradle\.lockfile|mvnw(?:\.cmd)?)$`,
			`(?:^|/)\.mvn/wrapper/MavenWrapperDownloader\.java$`,
			`(?:^|/)(?:node_modules|bower_components)(?:/|$)`,
			`(?:^|/)(?:deno\.lock|npm-shrinkwrap\.json|package-lock\.json|pnpm-lock\.yaml|yarn\.lock|Pipfile\.lock|poetry\.lock)$`,
			`(?:^|/)(?:angular|bootstrap|jquery(?:-?ui)?|plotly|swagger-?ui)[a-zA-Z0-9.-]*(?:\.min)?\.js(?:\.map)?$`,
			`(?:^|/)javascript\.json$`,
			// Python and Ruby environments
			`(?i)(?:^|/)(?:v?env|virtualenv)/lib(?:64)?(?:/|$)`,
			`(?i)(?:^|/)(?:lib(?:64)?/python[23](?:\.\d{1,2})+|python/[23](?:\.\d{1,2})+/lib(?:64)?)(?:/|$)`,
			`(?i)(?:^|/)[a-z0-9_.]+-[0-9.]+\.dist-info(?:/|$)`,
			`(?:^|/)vendor/(?:bundle|ruby)(?:/|$)`,
			`\.gem$`,
			`verification-metadata\.xml`,
			`Database\.refactorlog`,
		}},
	}
}

// requiredLiteral returns the longest run of literal text (3 bytes or
// more, lower-cased) that every match of a regex must contain, or "".
func requiredLiteral(pattern string) string {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return ""
	}
	best := ""
	var walk func(r *syntax.Regexp)
	walk = func(r *syntax.Regexp) {
		switch r.Op {
		case syntax.OpLiteral:
			if s := string(r.Rune); len(s) > len(best) {
				best = s
			}
		case syntax.OpConcat:
			for _, sub := range r.Sub {
				walk(sub)
			}
		case syntax.OpCapture:
			walk(r.Sub[0])
		case syntax.OpPlus:
			walk(r.Sub[0])
		case syntax.OpRepeat:
			if r.Min > 0 {
				walk(r.Sub[0])
			}
		}
	}
	walk(re.Simplify())
	if len(best) < 3 {
		return ""
	}
	return strings.ToLower(best)
}
