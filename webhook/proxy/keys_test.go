package proxy

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

func TestLoadKeysAtStart(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	os.WriteFile(empty, []byte("# only a comment\n\n"), 0o600)
	bad := filepath.Join(dir, "bad")
	os.WriteFile(bad, []byte("ok-token\nAC123=x\n"), 0o600)
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	tests := []struct {
		name    string
		loaders []Loader
		want    string
	}{
		{"missing file", []Loader{FileLoader{Path: filepath.Join(dir, "nope")}}, "no such file"},
		{"empty file", []Loader{FileLoader{Path: empty}}, "no token found"},
		{"bad line", []Loader{FileLoader{Path: bad}}, "line 2: before '=' expected an Account SID"},
		{"unset env", []Loader{EnvLoader{Names: []string{"TWILIO_AUTH_TOKEN"}, Getenv: env(nil)}}, "TWILIO_AUTH_TOKEN is not set"},
		{"no loader", nil, "no token source"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadKeys(context.Background(), tc.loaders, nil, nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
	a, b, c := newToken(t), newToken(t), newToken(t)
	k, err := LoadKeys(context.Background(), []Loader{EnvLoader{Names: []string{"NEW", "OLD"}, Getenv: env(map[string]string{
		"NEW": a + ", AC" + strings.Repeat("0", 32) + "=" + c, "OLD": b,
	})}}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if ts := k.Keyring().Tokens(""); len(ts) != 2 || ts[0].Reveal() != a || ts[1].Reveal() != b {
		t.Errorf("env tokens %v", ts)
	}
	if k.Keyring().Accounts() != 1 {
		t.Errorf("env subaccount token missing")
	}
}

func TestKeysReload(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "tokens")
	a, b := newToken(t), newToken(t)
	os.WriteFile(path, []byte(a+"\n"), 0o644)
	logs := &syncBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, nil))
	m := NewMetrics(prometheus.NewRegistry())
	ctx := context.Background()
	k, err := LoadKeys(ctx, []Loader{FileLoader{Path: path, Logger: log}}, log, m)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "readable by group or others") {
		t.Errorf("no warning about a world-readable token file: %s", logs)
	}
	for _, step := range []struct {
		name, content string // "" with remove: the file is deleted
		remove        bool
		wantErr       bool
		want          string
	}{
		{"rotated", b + "\n" + a + "\n", false, false, b},
		{"emptied", "\n# nothing\n", false, true, b},
		{"removed", "", true, true, b},
		{"garbage", "a b c\n", false, true, b},
		{"restored", a + "\n", false, false, a},
	} {
		if step.remove {
			os.Remove(path)
		} else {
			os.WriteFile(path, []byte(step.content), 0o600)
		}
		err := k.Reload(ctx)
		if (err != nil) != step.wantErr {
			t.Fatalf("%s: Reload error %v", step.name, err)
		}
		if got := k.Keyring().Tokens("")[0].Reveal(); got != step.want {
			t.Errorf("%s: token in force is not the expected one", step.name)
		}
	}
	if !strings.Contains(logs.String(), "TOKEN RELOAD FAILED") {
		t.Errorf("failed reload not logged loudly: %s", logs)
	}
	if strings.Contains(logs.String(), a) || strings.Contains(logs.String(), b) {
		t.Errorf("logs hold a token")
	}
	if got := testutil.ToFloat64(m.reloads.WithLabelValues("failed")); got != 3 {
		t.Errorf("failed reloads counted %v, want 3", got)
	}
	if got := testutil.ToFloat64(m.tokens); got != 1 {
		t.Errorf("tokens gauge %v, want 1", got)
	}
}
