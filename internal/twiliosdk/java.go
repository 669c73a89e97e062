package twiliosdk

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"regexp"
	"strings"
)

// The Twilio helper library's coordinates in Maven Central.
const (
	mavenGroup    = "com.twilio.sdk"
	mavenArtifact = "twilio"
)

// parsePom reads a pom.xml's dependencies and dependencyManagement,
// resolving a version given as a ${property} of the same file.
func parsePom(data []byte) ([]Use, error) {
	type dep struct {
		GroupID    string `xml:"groupId"`
		ArtifactID string `xml:"artifactId"`
		Version    string `xml:"version"`
		Offset     int    `xml:"-"`
	}
	var (
		deps  []dep
		props = map[string]string{}
		stack []string
	)
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = false
	var cur *dep
	var text strings.Builder
	for {
		off := int(dec.InputOffset())
		tok, err := dec.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			stack = append(stack, t.Name.Local)
			text.Reset()
			if t.Name.Local == "dependency" {
				cur = &dep{Offset: off}
			}
		case xml.CharData:
			text.Write(t)
		case xml.EndElement:
			val := strings.TrimSpace(text.String())
			n := len(stack)
			if n >= 2 && stack[n-2] == "properties" {
				props[t.Name.Local] = val
			}
			if cur != nil && n >= 2 && stack[n-2] == "dependency" {
				switch t.Name.Local {
				case "groupId":
					cur.GroupID = val
				case "artifactId":
					cur.ArtifactID = val
				case "version":
					cur.Version = val
				}
			}
			if t.Name.Local == "dependency" && cur != nil {
				deps = append(deps, *cur)
				cur = nil
			}
			if n > 0 {
				stack = stack[:n-1]
			}
			text.Reset()
		}
	}
	var uses []Use
	for _, d := range deps {
		if d.GroupID != mavenGroup || d.ArtifactID != mavenArtifact {
			continue
		}
		v := d.Version
		if name, ok := strings.CutPrefix(v, "${"); ok {
			if p, ok := props[strings.TrimSuffix(name, "}")]; ok {
				v = p
			}
		}
		c := ParseConstraint(v)
		c.Spec = d.Version
		if v != d.Version {
			c.Spec = d.Version + " = " + v
		}
		uses = append(uses, Use{Line: lineAt(data, d.Offset), Constraint: c})
	}
	return uses, nil
}

var (
	// gradleCoord matches "com.twilio.sdk:twilio:VERSION" in a Groovy or
	// Kotlin build script.
	gradleCoord = regexp.MustCompile(`["']` + regexp.QuoteMeta(mavenGroup+":"+mavenArtifact+":") + `([^"'@:]+)`)
	// gradleMap matches the map form: group: 'com.twilio.sdk', name:
	// 'twilio', version: 'VERSION' (Kotlin: group = "...", ...).
	gradleMap = regexp.MustCompile(`group\s*[:=]\s*["']` + regexp.QuoteMeta(mavenGroup) + `["']\s*,\s*name\s*[:=]\s*["']` + mavenArtifact + `["']\s*,\s*version\s*[:=]\s*["']([^"']+)`)
)

// parseGradle reads dependency declarations of build.gradle and
// build.gradle.kts. A version taken from a variable ("$twilioVersion") is
// kept as written, with no version to judge.
func parseGradle(data []byte) ([]Use, error) {
	var uses []Use
	for i, line := range splitLines(data) {
		for _, re := range []*regexp.Regexp{gradleCoord, gradleMap} {
			if m := re.FindStringSubmatch(line); m != nil {
				spec := m[1]
				if strings.ContainsAny(spec, "${") {
					uses = append(uses, Use{Line: i + 1, Constraint: Constraint{Spec: spec}})
					continue
				}
				uses = append(uses, Use{Line: i + 1, Constraint: ParseConstraint(spec)})
			}
		}
	}
	return uses, nil
}

// parseGradleLock reads gradle.lockfile lines "group:name:version=configurations".
func parseGradleLock(data []byte) ([]Use, error) {
	var uses []Use
	prefix := mavenGroup + ":" + mavenArtifact + ":"
	for i, line := range splitLines(data) {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), prefix); ok {
			v, _, _ := strings.Cut(rest, "=")
			uses = append(uses, lockUse(v, i+1))
		}
	}
	return uses, nil
}
