package fleet

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/vigilsec/vigil/fleet/conf"
	"github.com/vigilsec/vigil/fleet/enumerate"
	"github.com/vigilsec/vigil/fleet/store"
)

// settings are the fleet file's settings as the workers read them from
// the database (every worker sees the same, whichever machine it is on).
type settings = conf.Fleet

const settingsKey = "fleet"

// Apply stores a fleet file's sources and settings in the database: new
// sources are added, changed ones updated, and those no longer in the
// file stop being watched (what was found in them is kept).
func (f *Fleet) Apply(ctx context.Context, fl *conf.Fleet) error {
	var srcs []store.Source
	for _, s := range fl.Sources() {
		spec, err := json.Marshal(s.Entry)
		if err != nil {
			return err
		}
		srcs = append(srcs, store.Source{Name: s.Name, Kind: s.Kind, Spec: string(spec)})
	}
	data, err := json.Marshal(fl)
	if err != nil {
		return err
	}
	if err := f.store.PutSetting(ctx, settingsKey, string(data)); err != nil {
		return fmt.Errorf("store fleet settings: %w", err)
	}
	if _, err := f.store.SyncSources(ctx, srcs); err != nil {
		return err
	}
	return nil
}

// settings reads the fleet's settings (defaults when none were stored).
func (f *Fleet) settings(ctx context.Context) (settings, error) {
	var s settings
	raw, err := f.store.Setting(ctx, settingsKey)
	if err != nil {
		return s, fmt.Errorf("read fleet settings: %w", err)
	}
	if raw != "" {
		if err := json.Unmarshal([]byte(raw), &s); err != nil {
			return s, fmt.Errorf("read fleet settings: %w", err)
		}
	}
	return s, nil
}

// syncSource turns a source into repositories and enqueues their scans.
// A source that fails is recorded as failed (the others go on); its
// repositories and what was found in them are kept.
func (f *Fleet) syncSource(ctx context.Context, id int64) error {
	src, err := f.store.Source(ctx, id)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		return err
	}
	if !src.Enabled {
		return nil
	}
	repos, err := f.listSource(ctx, src)
	msg := ""
	if err != nil {
		msg = err.Error()
		f.log.Warn("source failed", "source", src.Name, "err", err)
	}
	if perr := f.store.SourcePolled(ctx, id, msg); perr != nil {
		return perr
	}
	if err != nil {
		if errors.Is(err, enumerate.ErrAuth) || errors.Is(err, enumerate.ErrNotFound) || errors.Is(err, errBadSpec) {
			return nil // retrying will not help; the next poll tries again
		}
		return err
	}
	known, err := f.store.Repositories(ctx, id, true)
	if err != nil {
		return err
	}
	byURL := make(map[string]store.Repository, len(known))
	for _, k := range known {
		byURL[k.URL] = k
	}
	// Only new or changed rows are written: a pass over a quiet
	// organisation writes next to nothing.
	var write []store.Repository
	var at []int
	keep := make([]int64, len(repos))
	for i := range repos {
		repos[i].SourceID, repos[i].Enabled = id, true
		if k, ok := byURL[repos[i].URL]; ok && sameRow(k, repos[i]) && !k.Gone && k.ActivityAt.Equal(repos[i].ActivityAt) {
			repos[i], keep[i] = k, k.ID
			continue
		}
		write, at = append(write, repos[i]), append(at, i)
	}
	ids, err := f.store.UpsertRepositories(ctx, write)
	if err != nil {
		return err
	}
	for j, i := range at {
		repos[i].ID, keep[i] = ids[j], ids[j]
	}
	if src.Kind == "github" || src.Kind == "gitlab" {
		n, err := f.store.MarkMissing(ctx, id, keep)
		if err != nil {
			return err
		}
		if n > 0 {
			f.log.Warn("repositories no longer listed: kept, marked gone", "source", src.Name, "count", n)
		}
	}
	return f.enqueueScans(ctx, repos, settleOf(src.Kind))
}

// sameRow reports whether a stored repository is the one listed, as far
// as its row goes.
func sameRow(k, r store.Repository) bool {
	return k.SourceID == r.SourceID && k.Name == r.Name && k.Kind == r.Kind && k.TokenEnv == r.TokenEnv && k.Enabled
}

