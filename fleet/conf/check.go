package conf

import (
	"cmp"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/vigilsec/vigil/internal/secretstore"
)

// Source is one checked entry of a fleet file, as the fleet stores it.
type Source struct {
	// Name identifies the source across runs: "repo file:///srv/app.git",
	// "github org/acme", "gitlab group/acme/web", "image ghcr.io/acme/app".
	Name string
	// Kind is "repository", "github", "gitlab", "image" or "twilio".
	Kind string
	// Entry is the entry itself (a Repository, GitHub, GitLab, Image or
	// Twilio value).
	Entry any
}

// Sources lists the valid entries, in file order.
func (f *Fleet) Sources() []Source {
	var out []Source
	for _, r := range f.Repositories {
		out = append(out, Source{Name: "repo " + r.CloneURL(), Kind: "repository", Entry: r})
	}
	for _, g := range f.GitHub {
		out = append(out, Source{Name: "github " + g.owner(), Kind: "github", Entry: g})
	}
	for _, g := range f.GitLab {
		out = append(out, Source{Name: "gitlab group/" + g.Group, Kind: "gitlab", Entry: g})
	}
	for _, i := range f.Images {
		out = append(out, Source{Name: "image " + i.Ref, Kind: "image", Entry: i})
	}
	for _, t := range f.Twilio {
		out = append(out, Source{Name: "twilio " + t.Name, Kind: "twilio", Entry: t})
	}
	return out
}

// CloneURL is what git fetches from: the URL, or the path.
func (r Repository) CloneURL() string {
	if r.URL != "" {
		return r.URL
	}
	return r.Path
}

func (g GitHub) owner() string {
	if g.Org != "" {
		return "org/" + g.Org
	}
	return "user/" + g.User
}

// scpLike matches git's user@host:path form of an ssh URL.
var scpLike = regexp.MustCompile(`^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^/]`)

// envName matches an environment variable name.
var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// CheckGitURL checks a repository URL: https, http, ssh, git or file, or
// git's user@host:path; credentials never belong in it.
func CheckGitURL(raw string) error {
	if strings.HasPrefix(raw, "-") || strings.ContainsAny(raw, "\n\r\x00 ") {
		return fmt.Errorf("%q is not a repository URL", raw)
	}
	if scpLike.MatchString(raw) {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("%q is not a repository URL: %w", raw, errors.Unwrap(err))
	}
	switch u.Scheme {
	case "https", "http", "git":
		if u.Host == "" {
			return fmt.Errorf("%q has no host", raw)
		}
		if _, hasPass := u.User.Password(); hasPass {
			return fmt.Errorf("%s holds a password: put the token in an environment variable and name it with token_env", redactURL(u))
		}
	case "ssh":
		if u.Host == "" {
			return fmt.Errorf("%q has no host", raw)
		}
	case "file":
		if u.Path == "" {
			return fmt.Errorf("%q has no path", raw)
		}
	case "":
		return fmt.Errorf("%q has no scheme: want https://, ssh://, git:// or file://, or write it as path = %q", raw, raw)
	default:
		return fmt.Errorf("%q: scheme %s is not supported (want https, ssh, git or file)", raw, u.Scheme)
	}
	return nil
}

func redactURL(u *url.URL) string {
	c := *u
	c.User = url.UserPassword(u.User.Username(), "xxxxx")
	return c.String()
}

