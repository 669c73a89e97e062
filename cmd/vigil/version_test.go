package main

import (
	"runtime/debug"
	"strings"
	"testing"
)

func TestResolveBuild(t *testing.T) {
	vcs := func(rev, time, modified string) []debug.BuildSetting {
		return []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: rev},
			{Key: "vcs.time", Value: time}, {Key: "vcs.modified", Value: modified}}
	}
	tests := []struct {
		name    string
		stamped build
		info    *debug.BuildInfo
		want    build
	}{
		{name: "no build info", want: build{Version: "(devel)"}},
		{name: "go test or go run", info: &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}},
			want: build{Version: "(devel)"}},
		{name: "go install @version records the module version",
			info: &debug.BuildInfo{Main: debug.Module{Version: "v1.2.3"}},
			want: build{Version: "v1.2.3"}},
		{name: "go build in a clone records the commit",
			info: &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261201100000-0123456789ab+dirty"},
				Settings: vcs("0123456789abcdef0123456789abcdef01234567", "2026-12-01T10:00:00Z", "true")},
			want: build{Version: "v0.0.0-20261201100000-0123456789ab+dirty", Commit: "0123456789abcdef0123456789abcdef01234567",
				Date: "2026-12-01T10:00:00Z", Modified: true}},
		{name: "a release build's stamp wins",
			stamped: build{Version: "v1.2.3", Commit: "fedcba9876543210fedcba9876543210fedcba98", Date: "2026-12-02T00:00:00Z"},
			info: &debug.BuildInfo{Main: debug.Module{Version: "(devel)"},
				Settings: vcs("0123456789abcdef0123456789abcdef01234567", "2026-12-01T10:00:00Z", "true")},
			want: build{Version: "v1.2.3", Commit: "fedcba9876543210fedcba9876543210fedcba98", Date: "2026-12-02T00:00:00Z"}},
		{name: "a stamped version alone keeps the recorded commit",
			stamped: build{Version: "v1.2.3"},
			info:    &debug.BuildInfo{Settings: vcs("0123456789abcdef0123456789abcdef01234567", "2026-12-01T10:00:00Z", "false")},
			want:    build{Version: "v1.2.3", Commit: "0123456789abcdef0123456789abcdef01234567", Date: "2026-12-01T10:00:00Z"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := resolveBuild(tt.stamped, tt.info)
			got.Go = ""
			if got != tt.want {
				t.Errorf("resolveBuild = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestBuildString(t *testing.T) {
	b := build{Version: "v1.2.3", Commit: "0123456789abcdef0123456789abcdef01234567", Date: "2026-12-01T10:00:00Z",
		Modified: true, Go: "go1.26.8 linux/amd64"}
	want := "vigil v1.2.3\ncommit 0123456789abcdef0123456789abcdef01234567 (modified)\ndate   2026-12-01T10:00:00Z\ngo     go1.26.8 linux/amd64\n"
	if got := b.String(); got != want {
		t.Errorf("String() =\n%s\nwant\n%s", got, want)
	}
	unknown := build{Version: "(devel)", Go: "go1.26.8 linux/amd64"}.String()
	if !strings.Contains(unknown, "commit unknown\ndate   unknown\n") {
		t.Errorf("an unstamped build should say what it does not know:\n%s", unknown)
	}
}
