package twiliosdk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// Registries are the base URLs of the registries' public APIs.
type Registries map[Ecosystem]string

// PublicRegistries are the registries themselves.
func PublicRegistries() Registries {
	return Registries{
		NPM:       "https://registry.npmjs.org",
		PyPI:      "https://pypi.org",
		Maven:     "https://search.maven.org",
		NuGet:     "https://api.nuget.org",
		Packagist: "https://repo.packagist.org",
		RubyGems:  "https://rubygems.org",
		GoModules: "https://proxy.golang.org",
	}
}

// RegistriesAt puts every registry under one base URL, each at
// base/ECOSYSTEM (a mirror, or a fake in tests): base/npm, base/pypi, ...
func RegistriesAt(base string) Registries {
	r := Registries{}
	for _, eco := range Ecosystems() {
		r[eco] = strings.TrimSuffix(base, "/") + "/" + string(eco)
	}
	return r
}

// maxResponse bounds a registry's answer (npm's document of a package
// with every version is a few megabytes).
const maxResponse = 64 << 20

// Fetcher reads releases from the registries. No credential is sent.
type Fetcher struct {
	Client     *http.Client
	Registries Registries
	Now        func() time.Time
}

// RegistryError is a registry that could not be read; the table keeps its
// earlier releases for that library.
type RegistryError struct {
	Ecosystem Ecosystem
	Err       error
}

func (e *RegistryError) Error() string { return string(e.Ecosystem) + ": " + e.Err.Error() }
func (e *RegistryError) Unwrap() error { return e.Err }

// Refresh returns a copy of t with each library's releases read from its
// registry. A registry that fails keeps t's releases for its library and
// is returned among the errors. A date a registry does not give (NuGet's
// flat container, the Go proxy's list) is taken from t where t knows it.
func (f Fetcher) Refresh(ctx context.Context, t *Table) (*Table, []error) {
	out := *t
	out.Libraries = append([]Library(nil), t.Libraries...)
	out.Online = true
	now := time.Now
	if f.Now != nil {
		now = f.Now
	}
	var errs []error
	for i := range out.Libraries {
		lib := &out.Libraries[i]
		rels, err := f.releases(ctx, lib)
		if err == nil && len(rels) == 0 {
			err = errors.New("no releases listed")
		}
		if err != nil {
			errs = append(errs, &RegistryError{Ecosystem: lib.Ecosystem, Err: err})
			continue
		}
		for j, r := range rels {
			if known, ok := lib.Find(r.Version); ok && r.Date.IsZero() {
				rels[j].Date = known.Date
			}
		}
		sortReleases(rels)
		lib.Releases, lib.Checked = rels, now().UTC()
	}
	out.AsOf = now().UTC()
	return &out, errs
}

func (f Fetcher) releases(ctx context.Context, lib *Library) ([]Release, error) {
	base, ok := f.Registries[lib.Ecosystem]
	if !ok {
		return nil, errors.New("no registry URL")
	}
	switch lib.Ecosystem {
	case NPM:
		return f.npm(ctx, base, lib.Package)
	case PyPI:
		return f.pypi(ctx, base, lib.Package)
	case Maven:
		return f.maven(ctx, base, lib.Package)
	case NuGet:
		return f.nuget(ctx, base, lib.Package)
	case Packagist:
		return f.packagist(ctx, base, lib.Package)
	case RubyGems:
		return f.rubygems(ctx, base, lib.Package)
	case GoModules:
		return f.goproxy(ctx, base, lib.Package)
	}
	return nil, fmt.Errorf("unknown registry %q", lib.Ecosystem)
}

// get fetches base+path and decodes its JSON into v (or returns the body
// when v is nil).
func (f Fetcher) get(ctx context.Context, rawURL string, v any) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "vigil (twilio sdk --online)")
	client := f.Client
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", rawURL, resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse+1))
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", rawURL, err)
	}
	if len(body) > maxResponse {
		return nil, fmt.Errorf("GET %s: answer larger than 64 MiB", rawURL)
	}
	if v != nil {
		if err := json.Unmarshal(body, v); err != nil {
			return nil, fmt.Errorf("GET %s: %w", rawURL, err)
		}
	}
	return body, nil
}

// release makes a Release of a registry's version and date, skipping a
// version vigil cannot order.
func release(version, date string, rels *[]Release) {
	v, err := ParseVersion(version)
	if err != nil {
		return
	}
	r := Release{Version: v}
	if d, err := time.Parse(time.RFC3339, date); err == nil {
		r.Date = d.UTC().Truncate(24 * time.Hour)
	}
	*rels = append(*rels, r)
}
