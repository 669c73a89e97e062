package conf

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseSmallest(t *testing.T) {
	f, bad, err := Parse([]byte("[[repository]]\nurl = \"file:///srv/git/app.git\"\n"))
	if err != nil || len(bad) != 0 {
		t.Fatalf("Parse: %v %v", err, bad)
	}
	if time.Duration(f.Interval) != DefaultInterval || time.Duration(f.Reverify) != DefaultReverify || f.Verify {
		t.Errorf("defaults: %+v", f)
	}
	src := f.Sources()
	if len(src) != 1 || src[0].Name != "repo file:///srv/git/app.git" || src[0].Kind != "repository" {
		t.Errorf("sources: %+v", src)
	}
}

// TestParseBadEntries checks that each bad entry is reported on its own
// and the good ones survive.
func TestParseBadEntries(t *testing.T) {
	for _, tt := range []struct {
		name, toml, want string
	}{
		{"no url", "[[repository]]\nname = \"x\"", "repository 2: give url"},
		{"both", "[[repository]]\nurl = \"file:///a\"\npath = \"/a\"", "not both"},
		{"password in url", "[[repository]]\nurl = \"https://bob:hunter2@example.com/r.git\"", "token_env"},
		{"no scheme", "[[repository]]\nurl = \"example.com/r.git\"", "no scheme"},
		{"bad scheme", "[[repository]]\nurl = \"ftp://example.com/r.git\"", "not supported"},
		{"option injection", "[[repository]]\nurl = \"--upload-pack=touch /tmp/x\"", "not a repository URL"},
		{"github both", "[[github]]\norg = \"a\"\nuser = \"b\"", "github 1: give org or user"},
		{"github bad name", "[[github]]\norg = \"a/b\"", "not a GitHub account name"},
		{"gitlab traversal", "[[gitlab]]\ngroup = \"../x\"", "gitlab 1: group"},
		{"bad env", "[[github]]\norg = \"a\"\ntoken_env = \"$X\"", "not an environment variable name"},
		{"webhook unsigned", "[[output]]\ntype = \"webhook\"\nurl = \"https://h/x\"", "secret_env"},
		{"output type", "[[output]]\ntype = \"email\"\nurl = \"https://h/x\"", "want webhook or slack"},
		{"duplicate", "[[repository]]\nurl = \"file:///a\"\n[[repository]]\nurl = \"file:///a\"", "repository 3: same source as repository 2"},
		{"twilio", "[[twilio]]\nname = \"prod\"", "give account_sid_env and auth_token_env, or store"},
		{"twilio unnamed", "[[twilio]]\nstore = \"pass:twilio/prod\"", "twilio 1: give name"},
		{"twilio both", "[[twilio]]\nname = \"p\"\nstore = \"pass:t\"\naccount_sid_env = \"S\"\nauth_token_env = \"T\"", "not both"},
		{"twilio fields without store", "[[twilio]]\nname = \"p\"\naccount_sid_env = \"S\"\nauth_token_env = \"T\"\nauth_token_field = \"X\"", "give store"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			good := "[[repository]]\nurl = \"file:///good.git\"\n"
			f, bad, err := Parse([]byte(good + tt.toml))
			if err != nil {
				t.Fatal(err)
			}
			if len(bad) != 1 || !strings.Contains(bad[0].Error(), tt.want) {
				t.Fatalf("errors %v, want one with %q", bad, tt.want)
			}
			if bad[0].Error() == "" || strings.Contains(bad[0].Error(), "hunter2") {
				t.Errorf("error leaks the password: %v", bad[0])
			}
			if len(f.Repositories) == 0 || f.Repositories[0].URL != "file:///good.git" {
				t.Errorf("the good entry was lost: %+v", f.Repositories)
			}
		})
	}
}

func TestParseWholeFileErrors(t *testing.T) {
	for _, tt := range []struct{ toml, want string }{
		{"[[repository]\nurl = 1", "line 2"},
		{"intervl = \"5m\"", "unknown keys: intervl"},
		{"interval = \"five\"", "want a number with a unit"},
		{"interval = \"-5m\"", "must be positive"},
		{"full_check = -1", "want a number of passes"},
		// A malformed secret store URI stops the file, at its line.
		{"[[twilio]]\nname = \"p\"\nstore = \"pas:twilio/prod\"", "line 3"},
		{"[[twilio]]\nname = \"p\"\nstore = \"pas:twilio/prod\"", "did you mean pass"},
		{"[[twilio]]\nname = \"p\"\n\nstore = \"vault://v.example.com/secret\"", "line 4"},
		{"[[twilio]]\nname = \"p\"\nstore = \"twilio/prod\"", "no scheme"},
		{"[[twilio]]\nname = \"p\"\nstore = \"aws-sm://prod/twilio?regon=x\"", "unknown parameter"},
	} {
		if _, _, err := Parse([]byte(tt.toml)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Parse(%q) = %v, want %q", tt.toml, err, tt.want)
		}
	}
}

func TestLoadResolvesPaths(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "fleet.toml")
	if err := os.WriteFile(p, []byte("[[repository]]\npath = \"repos/app\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, _, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Repositories[0].Path; got != filepath.Join(dir, "repos/app") {
		t.Errorf("path = %s", got)
	}
	if err := os.WriteFile(p, []byte("[[twilio]]\nname = \"p\"\nstore = \"dotenv:secrets/twilio.env\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if f, _, err = Load(p); err != nil || string(f.Twilio[0].Store) != "dotenv:"+filepath.Join(dir, "secrets/twilio.env") {
		t.Errorf("store = %v, %v", f.Twilio, err)
	}
	if _, _, err := Load(filepath.Join(dir, "missing.toml")); err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("missing file: %v", err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("[[repository]]\nurl = \"file:///a\"\n[[github]]\norg = \"x\"\n"))
	f.Add([]byte("interval = \"1m\"\n[[output]]\ntype = \"slack\"\nurl_env = \"S\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fl, bad, err := Parse(data)
		if err != nil {
			return
		}
		for _, b := range bad {
			if b.Error() == "" {
				t.Fatal("empty error")
			}
		}
		for _, s := range fl.Sources() {
			if s.Name == "" {
				t.Fatal("unnamed source")
			}
		}
	})
}
