package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
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
	// oidcIssuer and oidcRedirect turn on single sign-on (the client id
	// and secret come from the environment).
	oidcIssuer, oidcRedirect string
}

// The environment variables that hold the console's registration at an
// OpenID Connect provider.
const (
	oidcClientIDEnv     = "VIGIL_OIDC_CLIENT_ID"
	oidcClientSecretEnv = "VIGIL_OIDC_CLIENT_SECRET"
)

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
anywhere else. No page ever shows a secret.

Single sign-on (OpenID Connect, beside passwords): --oidc-issuer names the
provider, ` + oidcClientIDEnv + ` and ` + oidcClientSecretEnv + ` the console's
registration there, --oidc-redirect-url its callback (default: the
--listen address followed by /login/oidc/callback). The provider's verified
email must be a console user's name.`,
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
	fl.StringVar(&f.oidcIssuer, "oidc-issuer", "", "offer single sign-on through this OpenID Connect `ISSUER` (client id and secret from "+oidcClientIDEnv+" and "+oidcClientSecretEnv+")")
	fl.StringVar(&f.oidcRedirect, "oidc-redirect-url", "", "the console's single sign-on callback as registered at the provider (default: http(s)://LISTEN/login/oidc/callback)")
	fl.StringVar(&f.audits, "audits", "", "show Twilio audit reports ('vigil twilio audit --format json') from `DIR` instead of the runs the fleet stored")
	cmd.AddCommand(newServeUserCmd(a), newServeTokenCmd(a))
	return cmd
}

func (a *app) serve(ctx context.Context, f serveFlags) error {
	if (f.certFile == "") != (f.key == "") {
		return usageError(errors.New("give both --tls-cert and --tls-key, or neither"))
	}
	sso, err := a.oidcOptions(f)
	if err != nil {
		return err
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
	opts.OIDC = sso
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

// oidcOptions reads the single sign-on settings (nil: none asked for).
func (a *app) oidcOptions(f serveFlags) (*serve.OIDC, error) {
	if f.oidcIssuer == "" {
		if f.oidcRedirect != "" {
			return nil, usageError(errors.New("--oidc-redirect-url needs --oidc-issuer"))
		}
		return nil, nil
	}
	if u, err := url.Parse(f.oidcIssuer); err != nil || u.Host == "" || u.Scheme != "https" && !isLoopback(u.Hostname()) {
		return nil, usageError(fmt.Errorf("--oidc-issuer %q: want the provider's https:// issuer URL", f.oidcIssuer))
	}
	conf := &serve.OIDC{Issuer: f.oidcIssuer, ClientID: a.getenv(oidcClientIDEnv), ClientSecret: a.getenv(oidcClientSecretEnv), RedirectURL: f.oidcRedirect}
	if conf.ClientID == "" {
		return nil, withHint(usageError(fmt.Errorf("--oidc-issuer: %s is not set", oidcClientIDEnv)),
			"register the console at the provider and set "+oidcClientIDEnv+" and "+oidcClientSecretEnv)
	}
	if conf.RedirectURL == "" {
		scheme := "http"
		if f.certFile != "" || f.secureCookies {
			scheme = "https"
		}
		conf.RedirectURL = scheme + "://" + f.listen + "/login/oidc/callback"
	}
	if u, err := url.Parse(conf.RedirectURL); err != nil || u.Host == "" || strings.HasPrefix(u.Host, ":") || u.Path != "/login/oidc/callback" {
		return nil, withHint(usageError(fmt.Errorf("--oidc-redirect-url %q: want the console's address followed by /login/oidc/callback", conf.RedirectURL)),
			"give --oidc-redirect-url https://HOST/login/oidc/callback, as registered at the provider")
	}
	return conf, nil
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
