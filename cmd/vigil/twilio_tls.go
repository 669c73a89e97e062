package main

import (
	"cmp"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vigilsec/vigil/internal/audit"
	"github.com/vigilsec/vigil/internal/tlscheck"
)

// tlsFlags are the options of vigil twilio tls.
type tlsFlags struct {
	pins               []string
	within, ca, format string
	edge, region       string
	noAccount          bool
	concurrency        int
}

func newTwilioTLSCmd(a *app) *cobra.Command {
	var f tlsFlags
	cmd := &cobra.Command{
		Use:   "tls [HOST[:PORT] | https://URL ...]",
		Short: "Examine the TLS certificates a Twilio app relies on",
		Long: `Examine the certificates a Twilio app relies on: each host's chain must
be valid for its name, it must speak TLS 1.2 or newer and accept nothing
older, and no certificate of its chain may expire within --expiry-within
(30 days). The SHA-256 fingerprint and serial number of each certificate
are shown; --pin fails a host whose leaf certificate has another
fingerprint.

Without arguments: api.twilio.com, the regional host TWILIO_EDGE and
TWILIO_REGION (or --edge, --region) send the app to, and every webhook
URL configured on the account and its subaccounts when Twilio credentials
are in the environment (as for 'vigil twilio audit'). A webhook URL on
plain http fails: it has no certificate to trust. With arguments, only the
hosts given.

Exit codes: 0 every host passed, 1 a host failed a check, 2 bad flags,
3 a host could not be reached or the account could not be read.`,
		Example: `  vigil twilio tls
  vigil twilio tls api.twilio.com --pin D0:ED:71:01:...:5D:80
  vigil twilio tls hooks.example.com:8443 --expiry-within 45d --ca internal-ca.pem
  vigil twilio tls --format json | jq '.hosts[] | select(.problems)'`,
		RunE: func(cmd *cobra.Command, args []string) error { return a.twilioTLS(cmd.Context(), args, f) },
	}
	fl := cmd.Flags()
	fl.StringArrayVar(&f.pins, "pin", nil, "expected SHA-256 fingerprint of the leaf certificate: FINGERPRINT (every host) or HOST=FINGERPRINT; repeat to allow several")
	fl.StringVar(&f.within, "expiry-within", "30d", "fail a certificate that expires sooner than this (e.g. 30d, 8w)")
	fl.StringVar(&f.ca, "ca", "", "PEM file of extra trusted root certificates (a private CA)")
	fl.StringVar(&f.format, "format", "text", "text or json")
	fl.StringVar(&f.edge, "edge", "", "Twilio edge location the app uses (default: TWILIO_EDGE)")
	fl.StringVar(&f.region, "region", "", "Twilio region the app uses (default: TWILIO_REGION)")
	fl.BoolVar(&f.noAccount, "no-account", false, "do not read webhook URLs from the Twilio account")
	fl.IntVar(&f.concurrency, "concurrency", 4, "hosts checked at a time")
	completeValues(cmd, "format", "text", "json")
	return cmd
}

func (a *app) twilioTLS(ctx context.Context, args []string, f tlsFlags) error {
	o, err := a.tlsOptions(f)
	if err != nil {
		return err
	}
	list := &hostList{}
	if len(args) > 0 {
		for _, arg := range args {
			t, err := tlscheck.ParseTarget(arg)
			if err != nil {
				return withHint(usageError(err), "give hosts as api.twilio.com, hooks.example.com:8443 or https://hooks.example.com/sms")
			}
			list.add(t, "given on the command line")
		}
	} else if err := a.defaultTLSTargets(ctx, f, list); err != nil {
		return err
	}
	if err := list.pin(f.pins); err != nil {
		return err
	}
	results := tlscheck.CheckAll(ctx, list.targets, o, f.concurrency)
	if ctx.Err() != nil {
		return interrupted(ctx.Err())
	}
	rep := tlsReport{ExpiryWithin: audit.FormatAge(o.ExpiryWithin), Notices: list.notices, Hosts: results, Plain: list.plain}
	if f.format == "json" {
		if err := writeJSON(a, rep); err != nil {
			return err
		}
	} else if err := writeTLSText(a.stdout, rep); err != nil {
		return runtimeError(err, "")
	}
	for _, n := range list.notices {
		a.warnf("%s", n)
	}
	return tlsExit(rep, list.incomplete)
}

