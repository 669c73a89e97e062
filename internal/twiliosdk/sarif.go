package twiliosdk

import (
	"fmt"
	"path/filepath"

	"github.com/vigilsec/vigil/internal/sarifout"
)

// SARIF rule ids of the check.
const (
	RuleBehind      = "TWILIO-SDK-BEHIND"
	RuleUnsupported = "TWILIO-SDK-UNSUPPORTED"
)

const sdkHelpURI = "https://www.twilio.com/docs/libraries"

func sarifRules() map[Status]sarifout.Rule {
	tags := []string{"security", "twilio", "dependency", "supply-chain"}
	return map[Status]sarifout.Rule{
		Behind: {
			ID: RuleBehind, Name: "TwilioHelperLibraryBehind",
			Short: "A Twilio helper library is older than its newest release",
			Full:  "The project uses a Twilio helper library on the supported major line but not its newest release. Twilio publishes bug fixes and security updates only as new releases of the current major line; the Twilio security guide says to keep SDKs up to date.",
			Help:  "Upgrade to the newest release of the library's major line, then update the lock file.",
			HelpMarkdown: "Upgrade to the newest release of the library's major line, then update the lock file. " +
				"See [Twilio's helper libraries](" + sdkHelpURI + ").",
			Level: "warning", Tags: tags, SecuritySeverity: "4.0", Precision: "very-high",
		},
		Unsupported: {
			ID: RuleUnsupported, Name: "TwilioHelperLibraryUnsupported",
			Short: "A Twilio helper library is on a major line Twilio no longer supports",
			Full:  "Only the current major version of each Twilio helper library is supported: new features, bug fixes and security updates go only to it (VERSIONS.md of each library). An older major line receives no security fixes.",
			Help:  "Upgrade to the current major version, following the library's UPGRADE.md, then update the lock file.",
			HelpMarkdown: "Upgrade to the current major version, following the library's `UPGRADE.md`, then update the lock file. " +
				"See [Twilio's helper libraries](" + sdkHelpURI + ").",
			Level: "error", Tags: tags, SecuritySeverity: "7.0", Precision: "very-high",
		},
	}
}

// AddSARIF adds the report's findings to log: one result per library
// behind or unsupported, at its manifest or lock file line relative to
// base (sarifout.SrcRoot by default); files it could not read as error
// notifications.
func (r Report) AddSARIF(log *sarifout.Log, base string) error {
	if base == "" {
		base = sarifout.SrcRoot
	}
	rules := sarifRules()
	for _, a := range r.Assessments {
		rule, ok := rules[a.Status]
		if !ok {
			continue
		}
		log.Rule(rule)
		err := log.Result(sarifout.Result{
			RuleID:   rule.ID,
			Level:    rule.Level,
			Message:  fmt.Sprintf("%s (%s %s): %s", a.Library, a.Ecosystem, packageName(r.Table, a.Ecosystem), a.Reason),
			Location: sarifLocation(a.File, base, max(a.Line, 1)),
			Fingerprints: map[string]string{
				"twilioSdk/v1": fmt.Sprintf("%s:%s:%s", a.File, a.Ecosystem, a.Spec),
			},
			Properties: map[string]any{
				"library": a.Library, "version": a.Used.Version.String(), "newest": a.Latest.Version.String(),
				"exact": a.Exact, "releasesBehind": a.Newer, "majorsBehind": a.MajorsBehind,
			},
		})
		if err != nil {
			return err
		}
	}
	for _, p := range r.Problems {
		loc := sarifLocation(p.File, base, 0)
		log.Notify("error", "not read: "+p.Error(), &loc)
	}
	for _, e := range r.RegistryErrors {
		log.Notify("warning", "registry not read, embedded releases used: "+e.Error(), nil)
	}
	return nil
}

// sarifLocation places a file: relative to base, or by its file: URI when
// its path is absolute (outside the base).
func sarifLocation(file, base string, line int) sarifout.Location {
	if filepath.IsAbs(file) {
		return sarifout.Location{URI: sarifout.FileURI(file), Line: line}
	}
	return sarifout.Location{URI: sarifout.RelativeURI(file), Base: base, Line: line}
}

func packageName(t *Table, eco Ecosystem) string {
	if t != nil {
		if lib := t.Library(eco); lib != nil {
			return lib.Package
		}
	}
	return ""
}