// syncNamed brings the repositories and images the fleet file names
// itself up to date (a repository's row is written only when new or
// changed) and enqueues the scans of those that may have something new.
func (f *Fleet) syncNamed(ctx context.Context, srcs []store.Source) error {
	if len(srcs) == 0 {
		return nil
	}
	known, err := f.store.Repositories(ctx, 0, true)
	if err != nil {
		return err
	}
	byURL := make(map[string]store.Repository, len(known))
	for _, r := range known {
		byURL[r.URL] = r
	}
	var polled []int64
	var watch, write []store.Repository
	for _, src := range srcs {
		repos, err := f.listSource(ctx, src)
		if err != nil {
			f.log.Warn("source failed", "source", src.Name, "err", err)
			if perr := f.store.SourcePolled(ctx, src.ID, err.Error()); perr != nil {
				return perr
			}
			continue
		}
		polled = append(polled, src.ID)
		for _, r := range repos {
			r.SourceID, r.Enabled = src.ID, true
			k, ok := byURL[r.URL]
			if ok && sameRow(k, r) {
				watch = append(watch, k)
				continue
			}
			write = append(write, r)
		}
	}
	ids, err := f.store.UpsertRepositories(ctx, write)
	if err != nil {
		return err
	}
	for i := range write {
		write[i].ID = ids[i]
	}
	if err := f.store.SourcesPolled(ctx, polled); err != nil {
		return err
	}
	return f.enqueueScans(ctx, append(watch, write...), 0)
}

var errBadSpec = errors.New("bad source")

// listSource returns the repositories a source stands for.
func (f *Fleet) listSource(ctx context.Context, src store.Source) ([]store.Repository, error) {
	decode := func(v any) error {
		if err := json.Unmarshal([]byte(src.Spec), v); err != nil {
			return fmt.Errorf("%w %s: %v", errBadSpec, src.Name, err)
		}
		return nil
	}
	client := &enumerate.Client{HTTP: &http.Client{Timeout: time.Minute}}
	switch src.Kind {
	case "repository":
		var r conf.Repository
		if err := decode(&r); err != nil {
			return nil, err
		}
		u := r.CloneURL()
		return []store.Repository{{Name: cmp.Or(r.Name, repoName(u)), URL: u, Kind: "git", TokenEnv: r.TokenEnv}}, nil
	case "image":
		var im conf.Image
		if err := decode(&im); err != nil {
			return nil, err
		}
		return []store.Repository{{Name: im.Ref, URL: im.Ref, Kind: "image"}}, nil
	case "github":
		var g conf.GitHub
		if err := decode(&g); err != nil {
			return nil, err
		}
		tokenEnv := cmp.Or(g.TokenEnv, "GITHUB_TOKEN")
		list, err := client.GitHub(ctx, enumerate.GitHub{APIURL: g.APIURL, Org: g.Org, User: g.User, Token: f.getenv(tokenEnv), SSH: g.SSH})
		if err != nil {
			return nil, err
		}
		return listed(list, g.Archived, g.Forks, tokenEnv, g.SSH), nil
	case "gitlab":
		var g conf.GitLab
		if err := decode(&g); err != nil {
			return nil, err
		}
		tokenEnv := cmp.Or(g.TokenEnv, "GITLAB_TOKEN")
		list, err := client.GitLab(ctx, enumerate.GitLab{APIURL: g.APIURL, Group: g.Group, Token: f.getenv(tokenEnv), Subgroups: g.Subgroups == nil || *g.Subgroups, SSH: g.SSH})
		if err != nil {
			return nil, err
		}
		return listed(list, g.Archived, g.Forks, tokenEnv, g.SSH), nil
	case "twilio":
		return nil, nil // audited by its own jobs
	}
	return nil, fmt.Errorf("%w %s: unknown kind %q", errBadSpec, src.Name, src.Kind)
}

// listed keeps the listed repositories the source selects: archived ones
// and forks only when asked for.
func listed(list []enumerate.Repo, archived, forks bool, tokenEnv string, ssh bool) []store.Repository {
	var out []store.Repository
	for _, r := range list {
		if r.Archived && !archived || r.Fork && !forks || conf.CheckGitURL(r.CloneURL) != nil {
			continue
		}
		te := tokenEnv
		if ssh {
			te = ""
		}
		out = append(out, store.Repository{Name: r.Name, URL: r.CloneURL, Kind: "git", TokenEnv: te, ActivityAt: r.PushedAt})
	}
	return out
}

// repoName is a short name for a repository URL or path.
func repoName(u string) string {
	u = strings.TrimSuffix(strings.TrimRight(u, "/"), ".git")
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
		if j := strings.IndexByte(u, '/'); j >= 0 && !strings.HasPrefix(u, "/") {
			u = u[j+1:]
		}
	}
	if strings.Count(u, "/") > 1 {
		parts := strings.Split(u, "/")
		u = strings.Join(parts[len(parts)-2:], "/")
	}
	return filepath.ToSlash(u)
}
