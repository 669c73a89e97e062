// Package conf reads a fleet file (fleet.toml): the repositories, GitHub
// organisations and users, GitLab groups, local paths and container images
// that vigil fleet watches, and where it sends notifications.
//
// A fleet file never holds a token or a signing secret: it names the
// environment variables that do (token_env, secret_env, url_env), or for
// a Twilio account the secret store, so the file can be committed and its
// content stored in the fleet database.
//
// Errors in one source do not invalidate the others: Parse returns every
// valid source and, for each invalid one, a SourceError naming it.
package conf

import (
	"cmp"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/internal/secretstore"
)

// DefaultFile is the fleet file read when none is named.
const DefaultFile = "fleet.toml"

// Defaults for settings left out.
const (
	DefaultInterval = 5 * time.Minute
	DefaultReverify = 24 * time.Hour
	DefaultAudit    = 24 * time.Hour
	// DefaultFullCheck is FullCheck's default.
	DefaultFullCheck = 12
)

// Fleet is the content of a fleet file.
type Fleet struct {
	// Interval is how often every source is polled for new commits and
	// tags.
	Interval Duration `toml:"interval" json:"interval"`
	// Reverify is how often each open incident is verified again.
	Reverify Duration `toml:"reverify" json:"reverify"`
	// Audit is how often each [[twilio]] account is audited and checked
	// for exposure (the check covers the time since the last one).
	Audit Duration `toml:"audit" json:"audit"`
	// Verify sends each new credential to its provider to ask whether it
	// is live. It is off unless set: verifying sends the credential.
	Verify bool `toml:"verify" json:"verify"`
	// Confidence is the lowest confidence that makes an incident
	// (default medium).
	Confidence vigil.Confidence `toml:"confidence" json:"confidence"`
	// FullCheck makes every Nth pass ask the remote of each repository
	// listed through the GitHub or GitLab API for its refs even when the
	// listing says nothing was pushed since the last check (default 12:
	// hourly at the default interval; 1 asks at every pass).
	FullCheck int `toml:"full_check" json:"full_check,omitempty"`
	// Mirrors is the directory of the git mirrors (default: the user's
	// cache directory).
	Mirrors string `toml:"mirrors" json:"mirrors,omitempty"`

	Repositories []Repository `toml:"repository" json:"repository,omitempty"`
	GitHub       []GitHub     `toml:"github" json:"github,omitempty"`
	GitLab       []GitLab     `toml:"gitlab" json:"gitlab,omitempty"`
	Images       []Image      `toml:"image" json:"image,omitempty"`
	Twilio       []Twilio     `toml:"twilio" json:"twilio,omitempty"`
	Outputs      []Output     `toml:"output" json:"output,omitempty"`

	// Path is where the file was read from.
	Path string `toml:"-" json:"-"`
}

// Repository is one git repository: a URL (https, ssh, git, file) or a
// local path.
type Repository struct {
	URL  string `toml:"url" json:"url,omitempty"`
	Path string `toml:"path" json:"path,omitempty"`
	// Name is how the repository is shown (default: from the URL).
	Name string `toml:"name" json:"name,omitempty"`
	// TokenEnv names a variable holding an HTTPS token for the URL.
	TokenEnv string `toml:"token_env" json:"token_env,omitempty"`
}

// GitHub is every repository of an organisation or a user.
type GitHub struct {
	Org  string `toml:"org" json:"org,omitempty"`
	User string `toml:"user" json:"user,omitempty"`
	// APIURL is the REST API root (default https://api.github.com; GitHub
	// Enterprise: https://HOST/api/v3).
	APIURL string `toml:"api_url" json:"api_url,omitempty"`
	// TokenEnv names the variable holding the token (default
	// GITHUB_TOKEN); without one, only public repositories are listed.
	TokenEnv string `toml:"token_env" json:"token_env,omitempty"`
	Archived bool   `toml:"archived" json:"archived,omitempty"`
	Forks    bool   `toml:"forks" json:"forks,omitempty"`
	// SSH clones over ssh_url instead of clone_url.
	SSH bool `toml:"ssh" json:"ssh,omitempty"`
}

// GitLab is every project of a group (and its subgroups).
type GitLab struct {
	Group string `toml:"group" json:"group"`
	// APIURL is the REST API root (default https://gitlab.com/api/v4).
	APIURL string `toml:"api_url" json:"api_url,omitempty"`
	// TokenEnv names the variable holding the token (default
	// GITLAB_TOKEN).
	TokenEnv  string `toml:"token_env" json:"token_env,omitempty"`
	Archived  bool   `toml:"archived" json:"archived,omitempty"`
	Forks     bool   `toml:"forks" json:"forks,omitempty"`
	Subgroups *bool  `toml:"subgroups" json:"subgroups,omitempty"`
	SSH       bool   `toml:"ssh" json:"ssh,omitempty"`
}

// Image is a container image: a reference with a tag (that tag is
// watched), a repository without one (every tag is watched), or a docker
// save tarball or OCI layout on disk.
type Image struct {
	Ref string `toml:"ref" json:"ref"`
}

