package main

import (
	"bufio"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/vigilsec/vigil/internal/escape"
	"github.com/vigilsec/vigil/internal/sarifout"
	"github.com/vigilsec/vigil/internal/twiliosdk"
)

// registryEnv names a base URL serving every registry's API under
// /npm, /pypi, ... (a mirror; tests point it at a loopback fake). Only
// package names are sent there, never a credential.
const registryEnv = "VIGIL_SDK_REGISTRY_URL"

type sdkFlags struct {
	online bool
	format string
}

func newTwilioSDKCmd(a *app) *cobra.Command {
	var f sdkFlags
	cmd := &cobra.Command{
		Use:   "sdk [PATH]",
		Short: "Check that the Twilio helper libraries a project uses are up to date",
		Long: `Find the Twilio helper libraries a project uses — in the manifests and lock
files of the seven languages Twilio publishes them for — and report each
with its version, the newest release, how far behind it is, and whether
its major line is still supported. Only the current major version of each
library is supported (its VERSIONS.md): an older major is unsupported, an
older release of the current major is behind.

Files read under PATH (default: the current directory; node_modules,
vendor, .venv and other installed copies are passed over):
  Node.js  package.json, package-lock.json, npm-shrinkwrap.json, yarn.lock, pnpm-lock.yaml
  Python   requirements*.txt, pyproject.toml, Pipfile, poetry.lock, Pipfile.lock
  Java     pom.xml, build.gradle(.kts), gradle.lockfile
  C#       *.csproj, Directory.Packages.props, packages.config, packages.lock.json
  PHP      composer.json, composer.lock
  Ruby     Gemfile, Gemfile.lock
  Go       go.mod
Where a lock file sits beside its manifest, the lock file's version is the
one judged; a range with no lock file is judged by the lowest version it
allows.

The releases come from a table built into vigil (its date is shown);
--online reads them from the registries' public APIs instead (npm, PyPI,
Maven Central, NuGet, Packagist, RubyGems, the Go module proxy). No
credential is sent.

Exit codes: 0 every library is current, 1 one is behind or on an
unsupported major, 2 bad flags, 3 a file could not be read or a registry
could not be reached (and nothing was behind).`,
		Example: `  vigil twilio sdk
  vigil twilio sdk services/api --online
  vigil twilio sdk --format sarif > twilio-sdk.sarif`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			root := "."
			if len(args) == 1 {
				root = args[0]
			}
			return a.twilioSDK(cmd.Context(), root, f)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&f.online, "online", false, "read the newest releases from the registries instead of the embedded table")
	fl.StringVar(&f.format, "format", "text", "text, json or sarif")
	completeValues(cmd, "format", "text", "json", "sarif")
	return cmd
}

func (a *app) twilioSDK(ctx context.Context, root string, f sdkFlags) error {
	switch f.format {
	case "text", "json", "sarif":
	default:
		return withHint(usageError(fmt.Errorf("--format %q", f.format)), "use text, json or sarif")
	}
	rep, err := a.sdkReport(ctx, root, f.online)
	if err != nil {
		return err
	}
	for _, p := range rep.Problems {
		a.warnf("%s: not read: %v", p.File, p.Err)
	}
	for _, e := range rep.RegistryErrors {
		a.warnf("--online: %v; that library is judged against the embedded table of %s", e, embeddedDate())
	}
	switch f.format {
	case "json":
		err = writeSDKJSON(a.stdout, rep)
	case "sarif":
		log := sarifout.New(buildVersion())
		abs, _ := filepath.Abs(sdkBase(root))
		log.Base(sarifout.SrcRoot, abs, "the directory vigil twilio sdk searched")
		if err = rep.AddSARIF(log, ""); err == nil {
			if rep.Incomplete() {
				log.Fail()
			}
			err = log.Write(a.stdout)
		}
	default:
		err = writeSDKText(a.stdout, rep)
	}
	if err != nil {
		return runtimeError(err, "")
	}
	return sdkExit(rep)
}

// sdkBase is the directory paths in the report are relative to.
func sdkBase(root string) string {
	if fi, err := os.Stat(root); err == nil && !fi.IsDir() {
		return filepath.Dir(root)
	}
	return root
}

// sdkReport checks root against the embedded table, refreshed from the
// registries when online.
func (a *app) sdkReport(ctx context.Context, root string, online bool) (twiliosdk.Report, error) {
	table, err := twiliosdk.Embedded()
	if err != nil {
		return twiliosdk.Report{}, runtimeError(err, "")
	}
	var regErrs []error
	if online {
		regs := twiliosdk.PublicRegistries()
		if base := strings.TrimSpace(a.getenv(registryEnv)); base != "" {
			regs = twiliosdk.RegistriesAt(base)
			a.warnf("notice: %s: reading releases from %s, not from the registries", registryEnv, base)
		}
		fetch := twiliosdk.Fetcher{Client: &http.Client{Timeout: 30 * time.Second}, Registries: regs}
		table, regErrs = fetch.Refresh(ctx, table)
	}
	rep, err := twiliosdk.Check(ctx, root, table)
	rep.RegistryErrors = regErrs
	switch {
	case ctx.Err() != nil:
		return rep, interrupted(ctx.Err())
	case errors.Is(err, os.ErrNotExist):
		return rep, withHint(usageError(err), "give a project directory or a manifest file")
	case err != nil:
		return rep, usageError(err)
	}
	return rep, nil
}

