package twiliosdk

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"regexp"
	"strings"
)

// dotnetPackage is the Twilio helper library's id in NuGet, which compares
// without case.
const dotnetPackage = "Twilio"

// parseMSBuild reads PackageReference and PackageVersion items of a
// project file or Directory.Packages.props (the version as an attribute or
// a child element), and packages.config's package elements. A bare NuGet
// version is a minimum ("7.0.0" means 7.0.0 or newer); packages.config
// pins it exactly.
func parseMSBuild(data []byte) ([]Use, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = false
	var (
		uses    []Use
		cur     *Use
		inVer   bool
		verText strings.Builder
	)
	for {
		off := int(dec.InputOffset())
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "PackageReference", "PackageVersion", "package":
				id := attr(t, "Include", "Update", "id")
				if !strings.EqualFold(id, dotnetPackage) {
					continue
				}
				u := Use{Line: lineAt(data, off)}
				if v := attr(t, "Version", "VersionOverride", "version"); v != "" {
					u.Constraint = nugetConstraint(v, t.Name.Local == "package")
					uses = append(uses, u)
					continue
				}
				cur = &u
			case "Version", "VersionOverride":
				if cur != nil {
					inVer = true
					verText.Reset()
				}
			}
		case xml.CharData:
			if inVer {
				verText.Write(t)
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "Version", "VersionOverride":
				if cur != nil && inVer {
					cur.Constraint = nugetConstraint(strings.TrimSpace(verText.String()), false)
				}
				inVer = false
			case "PackageReference", "PackageVersion":
				if cur != nil {
					uses = append(uses, *cur)
					cur = nil
				}
			}
		}
	}
	return uses, nil
}

// attr returns the first of the named attributes that is set.
func attr(t xml.StartElement, names ...string) string {
	for _, n := range names {
		for _, a := range t.Attr {
			if strings.EqualFold(a.Name.Local, n) && a.Value != "" {
				return a.Value
			}
		}
	}
	return ""
}

// nugetConstraint reads a NuGet version: a range in brackets, or a bare
// version, which NuGet reads as a minimum unless pinned.
func nugetConstraint(v string, pinned bool) Constraint {
	c := ParseConstraint(v)
	if !pinned && !strings.HasPrefix(strings.TrimSpace(v), "[") {
		c.Exact = false
	}
	return c
}

// parseNuGetLock reads packages.lock.json: the resolved version of Twilio
// under each target framework.
func parseNuGetLock(data []byte) ([]Use, error) {
	var lock struct {
		Dependencies map[string]map[string]struct {
			Resolved string `json:"resolved"`
		} `json:"dependencies"`
	}
	if err := json.Unmarshal(data, &lock); err != nil {
		return nil, err
	}
	var uses []Use
	seen := map[string]bool{}
	for _, deps := range lock.Dependencies {
		for id, d := range deps {
			if strings.EqualFold(id, dotnetPackage) && !seen[d.Resolved] {
				seen[d.Resolved] = true
				uses = append(uses, lockUse(d.Resolved, lineOf(data, regexp.MustCompile(`(?i)"`+dotnetPackage+`"\s*:`), 1)))
			}
		}
	}
	return uses, nil
}
