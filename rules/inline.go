package rules

import (
	"bytes"
	"regexp"
)

// allowMarker on a line suppresses findings on it; "vigil:allow=RULE"
// suppresses only that rule.
const allowMarker = "vigil:allow"

// Marker is another scanner's inline comment that vigil reads like
// vigil:allow, so that what a team already triaged stays triaged.
type Marker string

// The markers of other scanners.
const (
	// MarkerGitleaks is gitleaks' "gitleaks:allow", anywhere on the line.
	MarkerGitleaks Marker = "gitleaks:allow"
	// MarkerTrufflehog is trufflehog's "trufflehog:ignore", anywhere on
	// the line.
	MarkerTrufflehog Marker = "trufflehog:ignore"
	// MarkerDetectSecrets is detect-secrets' "pragma: allowlist secret"
	// on the line, or "pragma: allowlist nextline secret" on the line
	// before ("whitelist" and "allowlist-secret" are accepted too).
	MarkerDetectSecrets Marker = "pragma: allowlist secret"
)

// InlineMarkers are the markers of other scanners, in the order the
// summary lists them.
func InlineMarkers() []Marker {
	return []Marker{MarkerGitleaks, MarkerTrufflehog, MarkerDetectSecrets}
}

var (
	pragmaSame = regexp.MustCompile(`pragma: ?(?:allow|white)list[ -]secret`)
	pragmaNext = regexp.MustCompile(`pragma: ?(?:allow|white)list[ -]nextline[ -]secret`)
)

// inlineAllowed returns the inline comment that suppresses a finding of
// rule on lines (the line or lines holding it), given the line before
// (prev, possibly nil): vigil:allow first, then the markers on. It
// returns "" when none does.
func inlineAllowed(lines, prev []byte, ruleID string, markers []Marker) string {
	if allowedInline(lines, ruleID) {
		return allowMarker
	}
	for _, m := range markers {
		switch m {
		case MarkerDetectSecrets:
			if pragmaSame.Match(lines) || prev != nil && pragmaNext.Match(prev) {
				return string(m)
			}
		default:
			if bytes.Contains(lines, []byte(m)) {
				return string(m)
			}
		}
	}
	return ""
}

// allowedInline reports whether the line(s) carry a vigil:allow marker for
// this rule (or for every rule).
func allowedInline(lines []byte, ruleID string) bool {
	for {
		i := bytes.Index(lines, []byte(allowMarker))
		if i < 0 {
			return false
		}
		rest := lines[i+len(allowMarker):]
		if len(rest) == 0 || rest[0] != '=' {
			return true
		}
		rest = rest[1:]
		end := bytes.IndexFunc(rest, func(r rune) bool {
			return !(r == '-' || r == ',' || 'a' <= r && r <= 'z' || '0' <= r && r <= '9')
		})
		if end < 0 {
			end = len(rest)
		}
		for _, id := range bytes.Split(rest[:end], []byte(",")) {
			if string(id) == ruleID {
				return true
			}
		}
		lines = rest[end:]
	}
}

// previousLine returns the line before the one starting at ls, or nil
// when the chunk does not hold it.
func previousLine(data []byte, ls int) []byte {
	if ls <= 0 {
		return nil
	}
	end := ls - 1 // the newline ending the previous line
	return data[lineStart(data, end):end]
}
