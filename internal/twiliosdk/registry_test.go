package twiliosdk_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/vigilsec/vigil/internal/twiliosdk"
	"github.com/vigilsec/vigil/internal/twiliosdk/registrytest"
)

// newerTable is the embedded table with one more release of each
// library, published after the table was made: what a refresh should
// find.
func newerTable(t *testing.T) (*twiliosdk.Table, map[twiliosdk.Ecosystem]string) {
	t.Helper()
	tab, err := twiliosdk.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	next := map[twiliosdk.Ecosystem]string{}
	cp := *tab
	cp.Libraries = nil
	for _, lib := range tab.Libraries {
		latest, _ := lib.Latest()
		v, _ := twiliosdk.ParseVersion(latest.Version.String() + "1") // 6.0.2 -> 6.0.21
		next[lib.Ecosystem] = v.String()
		lib.Releases = append([]twiliosdk.Release{{Version: v, Date: tab.AsOf.AddDate(0, 1, 0)}}, lib.Releases...)
		cp.Libraries = append(cp.Libraries, lib)
	}
	return &cp, next
}

// TestRefresh: every registry's API is read through its loopback fake and
// the newest release found; a registry that is down keeps the embedded
// releases and is named in the errors.
func TestRefresh(t *testing.T) {
	remote, next := newerTable(t)
	srv := registrytest.New(t, remote)
	srv.Down(twiliosdk.NuGet)
	local, _ := twiliosdk.Embedded()
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	f := twiliosdk.Fetcher{Client: &http.Client{Timeout: 10 * time.Second}, Registries: twiliosdk.RegistriesAt(srv.URL), Now: func() time.Time { return now }}
	got, errs := f.Refresh(context.Background(), local)
	if len(errs) != 1 {
		t.Fatalf("errors %v", errs)
	}
	var re *twiliosdk.RegistryError
	if !errors.As(errs[0], &re) || re.Ecosystem != twiliosdk.NuGet {
		t.Errorf("error %v, want one of nuget", errs[0])
	}
	for _, eco := range twiliosdk.Ecosystems() {
		lib := got.Library(eco)
		latest, _ := lib.Latest()
		old, _ := local.Library(eco).Latest()
		if eco == twiliosdk.NuGet {
			if latest.Version.Compare(old.Version) != 0 {
				t.Errorf("nuget down: newest %s, want the embedded %s", latest.Version, old.Version)
			}
			continue
		}
		if latest.Version.String() != next[eco] || !latest.Date.Equal(local.AsOf.AddDate(0, 1, 0)) {
			t.Errorf("%s: newest %s of %v, want %s", eco, latest.Version, latest.Date, next[eco])
		}
		if !lib.Checked.Equal(now) || srv.Hits(eco) == 0 {
			t.Errorf("%s: checked %v, %d requests", eco, lib.Checked, srv.Hits(eco))
		}
		if len(lib.Releases) != len(local.Library(eco).Releases)+1 {
			t.Errorf("%s: %d releases, want %d", eco, len(lib.Releases), len(local.Library(eco).Releases)+1)
		}
	}
	if !got.Online || !got.AsOf.Equal(now) {
		t.Errorf("table online %v as of %v", got.Online, got.AsOf)
	}
}

// TestRefreshNuGetDates: NuGet's flat container has no dates; those the
// embedded table knows are kept.
func TestRefreshNuGetDates(t *testing.T) {
	local, _ := twiliosdk.Embedded()
	srv := registrytest.New(t, local)
	got, errs := twiliosdk.Fetcher{Registries: twiliosdk.RegistriesAt(srv.URL)}.Refresh(context.Background(), local)
	if len(errs) != 0 {
		t.Fatal(errs)
	}
	for _, r := range got.Library(twiliosdk.NuGet).Releases {
		if r.Date.IsZero() {
			t.Errorf("nuget %s lost its date", r.Version)
		}
	}
}
