package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

// Stamped at link time by a release build (.goreleaser.yaml):
//
//	-X main.version=v1.2.3 -X main.commit=<sha> -X main.date=<RFC 3339>
//
// The linker can only set package-level strings, so these are the one
// exception to the no-globals rule; nothing writes them at run time.
var (
	version string
	commit  string
	date    string
)

// build says what vigil was built from.
type build struct {
	Version  string // semantic version (v1.2.3), a pseudo-version, or (devel)
	Commit   string // full commit hash, "" when unknown
	Date     string // commit date, RFC 3339, "" when unknown
	Modified bool   // built from a work tree with uncommitted changes
	Go       string // toolchain and platform: go1.26.8 linux/amd64
}

// currentBuild is this binary's build: what the release build stamped,
// else what the go command recorded (go install …@v1.2.3 records the module
// version; go build in a checkout records the commit).
func currentBuild() build {
	bi, _ := debug.ReadBuildInfo()
	return resolveBuild(build{Version: version, Commit: commit, Date: date}, bi)
}

// resolveBuild fills what stamped lacks from the go command's build info
// (nil when there is none). Stamped values win.
func resolveBuild(stamped build, bi *debug.BuildInfo) build {
	b := stamped
	b.Go = runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH
	if bi != nil {
		if b.Version == "" && bi.Main.Version != "" {
			b.Version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				if stamped.Commit == "" {
					b.Commit = s.Value
				}
			case "vcs.time":
				if stamped.Date == "" {
					b.Date = s.Value
				}
			case "vcs.modified":
				if stamped.Commit == "" {
					b.Modified = s.Value == "true"
				}
			}
		}
	}
	if b.Version == "" {
		b.Version = "(devel)"
	}
	return b
}

// String is what `vigil version` and `vigil --version` print: the version
// alone on the first line, so scripts can take that line.
func (b build) String() string {
	var s strings.Builder
	fmt.Fprintf(&s, "vigil %s\n", b.Version)
	c := b.Commit
	if c == "" {
		c = "unknown"
	}
	if b.Modified {
		c += " (modified)"
	}
	fmt.Fprintf(&s, "commit %s\n", c)
	d := b.Date
	if d == "" {
		d = "unknown"
	}
	fmt.Fprintf(&s, "date   %s\n", d)
	fmt.Fprintf(&s, "go     %s\n", b.Go)
	return s.String()
}

// buildVersion is the version alone, for User-Agent headers and reports.
func buildVersion() string { return currentBuild().Version }

func newVersionCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print vigil's version, commit and build date",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			fmt.Fprint(a.stdout, currentBuild())
			return nil
		},
	}
}
