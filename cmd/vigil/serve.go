package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/vigilsec/vigil/fleet"
	"github.com/vigilsec/vigil/fleet/store"
	"github.com/vigilsec/vigil/internal/rotate"
	"github.com/vigilsec/vigil/serve"
	"github.com/vigilsec/vigil/twilio/rest"
)

// serveFlags are the options of vigil serve.
type serveFlags struct {
	fleet                 fleetFlags
	listen, certFile, key string
	journals, audits      string
	secureCookies         bool
}

func newServeCmd(a *app) *cobra.Command {
	var f serveFlags
	cmd := &cobra.Command{
		Use:   "serve [--db URL] [--listen ADDR]",
		Short: "Serve the console: incidents, triage, rotation and audits in a browser, and a JSON API",
		Long: `Serve vigil's console on the fleet's database: an overview, the incidents
with filters and search, each incident's occurrences, verifications and
timeline, triage (acknowledge, resolve, ignore, re-verify), for Twilio
credentials a rotation and an exposure report, the Twilio accounts' latest
audits, and the repositories' scan state. The same pages answer JSON under
/api (with an API token: Authorization: Bearer vigil_…).

Create the first admin with 'vigil serve user add NAME --role admin'
(the password is read from stdin). Roles: viewer (reads), member
(triages), admin (rotates, manages users and settings).

The console listens on loopback unless --listen says otherwise; serve it
over TLS (--tls-cert and --tls-key, or a proxy with --secure-cookies)
anywhere else. No page ever shows a secret.`,
		Example: `  printf '%s\n' "$ADMIN_PASSWORD" | vigil serve user add alice --role admin
  vigil serve --db postgres://vigil@db/vigil --listen 127.0.0.1:8080
  vigil serve token create --user ci --name nightly-report`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return a.serve(cmd.Context(), f) },
	}
	fl := cmd.Flags()
	f.fleet.register(fl, false)
	fl.StringVar(&f.listen, "listen", "127.0.0.1:8080", "address to listen on")
	fl.StringVar(&f.certFile, "tls-cert", "", "serve HTTPS with this certificate (PEM)")
	fl.StringVar(&f.key, "tls-key", "", "the certificate's private key (PEM)")
	fl.BoolVar(&f.secureCookies, "secure-cookies", false, "mark cookies Secure (behind a proxy that terminates TLS; implied by --tls-cert)")
	fl.StringVar(&f.journals, "journals", "", "directory of the journals of rotations started from the console (default: rotations/ beside the database)")
	fl.StringVar(&f.audits, "audits", "", "show Twilio audit reports ('vigil twilio audit --format json') from `DIR` instead of the runs the fleet stored")
	cmd.AddCommand(newServeUserCmd(a), newServeTokenCmd(a))
	return cmd
}

func (a *app) serve(ctx context.Context, f serveFlags) error {
	if (f.certFile == "") != (f.key == "") {
		return usageError(errors.New("give both --tls-cert and --tls-key, or neither"))
	}
	c, err := f.fleet.openMigrated(ctx, a)
	if err != nil {
		return err
	}
	defer c.Close()
	jobs, err := fleet.New(ctx, fleet.Options{Conn: c, InsertOnly: true, Logger: a.logger})
	if err != nil {
		return runtimeError(err, "")
	}
	opts := serve.Options{Store: c.Store, Jobs: jobs, Logger: a.logger, SecureCookies: f.secureCookies || f.certFile != "",
		Twilio: &serve.Twilio{OpenStore: a.rotateStore, Getenv: a.getenv, BaseURL: a.getenv(rest.BaseURLEnv), JournalDir: f.journals}}
	if opts.Twilio.JournalDir == "" {
		opts.Twilio.JournalDir = a.defaultJournals(c)
	}
	opts.Audits = serve.StoreAudits{Store: c.Store}
	if f.audits != "" {
		opts.Audits = serve.DirAudits{Dir: f.audits}
	}
	srv, err := serve.New(opts)
	if err != nil {
		return runtimeError(err, "")
	}
	defer srv.Close()
	n, err := c.Store.CountUsers(ctx)
	if err != nil {
		return runtimeError(err, "")
	}
	if n == 0 {
		a.warnf("no user yet: create the first admin with 'vigil serve user add NAME --role admin' (password on stdin)")
	}
	ln, err := net.Listen("tcp", f.listen)
	if err != nil {
		return withHint(usageError(fmt.Errorf("listen on %s: %w", f.listen, err)), "choose another address with --listen")
	}
	if host, _, _ := net.SplitHostPort(f.listen); !isLoopback(host) && !opts.SecureCookies {
		a.warnf("warning: serving on %s without TLS: passwords and sessions cross the network in clear", f.listen)
		fmt.Fprintln(a.stderr, "hint: give --tls-cert and --tls-key, or serve behind a TLS proxy with --secure-cookies")
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute, WriteTimeout: 3 * time.Minute, IdleTimeout: 2 * time.Minute}
	scheme := "http"
	if f.certFile != "" {
		scheme = "https"
	}
	a.warnf("console on %s://%s (database %s)", scheme, ln.Addr(), c.Where)
	done := make(chan error, 1)
	go func() {
		if f.certFile != "" {
			done <- hs.ServeTLS(ln, f.certFile, f.key)
		} else {
			done <- hs.Serve(ln)
		}
	}()
	select {
	case err := <-done:
		return runtimeError(err, "")
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	_ = hs.Shutdown(sctx)
	return interrupted(ctx.Err())
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// rotateStore opens a secret store for the console's rotations.
func (a *app) rotateStore(ctx context.Context, uri string) (rotate.Store, error) {
	st, err := a.openStore(ctx, uri)
	if err != nil {
		return nil, err
	}
	return st, nil
}

// defaultJournals is rotations/ beside a SQLite database, else under the
// data directory.
func (a *app) defaultJournals(c *store.Conn) string {
	if p, ok := strings.CutPrefix(c.Where, "sqlite:"); ok {
		return filepath.Join(filepath.Dir(p), "rotations")
	}
	if p, err := store.DefaultPath(a.getenv); err == nil {
		return filepath.Join(filepath.Dir(p), "rotations")
	}
	return "vigil-rotations"
}