// Twilio is an account whose hardening audit and exposure check run on
// schedule. Its credentials come from the environment variables it names,
// or from a secret store (the URIs 'vigil twilio rotate --store' takes),
// read at each run so that a rotated credential is picked up.
type Twilio struct {
	Name          string `toml:"name" json:"name"`
	AccountSIDEnv string `toml:"account_sid_env" json:"account_sid_env,omitempty"`
	AuthTokenEnv  string `toml:"auth_token_env" json:"auth_token_env,omitempty"`
	// Store holds the credential: the Account SID with the Auth Token, or
	// with an API key and its secret (a Main key).
	Store StoreURI `toml:"store" json:"store,omitempty"`
	// The store's field names (defaults TWILIO_ACCOUNT_SID,
	// TWILIO_AUTH_TOKEN, TWILIO_API_KEY, TWILIO_API_SECRET, as rotate
	// writes them).
	AccountSIDField string `toml:"account_sid_field" json:"account_sid_field,omitempty"`
	AuthTokenField  string `toml:"auth_token_field" json:"auth_token_field,omitempty"`
	APIKeyField     string `toml:"api_key_field" json:"api_key_field,omitempty"`
	APISecretField  string `toml:"api_secret_field" json:"api_secret_field,omitempty"`
}

// Fields are the store's field names of the Account SID, Auth Token, API
// key and API key secret.
func (t Twilio) Fields() [4]string {
	return [4]string{cmp.Or(t.AccountSIDField, "TWILIO_ACCOUNT_SID"), cmp.Or(t.AuthTokenField, "TWILIO_AUTH_TOKEN"),
		cmp.Or(t.APIKeyField, "TWILIO_API_KEY"), cmp.Or(t.APISecretField, "TWILIO_API_SECRET")}
}

// StoreURI is a secret store URI; a malformed one is an error of the
// fleet file at its line.
type StoreURI string

// UnmarshalText checks the URI's form (secretstore.Check).
func (u *StoreURI) UnmarshalText(b []byte) error {
	if err := secretstore.Check(string(b)); err != nil {
		return err
	}
	*u = StoreURI(b)
	return nil
}

// Output is where notifications go: a generic JSON webhook signed with
// HMAC-SHA256, or a Slack-compatible incoming webhook.
type Output struct {
	Type string `toml:"type" json:"type"` // "webhook" or "slack"
	// URL, or URLEnv naming a variable holding it (a Slack webhook URL
	// is itself a secret).
	URL    string `toml:"url" json:"url,omitempty"`
	URLEnv string `toml:"url_env" json:"url_env,omitempty"`
	// SecretEnv names the variable holding the HMAC key (webhook only).
	SecretEnv string `toml:"secret_env" json:"secret_env,omitempty"`
	// Name identifies the output in the database (default: type and
	// position).
	Name string `toml:"name" json:"name,omitempty"`
}

// Duration is a time.Duration written "5m", "1h30m".
type Duration time.Duration

// UnmarshalText parses a duration.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("duration %q: want a number with a unit, such as 90s, 5m or 24h", b)
	}
	if v <= 0 {
		return fmt.Errorf("duration %q must be positive", b)
	}
	*d = Duration(v)
	return nil
}

// MarshalText writes the duration.
func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

// SourceError is an invalid entry of the fleet file: the rest of the fleet
// is still watched.
type SourceError struct {
	// Source names the entry: "repository 3", "github acme".
	Source string
	Err    error
}

func (e *SourceError) Error() string { return e.Source + ": " + e.Err.Error() }
func (e *SourceError) Unwrap() error { return e.Err }

// Load reads and checks a fleet file. A file that cannot be read or parsed
// is an error; invalid entries are dropped from the result and returned as
// SourceErrors beside it.
func Load(path string) (*Fleet, []*SourceError, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil, fmt.Errorf("fleet file %s: no such file", path)
		}
		return nil, nil, fmt.Errorf("fleet file: %w", err)
	}
	f, bad, err := Parse(data)
	var le *LineError
	if errors.As(err, &le) {
		return nil, nil, fmt.Errorf("fleet file %s:%d: %s", path, le.Line, le.Msg)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("fleet file %s: %w", path, err)
	}
	f.Path = path
	dir, _ := filepath.Abs(filepath.Dir(path))
	f.resolvePaths(dir)
	return f, bad, nil
}

// LineError is a fleet file that is not valid TOML, at Line (1-based).
type LineError struct {
	Line int
	Msg  string
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// Parse reads a fleet file's content (see Load).
func Parse(data []byte) (*Fleet, []*SourceError, error) {
	var f Fleet
	md, err := toml.Decode(string(data), &f)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, nil, &LineError{Line: pe.Position.Line, Msg: pe.Message}
		}
		return nil, nil, err
	}
	if und := md.Undecoded(); len(und) > 0 {
		keys := make([]string, len(und))
		for i, k := range und {
			keys[i] = k.String()
		}
		return nil, nil, fmt.Errorf("unknown keys: %s", strings.Join(keys, ", "))
	}
	if f.Interval == 0 {
		f.Interval = Duration(DefaultInterval)
	}
	if f.Reverify == 0 {
		f.Reverify = Duration(DefaultReverify)
	}
	if f.Audit == 0 {
		f.Audit = Duration(DefaultAudit)
	}
	if f.Confidence == 0 {
		f.Confidence = vigil.Medium
	}
	switch {
	case f.FullCheck == 0:
		f.FullCheck = DefaultFullCheck
	case f.FullCheck < 0:
		return nil, nil, fmt.Errorf("full_check = %d: want a number of passes, 1 or more", f.FullCheck)
	}
	bad := f.check()
	return &f, bad, nil
}

// Empty reports whether the fleet has nothing to watch.
func (f *Fleet) Empty() bool {
	return len(f.Repositories)+len(f.GitHub)+len(f.GitLab)+len(f.Images)+len(f.Twilio) == 0
}
