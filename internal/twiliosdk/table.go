package twiliosdk

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Ecosystem names a package registry.
type Ecosystem string

// The registries of the seven languages Twilio publishes helper libraries
// for.
const (
	NPM       Ecosystem = "npm"
	PyPI      Ecosystem = "pypi"
	Maven     Ecosystem = "maven"
	NuGet     Ecosystem = "nuget"
	Packagist Ecosystem = "packagist"
	RubyGems  Ecosystem = "rubygems"
	GoModules Ecosystem = "go"
)

// Release is one published version and the day it was published (zero
// when the registry does not say).
type Release struct {
	Version Version
	Date    time.Time
}

// Library is one Twilio helper library: its package in its registry and
// its releases, newest first.
type Library struct {
	Name      string    // the repository's name: twilio-node
	Language  string    // Node.js
	Ecosystem Ecosystem // npm
	Package   string    // the package's name in the registry: twilio
	Checked   time.Time // when the releases were read
	Releases  []Release // newest first
}

// Latest is the newest release that is not a pre-release.
func (l *Library) Latest() (Release, bool) {
	for _, r := range l.Releases {
		if r.Version.Pre == "" {
			return r, true
		}
	}
	return Release{}, false
}

// Find returns the release of exactly v.
func (l *Library) Find(v Version) (Release, bool) {
	for _, r := range l.Releases {
		if r.Version.Compare(v) == 0 {
			return r, true
		}
	}
	return Release{}, false
}

// Table is what vigil knows of the helper libraries' releases: the
// embedded copy, or one refreshed from the registries.
type Table struct {
	AsOf      time.Time // when the table was made
	Policy    string    // the support policy, in Twilio's words
	Source    string    // where the releases were read
	Online    bool      // read from the registries just now
	Libraries []Library
}

// Library returns the helper library published in eco.
func (t *Table) Library(eco Ecosystem) *Library {
	for i := range t.Libraries {
		if t.Libraries[i].Ecosystem == eco {
			return &t.Libraries[i]
		}
	}
	return nil
}

//go:embed releases.json
var embedded []byte

// Embedded returns the table vigil was built with.
func Embedded() (*Table, error) {
	t, err := ParseTable(embedded)
	if err != nil {
		return nil, fmt.Errorf("embedded release table: %w", err)
	}
	return t, nil
}

type tableJSON struct {
	AsOf      string `json:"as_of"`
	Policy    string `json:"policy"`
	Source    string `json:"source"`
	Libraries []struct {
		Name      string    `json:"name"`
		Language  string    `json:"language"`
		Ecosystem Ecosystem `json:"ecosystem"`
		Package   string    `json:"package"`
		Checked   string    `json:"checked"`
		Releases  []string  `json:"releases"`
	} `json:"libraries"`
}

// ParseTable reads a release table in the form of releases.json: each
// release is "VERSION YYYY-MM-DD", newest first.
func ParseTable(data []byte) (*Table, error) {
	var raw tableJSON
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, err
	}
	asOf, err := time.Parse(time.DateOnly, raw.AsOf)
	if err != nil {
		return nil, fmt.Errorf("as_of: %w", err)
	}
	t := &Table{AsOf: asOf, Policy: raw.Policy, Source: raw.Source}
	for _, l := range raw.Libraries {
		lib := Library{Name: l.Name, Language: l.Language, Ecosystem: l.Ecosystem, Package: l.Package}
		if lib.Checked, err = time.Parse(time.DateOnly, l.Checked); err != nil {
			return nil, fmt.Errorf("%s: checked: %w", l.Name, err)
		}
		for _, r := range l.Releases {
			vs, ds, _ := strings.Cut(r, " ")
			v, err := ParseVersion(vs)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", l.Name, err)
			}
			d, err := time.Parse(time.DateOnly, ds)
			if err != nil {
				return nil, fmt.Errorf("%s: release %s: %w", l.Name, vs, err)
			}
			lib.Releases = append(lib.Releases, Release{Version: v, Date: d})
		}
		sortReleases(lib.Releases)
		t.Libraries = append(t.Libraries, lib)
	}
	for _, eco := range Ecosystems() {
		if t.Library(eco) == nil {
			return nil, fmt.Errorf("no library for %s", eco)
		}
	}
	if len(t.Libraries) != len(Ecosystems()) {
		return nil, errors.New("a registry is listed twice, or an unknown one")
	}
	return t, nil
}

// Ecosystems lists the registries in a fixed order.
func Ecosystems() []Ecosystem {
	return []Ecosystem{NPM, PyPI, Maven, NuGet, Packagist, RubyGems, GoModules}
}

// sortReleases orders releases newest first by version (the order of the
// registries' lists, and of dates, is not to be trusted).
func sortReleases(rs []Release) {
	slices.SortStableFunc(rs, func(a, b Release) int { return b.Version.Compare(a.Version) })
}