// check drops invalid entries and returns why each was dropped. Relative
// paths are left for Load to resolve.
func (f *Fleet) check() []*SourceError {
	var bad []*SourceError
	fail := func(what string, err error) { bad = append(bad, &SourceError{Source: what, Err: err}) }
	seen := map[string]string{}
	dup := func(name, what string) bool {
		if prev, ok := seen[name]; ok {
			fail(what, fmt.Errorf("same source as %s", prev))
			return true
		}
		seen[name] = what
		return false
	}

	var repos []Repository
	for i, r := range f.Repositories {
		what := fmt.Sprintf("repository %d", i+1)
		var err error
		switch {
		case r.URL != "" && r.Path != "":
			err = errors.New("give url or path, not both")
		case r.URL == "" && r.Path == "":
			err = errors.New("give url (https://, ssh://, git://, file://) or path")
		case r.URL != "":
			err = CheckGitURL(r.URL)
		}
		if err == nil {
			err = checkEnv(r.TokenEnv, "token_env")
		}
		if err != nil {
			fail(what, err)
			continue
		}
		if !dup("repo "+r.CloneURL(), what) {
			repos = append(repos, r)
		}
	}
	f.Repositories = repos

	var ghs []GitHub
	for i, g := range f.GitHub {
		what := fmt.Sprintf("github %d", i+1)
		var err error
		switch {
		case (g.Org == "") == (g.User == ""):
			err = errors.New("give org or user (one of them)")
		case !ownerName.MatchString(g.Org + g.User):
			err = fmt.Errorf("%q is not a GitHub account name", g.Org+g.User)
		default:
			err = cmp.Or(checkAPIURL(g.APIURL), checkEnv(g.TokenEnv, "token_env"))
		}
		if err != nil {
			fail(what, err)
			continue
		}
		if !dup("github "+g.owner(), what) {
			ghs = append(ghs, g)
		}
	}
	f.GitHub = ghs

	var gls []GitLab
	for i, g := range f.GitLab {
		what := fmt.Sprintf("gitlab %d", i+1)
		var err error
		if g.Group == "" || strings.HasPrefix(g.Group, "/") || strings.Contains(g.Group, "..") {
			err = fmt.Errorf("group %q: want a group path such as acme or acme/platform", g.Group)
		} else {
			err = cmp.Or(checkAPIURL(g.APIURL), checkEnv(g.TokenEnv, "token_env"))
		}
		if err != nil {
			fail(what, err)
			continue
		}
		if !dup("gitlab group/"+g.Group, what) {
			gls = append(gls, g)
		}
	}
	f.GitLab = gls

	var imgs []Image
	for i, im := range f.Images {
		what := fmt.Sprintf("image %d", i+1)
		if im.Ref == "" || strings.HasPrefix(im.Ref, "-") {
			fail(what, errors.New("give ref: an image reference (registry/repo[:tag]) or the path of a docker save tarball or OCI layout"))
			continue
		}
		if !dup("image "+im.Ref, what) {
			imgs = append(imgs, im)
		}
	}
	f.Images = imgs

	var tws []Twilio
	for i, t := range f.Twilio {
		what := fmt.Sprintf("twilio %d", i+1)
		err := cmp.Or(checkEnv(t.AccountSIDEnv, "account_sid_env"), checkEnv(t.AuthTokenEnv, "auth_token_env"))
		env := t.AccountSIDEnv != "" || t.AuthTokenEnv != ""
		fields := t.AccountSIDField + t.AuthTokenField + t.APIKeyField + t.APISecretField
		switch {
		case err != nil:
		case t.Name == "":
			err = errors.New("give name")
		case t.Store != "" && env:
			err = errors.New("give store, or account_sid_env and auth_token_env, not both")
		case t.Store == "" && (t.AccountSIDEnv == "" || t.AuthTokenEnv == ""):
			err = errors.New("give account_sid_env and auth_token_env, or store (a secret store URI such as pass:twilio/prod)")
		case t.Store == "" && fields != "":
			err = errors.New("the *_field names are the fields of a store: give store")
		case strings.ContainsAny(fields, "\n\r\x00="):
			err = errors.New("a field name holds a newline or '='")
		}
		if err != nil {
			fail(what, err)
			continue
		}
		if !dup("twilio "+t.Name, what) {
			tws = append(tws, t)
		}
	}
	f.Twilio = tws

	var outs []Output
	for i, o := range f.Outputs {
		what := fmt.Sprintf("output %d", i+1)
		if o.Name == "" {
			o.Name = fmt.Sprintf("%s-%d", o.Type, i+1)
		}
		if err := o.check(); err != nil {
			fail(what, err)
			continue
		}
		if !dup("output "+o.Name, what) {
			outs = append(outs, o)
		}
	}
	f.Outputs = outs
	return bad
}

func (o Output) check() error {
	if o.Type != "webhook" && o.Type != "slack" {
		return fmt.Errorf("type %q: want webhook or slack", o.Type)
	}
	if (o.URL == "") == (o.URLEnv == "") {
		return errors.New("give url or url_env (one of them)")
	}
	if o.URL != "" {
		u, err := url.Parse(o.URL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return fmt.Errorf("url %q: want an http(s) URL", o.URL)
		}
	}
	if o.Type == "webhook" && o.SecretEnv == "" {
		return errors.New("a webhook output needs secret_env: the variable holding the HMAC-SHA256 key its receiver checks")
	}
	if o.Type == "slack" && o.SecretEnv != "" {
		return errors.New("slack webhooks are not signed: drop secret_env")
	}
	return cmp.Or(checkEnv(o.URLEnv, "url_env"), checkEnv(o.SecretEnv, "secret_env"))
}

// ownerName matches a GitHub user or organisation login.
var ownerName = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$`)

func checkAPIURL(s string) error {
	if s == "" {
		return nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" {
		return fmt.Errorf("api_url %q: want an http(s) URL without a query", s)
	}
	return nil
}

func checkEnv(name, key string) error {
	if name != "" && !envName.MatchString(name) {
		return fmt.Errorf("%s %q is not an environment variable name", key, name)
	}
	return nil
}

// resolvePaths makes relative paths of repositories and images relative
// to the fleet file's directory.
func (f *Fleet) resolvePaths(dir string) {
	for i := range f.Repositories {
		if p := f.Repositories[i].Path; p != "" && !filepath.IsAbs(p) {
			f.Repositories[i].Path = filepath.Join(dir, p)
		}
	}
	for i := range f.Twilio {
		if u := f.Twilio[i].Store; u != "" {
			f.Twilio[i].Store = StoreURI(secretstore.Resolve(string(u), dir))
		}
	}
	for i := range f.Images {
		if p := f.Images[i].Ref; strings.HasPrefix(p, "./") || strings.HasPrefix(p, "../") {
			f.Images[i].Ref = filepath.Join(dir, p)
		}
	}
}
