package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/internal/fakecred"
	"github.com/vigilsec/vigil/internal/gittest"
)

// TestPartLocations checks that the Account SID paired with an Auth Token
// is located — file, member, commit or image step, and line — in files,
// archives, git history and images, in JSON (part_locations), text and
// SARIF (relatedLocations).
func TestPartLocations(t *testing.T) {
	g := fakecred.New(5)
	sid, tok := g.MustExpand("AC{hex:32}"), g.MustExpand("{hex:32}")
	env := "TWILIO_ACCOUNT_SID=" + sid + "\n# the token\nTWILIO_AUTH_TOKEN=" + tok + "\n"
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "files", "app.env"), env)
	writeFile(t, filepath.Join(dir, "zip", "app.zip"), zipOf(t, map[string]string{"conf/app.env": env}))
	repo := gittest.New(t)
	repo.Commit("readme", "", map[string]string{"README.md": "# app\n"})
	intro := repo.Commit("settings", "", map[string]string{"deploy/app.env": env})
	image := imageOf(t, dir, v1.Config{Env: []string{"TWILIO_ACCOUNT_SID=" + sid, "TWILIO_AUTH_TOKEN=" + tok}}, []v1.History{
		{CreatedBy: "COPY motd /etc/"},
		{CreatedBy: "ENV TWILIO_ACCOUNT_SID=" + sid, EmptyLayer: true},
		{CreatedBy: "ENV TWILIO_AUTH_TOKEN=" + tok, EmptyLayer: true},
	})
	for _, tc := range []struct {
		name    string
		args    []string
		path    string
		line    int
		commit  string
		setBy   string
		members []string
	}{
		{"file", []string{filepath.Join(dir, "files")}, filepath.Join(dir, "files", "app.env"), 1, "", "", nil},
		{"archive", []string{filepath.Join(dir, "zip")}, filepath.Join(dir, "zip", "app.zip") + "!conf/app.env", 1, "", "", []string{"conf/app.env"}},
		{"git", []string{"--git", repo.Dir}, "deploy/app.env", 1, intro, "", nil},
		{"image", []string{"--image", image}, "@config/env", 1, "", "ENV TWILIO_ACCOUNT_SID=", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, out, stderr := scanRun(t, append([]string{"-f", "json"}, tc.args...)...)
			var rep struct {
				Findings []struct {
					Rule          string                  `json:"rule"`
					PartLocations map[string]vigil.Origin `json:"part_locations"`
				} `json:"findings"`
			}
			if err := json.Unmarshal([]byte(out), &rep); err != nil {
				t.Fatalf("%v\n%s", err, stderr)
			}
			var o vigil.Origin
			for _, f := range rep.Findings {
				if p, ok := f.PartLocations["account_sid"]; ok && f.Rule == "twilio-auth-token" && (o.Path == "" || p.Path == tc.path) {
					o = p
				}
			}
			if o.Path != tc.path || o.Line != tc.line || o.Column != len("TWILIO_ACCOUNT_SID=")+1 || strings.Join(o.Members, "|") != strings.Join(tc.members, "|") {
				t.Errorf("the Account SID is at %s:%d:%d %v, want %s:%d", o.Path, o.Line, o.Column, o.Members, tc.path, tc.line)
			}
			if tc.commit != "" && (o.Commit == nil || o.Commit.SHA != tc.commit) {
				t.Errorf("the Account SID's commit: %+v, want %s", o.Commit, tc.commit)
			}
			if tc.setBy != "" && (o.Layer == nil || !strings.HasPrefix(o.Layer.CreatedBy, tc.setBy)) {
				t.Errorf("the Account SID's image step: %+v, want %s…", o.Layer, tc.setBy)
			}
			_, text, _ := scanRun(t, tc.args...)
			if !strings.Contains(text, "account_sid at ") {
				t.Errorf("text does not say where the Account SID is:\n%s", text)
			}
			_, sarif, _ := scanRun(t, append([]string{"-f", "sarif"}, tc.args...)...)
			if !strings.Contains(sarif, `"relatedLocations"`) || !strings.Contains(sarif, `"text": "account_sid"`) {
				t.Errorf("SARIF has no related location for the Account SID:\n%s", sarif)
			}
		})
	}
}