// tlsOptions reads the flags that shape every check.
func (a *app) tlsOptions(f tlsFlags) (tlscheck.Options, error) {
	var o tlscheck.Options
	if f.format != "text" && f.format != "json" {
		return o, usageError(fmt.Errorf("--format %q: want text or json", f.format))
	}
	if f.concurrency < 1 || f.concurrency > 64 {
		return o, usageError(fmt.Errorf("--concurrency %d: want 1 to 64", f.concurrency))
	}
	var err error
	if o.ExpiryWithin, err = audit.ParseAge(f.within); err != nil {
		return o, usageError(fmt.Errorf("--expiry-within: %w", err))
	}
	if f.ca != "" {
		if o.Roots, err = rootsWith(f.ca); err != nil {
			return o, usageError(err)
		}
	}
	return o, nil
}

// rootsWith is the system's roots plus the certificates of a PEM file.
func rootsWith(path string) (*x509.CertPool, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--ca: %w", err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(data) {
		return nil, fmt.Errorf("--ca %s: no PEM certificate in it", path)
	}
	return pool, nil
}

// twilioAPIHost is the REST API host a helper library sends requests to
// with an edge and region, as twilio-go builds it: api.EDGE.REGION.twilio.com,
// region us1 when only an edge is given.
func twilioAPIHost(edge, region string) string {
	if edge != "" && region == "" {
		region = "us1"
	}
	parts := []string{"api"}
	for _, p := range []string{edge, region} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(append(parts, "twilio.com"), ".")
}

// defaultTLSTargets are api.twilio.com, the regional host in use, and the
// account's webhook URLs.
func (a *app) defaultTLSTargets(ctx context.Context, f tlsFlags, list *hostList) error {
	list.add(tlscheck.Target{Host: "api.twilio.com"}, "Twilio REST API")
	edge := cmp.Or(strings.TrimSpace(f.edge), strings.TrimSpace(a.getenv("TWILIO_EDGE")))
	region := cmp.Or(strings.TrimSpace(f.region), strings.TrimSpace(a.getenv("TWILIO_REGION")))
	if h := twilioAPIHost(edge, region); h != "api.twilio.com" {
		list.add(tlscheck.Target{Host: h}, fmt.Sprintf("Twilio REST API (edge %q, region %q)", edge, region))
	}
	switch {
	case f.noAccount:
		return nil
	case strings.TrimSpace(a.getenv("TWILIO_ACCOUNT_SID")) == "":
		list.notices = append(list.notices, "webhook URLs not read: no TWILIO_ACCOUNT_SID in the environment (export it with its token or key to check the app's own endpoints)")
		return nil
	}
	cfg, err := a.twilioEnv()
	if err != nil {
		return err
	}
	accounts, notices, err := audit.Webhooks(ctx, audit.Options{Twilio: cfg, Logger: a.logger})
	switch {
	case errors.Is(err, audit.ErrCredentials):
		return runtimeError(err, "check TWILIO_ACCOUNT_SID and its token or key")
	case err != nil:
		return runtimeError(fmt.Errorf("read webhook URLs: %w", err), "")
	}
	list.notices = append(list.notices, notices...)
	for _, acct := range accounts {
		if g := acct.Webhooks.Gap; g != nil {
			list.notices = append(list.notices, acct.Account.SID+": "+g.String())
			list.incomplete = list.incomplete || !g.Rights
		}
		for _, w := range acct.Webhooks.Value {
			list.addURL(w)
		}
	}
	return nil
}
