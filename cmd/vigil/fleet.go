package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/vigilsec/vigil/fleet"
	"github.com/vigilsec/vigil/fleet/conf"
	"github.com/vigilsec/vigil/fleet/store"
)

func newFleetCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "fleet",
		Short: "Watch many repositories and images: incremental scans, incidents, verification, notifications",
		Long: `Watch every repository and image of a fleet file (fleet.toml): git URLs,
GitHub organisations and users, GitLab groups, local paths and container
images. Each repository is mirrored and only commits not scanned before are
scanned; each distinct secret is one incident, however many places hold it.

The jobs run on River, in a SQLite file under your data directory by
default, or on Postgres (--db postgres://…), where any number of
'vigil fleet worker' processes share the work.

Exit codes: scan-once exits 1 when open incidents remain, 3 when a source
failed; run and worker exit 130 after a clean stop on SIGTERM or Ctrl-C.`,
	}
	a.allowEndpointFlag(cmd.PersistentFlags())
	cmd.AddCommand(newFleetScanOnceCmd(a), newFleetRunCmd(a), newFleetWorkerCmd(a), newFleetStatusCmd(a), newFleetIncidentsCmd(a))
	return cmd
}

// fleetFlags are the flags every fleet command takes.
type fleetFlags struct {
	file, db, mirrors string
	scans             int
}

func (f *fleetFlags) register(fl *pflag.FlagSet, withFile bool) {
	if withFile {
		fl.StringVar(&f.file, "fleet", conf.DefaultFile, "the fleet file")
	}
	fl.StringVar(&f.db, "db", "", "the database: sqlite:PATH or postgres://USER@HOST/DB (default: sqlite under your data directory)")
}

func (f *fleetFlags) registerWork(fl *pflag.FlagSet) {
	fl.StringVar(&f.mirrors, "mirrors", "", "the directory of the git mirrors (default: the fleet file's mirrors, else your cache directory)")
	fl.IntVar(&f.scans, "scans", 0, "scan up to `N` repositories at once in this process (default: one per two cores)")
}

// open opens the database the flags name.
func (f *fleetFlags) open(ctx context.Context, a *app) (*store.Conn, error) {
	url := f.db
	if url == "" {
		url = a.getenv("VIGIL_FLEET_DB")
	}
	if url == "" {
		p, err := store.DefaultPath(a.getenv)
		if err != nil {
			return nil, usageError(err)
		}
		url = "sqlite:" + p
	}
	c, err := store.Open(ctx, url)
	if err != nil {
		if !strings.HasPrefix(url, "sqlite:") && !strings.HasPrefix(url, "postgres") {
			return nil, usageError(err)
		}
		return nil, runtimeError(err, "check that the database is running and the URL is right")
	}
	return c, nil
}

// openMigrated opens the store and brings its schema up to date.
func (f *fleetFlags) openMigrated(ctx context.Context, a *app) (*store.Conn, error) {
	c, err := f.open(ctx, a)
	if err != nil {
		return nil, err
	}
	if _, err := c.Migrate(ctx); err != nil {
		c.Close()
		return nil, runtimeError(err, "")
	}
	return c, nil
}

// load reads the fleet file; bad entries are reported and left out.
func (f *fleetFlags) load(a *app) (*conf.Fleet, int, error) {
	fl, bad, err := conf.Load(f.file)
	if err != nil {
		hint := ""
		if errors.Is(err, os.ErrNotExist) || strings.Contains(err.Error(), "no such file") {
			hint = "write a fleet.toml with at least one [[repository]] url = \"…\", or name one with --fleet"
		}
		return nil, 0, withHint(usageError(err), hint)
	}
	for _, b := range bad {
		a.warnf("%s: %v (this entry is skipped; the rest of the fleet is watched)", f.file, b)
	}
	if fl.Empty() {
		return nil, 0, usageError(fmt.Errorf("fleet file %s: nothing to watch", f.file))
	}
	return fl, len(bad), nil
}

// mirrorsDir is where the mirrors live.
func (f *fleetFlags) mirrorsDir(a *app, fl *conf.Fleet) (string, error) {
	if f.mirrors != "" {
		return f.mirrors, nil
	}
	if fl != nil && fl.Mirrors != "" {
		return fl.Mirrors, nil
	}
	if d := a.getenv("XDG_CACHE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "vigil", "mirrors"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", usageError(fmt.Errorf("no cache directory for the mirrors (%w): name one with --mirrors", err))
	}
	return filepath.Join(home, ".cache", "vigil", "mirrors"), nil
}

// newFleet builds the fleet's job client.
func (f *fleetFlags) newFleet(ctx context.Context, a *app, c *store.Conn, fl *conf.Fleet, opts fleet.Options) (*fleet.Fleet, error) {
	var err error
	opts.Conn, opts.Logger, opts.Getenv, opts.Environ, opts.Scans = c, a.logger, a.getenv, a.environ, f.scans
	if opts.Mirrors, err = f.mirrorsDir(a, fl); err != nil {
		return nil, err
	}
	if opts.VerifyBaseURLs, err = verifyBaseURLs(a); err != nil {
		return nil, err
	}
	if p := a.getenv("VIGIL_FLEET_SCAN_PAUSE"); p != "" {
		opts.ScanPause, _ = time.ParseDuration(p)
	}
	if t := a.getenv("VIGIL_FLEET_JOB_TIMEOUT"); t != "" {
		opts.JobTimeout, _ = time.ParseDuration(t)
		opts.RescueAfter = opts.JobTimeout + time.Second
	}
	fl2, err := fleet.New(ctx, opts)
	if err != nil {
		return nil, runtimeError(err, "")
	}
	return fl2, nil
}

// verifyBaseURLs reads VIGIL_VERIFY_BASE_URLS (and the Twilio base URL),
// as 'vigil scan --verify' does.
func verifyBaseURLs(a *app) (map[string]string, error) {
	var o verifyOptions
	return o.baseURLMap(a)
}