func embeddedDate() string {
	t, err := twiliosdk.Embedded()
	if err != nil {
		return "?"
	}
	return t.AsOf.Format(time.DateOnly)
}

// sdkExit: 1 when a library is behind or unsupported, else 3 when a file
// or a registry could not be read, else 0.
func sdkExit(rep twiliosdk.Report) error {
	switch {
	case rep.Findings() > 0:
		return found()
	case rep.Incomplete():
		return incomplete()
	}
	return nil
}

func writeSDKText(w io.Writer, rep twiliosdk.Report) error {
	b := bufio.NewWriter(w)
	for _, as := range rep.Assessments {
		fmt.Fprintf(b, "%-11s %s:%d  %s %s", strings.ToUpper(string(as.Status)), escape.Name(as.File, ":"), as.Line, cmp.Or(as.Library, string(as.Ecosystem)), escape.Line(as.Spec))
		if !as.Latest.Version.IsZero() {
			fmt.Fprintf(b, "  (newest %s", as.Latest.Version)
			if !as.Latest.Date.IsZero() {
				fmt.Fprintf(b, " of %s", as.Latest.Date.Format(time.DateOnly))
			}
			fmt.Fprint(b, ")")
		}
		fmt.Fprintf(b, "\n            %s\n", escape.Line(as.Reason))
		if as.Declared != "" {
			fmt.Fprintf(b, "            declared: %s\n", escape.Line(as.Declared))
		}
	}
	n := rep.Counts()
	if len(rep.Assessments) == 0 {
		fmt.Fprintf(b, "No Twilio helper library in %s read under %s.\n", count(rep.Files, "manifest or lock file"), escape.Name(rep.Root, ""))
	} else {
		fmt.Fprintf(b, "\n%s of Twilio helper libraries in %s: %d current, %d behind, %d unsupported, %d unknown\n",
			count(len(rep.Assessments), "use"), count(rep.Files, "file"), n[twiliosdk.Current], n[twiliosdk.Behind], n[twiliosdk.Unsupported], n[twiliosdk.Unknown])
	}
	fmt.Fprintf(b, "%s\n", tableNote(rep.Table))
	if len(rep.Problems) > 0 {
		fmt.Fprintf(b, "%s could not be read (see above): the check is incomplete\n", count(len(rep.Problems), "file"))
	}
	return b.Flush()
}

// tableNote says where the releases came from and how old they are.
func tableNote(t *twiliosdk.Table) string {
	if t.Online {
		return fmt.Sprintf("Releases read from the registries on %s.", t.AsOf.Format(time.DateOnly))
	}
	return fmt.Sprintf("Releases from the table built into vigil, as of %s (--online reads the registries).", t.AsOf.Format(time.DateOnly))
}

type sdkJSONUse struct {
	Status         twiliosdk.Status    `json:"status"`
	File           string              `json:"file"`
	Line           int                 `json:"line"`
	Library        string              `json:"library"`
	Ecosystem      twiliosdk.Ecosystem `json:"ecosystem"`
	Spec           string              `json:"spec"`
	Version        string              `json:"version,omitempty"`
	Exact          bool                `json:"exact"`
	Lock           bool                `json:"lock"`
	Declared       string              `json:"declared,omitempty"`
	Released       string              `json:"released,omitempty"`
	Newest         string              `json:"newest,omitempty"`
	NewestReleased string              `json:"newest_released,omitempty"`
	ReleasesBehind int                 `json:"releases_behind"`
	MajorsBehind   int                 `json:"majors_behind"`
	DaysBehind     int                 `json:"days_behind"`
	Reason         string              `json:"reason"`
}

func writeSDKJSON(w io.Writer, rep twiliosdk.Report) error {
	day := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.Format(time.DateOnly)
	}
	out := struct {
		Root     string       `json:"root"`
		Table    any          `json:"table"`
		Uses     []sdkJSONUse `json:"uses"`
		Files    int          `json:"files_read"`
		Problems []string     `json:"problems,omitempty"`
		Registry []string     `json:"registry_errors,omitempty"`
	}{Root: rep.Root, Files: rep.Files, Uses: []sdkJSONUse{}}
	out.Table = map[string]any{"as_of": day(rep.Table.AsOf), "online": rep.Table.Online, "policy": rep.Table.Policy}
	for _, as := range rep.Assessments {
		u := sdkJSONUse{
			Status: as.Status, File: as.File, Line: as.Line, Library: as.Library, Ecosystem: as.Ecosystem,
			Spec: as.Spec, Exact: as.Exact, Lock: as.Lock, Declared: as.Declared, Reason: as.Reason,
			Released: day(as.Used.Date), NewestReleased: day(as.Latest.Date),
			ReleasesBehind: as.Newer, MajorsBehind: as.MajorsBehind, DaysBehind: int(as.Age.Hours() / 24),
		}
		if !as.Version.IsZero() {
			u.Version = as.Version.String()
		}
		if !as.Latest.Version.IsZero() {
			u.Newest = as.Latest.Version.String()
		}
		out.Uses = append(out.Uses, u)
	}
	for _, p := range rep.Problems {
		out.Problems = append(out.Problems, p.Error())
	}
	for _, e := range rep.RegistryErrors {
		out.Registry = append(out.Registry, e.Error())
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// count says "1 file", "2 files".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
