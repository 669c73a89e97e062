package twiliosdk

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"time"
)

// npm: GET /PACKAGE, the package document: its versions and their times.
func (f Fetcher) npm(ctx context.Context, base, pkg string) ([]Release, error) {
	var doc struct {
		Versions map[string]json.RawMessage `json:"versions"`
		Time     map[string]string          `json:"time"`
	}
	if _, err := f.get(ctx, base+"/"+url.PathEscape(pkg), &doc); err != nil {
		return nil, err
	}
	var rels []Release
	for v := range doc.Versions {
		release(v, doc.Time[v], &rels)
	}
	return rels, nil
}

// PyPI: GET /pypi/PACKAGE/json, its releases and their files; a release
// whose files are all yanked does not count.
func (f Fetcher) pypi(ctx context.Context, base, pkg string) ([]Release, error) {
	var doc struct {
		Releases map[string][]struct {
			Uploaded string `json:"upload_time_iso_8601"`
			Yanked   bool   `json:"yanked"`
		} `json:"releases"`
	}
	if _, err := f.get(ctx, base+"/pypi/"+url.PathEscape(pkg)+"/json", &doc); err != nil {
		return nil, err
	}
	var rels []Release
	for v, files := range doc.Releases {
		for _, file := range files {
			if !file.Yanked {
				release(v, file.Uploaded, &rels)
				break
			}
		}
	}
	return rels, nil
}

// Maven Central: the search API's gav core lists every version of
// group:artifact with its timestamp in milliseconds.
func (f Fetcher) maven(ctx context.Context, base, pkg string) ([]Release, error) {
	group, artifact, _ := strings.Cut(pkg, ":")
	q := url.Values{
		"q":    {`g:"` + group + `" AND a:"` + artifact + `"`},
		"core": {"gav"},
		"rows": {"1000"},
		"wt":   {"json"},
	}
	var doc struct {
		Response struct {
			Docs []struct {
				V         string `json:"v"`
				Timestamp int64  `json:"timestamp"`
			} `json:"docs"`
		} `json:"response"`
	}
	if _, err := f.get(ctx, base+"/solrsearch/select?"+q.Encode(), &doc); err != nil {
		return nil, err
	}
	var rels []Release
	for _, d := range doc.Response.Docs {
		release(d.V, time.UnixMilli(d.Timestamp).UTC().Format(time.RFC3339), &rels)
	}
	return rels, nil
}

// NuGet: the flat container lists the versions of a package id (lower
// case); it gives no dates.
func (f Fetcher) nuget(ctx context.Context, base, pkg string) ([]Release, error) {
	var doc struct {
		Versions []string `json:"versions"`
	}
	if _, err := f.get(ctx, base+"/v3-flatcontainer/"+url.PathEscape(strings.ToLower(pkg))+"/index.json", &doc); err != nil {
		return nil, err
	}
	var rels []Release
	for _, v := range doc.Versions {
		release(v, "", &rels)
	}
	return rels, nil
}

// Packagist: GET /p2/VENDOR/NAME.json, the package's tagged versions with
// their times (development branches are in another file).
func (f Fetcher) packagist(ctx context.Context, base, pkg string) ([]Release, error) {
	var doc struct {
		Packages map[string][]struct {
			Version string `json:"version"`
			Time    string `json:"time"`
		} `json:"packages"`
	}
	if _, err := f.get(ctx, base+"/p2/"+pkg+".json", &doc); err != nil {
		return nil, err
	}
	var rels []Release
	for _, p := range doc.Packages[pkg] {
		release(p.Version, p.Time, &rels)
	}
	return rels, nil
}

// RubyGems: GET /api/v1/versions/NAME.json, every version with its
// creation time.
func (f Fetcher) rubygems(ctx context.Context, base, pkg string) ([]Release, error) {
	var doc []struct {
		Number    string `json:"number"`
		CreatedAt string `json:"created_at"`
	}
	if _, err := f.get(ctx, base+"/api/v1/versions/"+url.PathEscape(pkg)+".json", &doc); err != nil {
		return nil, err
	}
	var rels []Release
	for _, d := range doc {
		release(d.Number, d.CreatedAt, &rels)
	}
	return rels, nil
}

// The Go module proxy: GET /MODULE/@v/list, one version a line, then
// /MODULE/@v/VERSION.info for the newest one's time.
func (f Fetcher) goproxy(ctx context.Context, base, module string) ([]Release, error) {
	body, err := f.get(ctx, base+"/"+module+"/@v/list", nil)
	if err != nil {
		return nil, err
	}
	var rels []Release
	for _, line := range strings.Fields(string(body)) {
		release(line, "", &rels)
	}
	if len(rels) == 0 {
		return rels, nil
	}
	sortReleases(rels)
	newest := 0
	for newest < len(rels)-1 && rels[newest].Version.Pre != "" {
		newest++
	}
	var info struct{ Time string }
	if _, err := f.get(ctx, base+"/"+module+"/@v/v"+rels[newest].Version.String()+".info", &info); err == nil {
		if d, err := time.Parse(time.RFC3339, info.Time); err == nil {
			rels[newest].Date = d.UTC().Truncate(24 * time.Hour)
		}
	}
	return rels, nil
}
