package main

import (
	"errors"
	"fmt"
	"github.com/vigilsec/vigil/internal/atomicfile"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/internal/audit"
	"github.com/vigilsec/vigil/internal/audit/render"
	"github.com/vigilsec/vigil/twilio/rest"
)

// auditFlags are the options of vigil twilio audit.
type auditFlags struct {
	level, attest, attestMaxAge, format, output, maxKeyAge string
	skip                                                   []string
	probe, checkTLS                                        bool
	tlsWithin, ca                                          string
	project                                                string
	concurrency                                            int
}

func newTwilioAuditCmd(a *app) *cobra.Command {
	var f auditFlags
	cmd := &cobra.Command{
		Use:   "audit [--level L1|L2|L3] [--attest FILE] [--format text|markdown|html|json|sarif] [--output FILE]",
		Short: "Audit a Twilio account and its subaccounts against a hardening baseline",
		Long: `Audit a Twilio account and every subaccount against vigil's hardening
baseline: authentication, access, credentials, webhooks, fraud and cost.
Each control is L1 (baseline), L2 (hardened) or L3 (maximum) and maps to
CIS Controls v8, NIST SP 800-53 rev 5 and SOC 2. Results: pass, fail,
unknown (no evidence: never a pass), stale (an old attestation), skipped.

Credentials come from the environment, never from the command line:
TWILIO_ACCOUNT_SID with TWILIO_AUTH_TOKEN, or with TWILIO_API_KEY and
TWILIO_API_SECRET (a Main key: Standard keys cannot list accounts or
keys, and those controls are then unknown). VIGIL_TWILIO_BASE_URL sends
every request to another base URL, such as 'vigil twilio emulator'.

What the API cannot show (SSO, 2FA, Console roles, …) comes from an
attestation file (--attest); 'vigil twilio audit controls' lists the
controls and what each attestation holds.

--probe-webhooks sends an unsigned POST to every webhook URL and expects
a refusal (4xx); --check-tls examines the certificate of every https
webhook host as 'vigil twilio tls' does (HOOK-01). Both contact your
servers, so they are off unless asked. --project PATH judges the Twilio
helper libraries the app's manifests and lock files name, as 'vigil
twilio sdk PATH' does (CODE-01, skipped without it).

Exit codes: 0 no control at or below --level failed, 1 one did,
2 bad flags or attestation file, 3 Twilio refused the credentials or some
evidence could not be read.`,
		Example: `  export TWILIO_ACCOUNT_SID=AC... TWILIO_AUTH_TOKEN=...
  vigil twilio audit --level L2 --attest attestations.yaml
  vigil twilio audit --format html --output audit.html --probe-webhooks
  vigil twilio audit --format sarif --output audit.sarif --skip HOOK-03`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return a.twilioAudit(cmd, f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.level, "level", "L1", "profile level that gates the run: L1, L2 or L3 (controls above it are skipped)")
	fl.StringVar(&f.attest, "attest", "", "attestation file (YAML) for what the API cannot show")
	fl.StringVar(&f.attestMaxAge, "attest-max-age", "365d", "attestations older than this are stale")
	fl.StringVar(&f.format, "format", "text", "report format: "+strings.Join(render.Formats(), ", "))
	fl.StringVarP(&f.output, "output", "o", "", "write the report to FILE instead of stdout")
	fl.StringSliceVar(&f.skip, "skip", nil, "control IDs not to evaluate, comma-separated (e.g. HOOK-03,AUTH-03)")
	fl.StringVar(&f.maxKeyAge, "max-key-age", "90d", "oldest acceptable API key and Auth Token (e.g. 90d, 12w)")
	fl.BoolVar(&f.probe, "probe-webhooks", false, "send an unsigned request to every webhook URL and expect it refused")
	fl.BoolVar(&f.checkTLS, "check-tls", false, "examine each https webhook host's certificate (chain, TLS 1.2+, expiry)")
	fl.StringVar(&f.tlsWithin, "expiry-within", "30d", "with --check-tls, fail a certificate that expires sooner than this")
	fl.StringVar(&f.ca, "ca", "", "with --check-tls, a PEM file of extra trusted root certificates")
	fl.StringVar(&f.project, "project", "", "the app's directory: check the Twilio helper libraries it uses (CODE-01)")
	fl.IntVar(&f.concurrency, "concurrency", audit.DefaultConcurrency, "requests to Twilio at a time")
	cmd.AddCommand(newTwilioAuditControlsCmd(a))
	return cmd
}

// auditOptions turns flags and environment into audit options; every
// problem is a usage error.
func (a *app) auditOptions(f auditFlags) (audit.Options, error) {
	cat := audit.Builtin()
	o := audit.Options{Catalogue: cat, ProbeWebhooks: f.probe, Concurrency: f.concurrency, Logger: a.logger, Version: buildVersion()}
	var err error
	if o.Level, err = audit.ParseLevel(f.level); err != nil {
		return o, usageError(fmt.Errorf("--level: %w", err))
	}
	if !slices.Contains(render.Formats(), f.format) {
		return o, usageError(fmt.Errorf("--format %q: want one of %s", f.format, strings.Join(render.Formats(), ", ")))
	}
	if o.MaxKeyAge, err = audit.ParseAge(f.maxKeyAge); err != nil {
		return o, usageError(fmt.Errorf("--max-key-age: %w", err))
	}
	if o.AttestMaxAge, err = audit.ParseAge(f.attestMaxAge); err != nil {
		return o, usageError(fmt.Errorf("--attest-max-age: %w", err))
	}
	if f.concurrency < 1 || f.concurrency > 64 {
		return o, usageError(fmt.Errorf("--concurrency %d: want 1 to 64", f.concurrency))
	}
	if f.checkTLS {
		tlsOpts, err := a.tlsOptions(tlsFlags{within: f.tlsWithin, ca: f.ca, format: "text", concurrency: f.concurrency})
		if err != nil {
			return o, err
		}
		o.TLS = &tlsOpts
	} else if f.ca != "" {
		return o, usageError(errors.New("--ca is for --check-tls"))
	}
	if f.project != "" {
		if _, err := os.Stat(f.project); err != nil {
			return o, withHint(usageError(fmt.Errorf("--project: %w", err)), "give the app's directory or one of its manifest files")
		}
		o.Project = f.project
	}
	if o.Skip, err = cat.CheckSkip(f.skip); err != nil {
		return o, withHint(usageError(fmt.Errorf("--skip: %w", err)), "'vigil twilio audit controls' lists the controls")
	}
	if f.attest != "" {
		if o.Attestations, err = audit.LoadAttestations(f.attest, cat, time.Now()); err != nil {
			return o, withHint(usageError(err), "'vigil twilio audit controls' shows what each attestation's value holds")
		}
	}
	if o.Twilio, err = a.twilioEnv(); err != nil {
		return o, err
	}
	return o, nil
}

// twilioEnv reads the audit's credential from the environment.
func (a *app) twilioEnv() (rest.Config, error) {
	env := func(k string) string { return strings.TrimSpace(a.getenv(k)) }
	cfg := rest.Config{AccountSID: env("TWILIO_ACCOUNT_SID")}
	if raw := env(rest.BaseURLEnv); raw != "" {
		var err error
		if cfg.BaseURL, err = a.baseURL(rest.BaseURLEnv, raw); err != nil {
			return cfg, err
		}
	}
	hint := "export TWILIO_ACCOUNT_SID=AC... with TWILIO_AUTH_TOKEN=..., or with TWILIO_API_KEY=SK... and TWILIO_API_SECRET=... (a Main key)"
	switch {
	case cfg.AccountSID == "":
		return cfg, withHint(usageError(errors.New("TWILIO_ACCOUNT_SID is not set")), hint)
	case env("TWILIO_API_KEY") != "" || env("TWILIO_API_SECRET") != "":
		if env("TWILIO_API_KEY") == "" || env("TWILIO_API_SECRET") == "" {
			return cfg, withHint(usageError(errors.New("set both TWILIO_API_KEY and TWILIO_API_SECRET")), hint)
		}
		cfg.Username, cfg.Password = env("TWILIO_API_KEY"), vigil.NewSecret(env("TWILIO_API_SECRET"))
	case env("TWILIO_AUTH_TOKEN") != "":
		cfg.Password = vigil.NewSecret(env("TWILIO_AUTH_TOKEN"))
	default:
		return cfg, withHint(usageError(errors.New("no Twilio credential in the environment")), hint)
	}
	if _, err := rest.New(cfg); err != nil {
		return cfg, withHint(usageError(fmt.Errorf("environment: %w", err)), hint)
	}
	return cfg, nil
}

func (a *app) twilioAudit(cmd *cobra.Command, f auditFlags) error {
	o, err := a.auditOptions(f)
	if err != nil {
		return err
	}
	rep, err := audit.Run(cmd.Context(), o)
	switch {
	case errors.Is(err, audit.ErrAttestation):
		return withHint(usageError(err), "name an Account SID the audit covers, or leave account out (or *) for every account")
	case errors.Is(err, audit.ErrCredentials):
		return runtimeError(err, "check TWILIO_ACCOUNT_SID and its token or key; the account may be suspended")
	case err != nil:
		return runtimeError(fmt.Errorf("twilio audit: %w", err), "")
	}
	for _, n := range rep.Notices {
		a.warnf("%s", n)
	}
	write := func(w io.Writer) error { return render.Write(w, f.format, rep) }
	if f.output != "" {
		err = atomicfile.Write(f.output, 0o644, write)
	} else {
		err = write(a.stdout)
	}
	if err != nil {
		return runtimeError(fmt.Errorf("write the %s report: %w", f.format, err), "")
	}
	for _, acct := range rep.Accounts {
		for _, e := range acct.Errors {
			a.warnf("%s: %s", acct.Account.SID, e)
		}
	}
	return auditExit(a, rep, f.output)
}

// auditExit maps the report to the exit code: 1 when a gating control
// failed, 3 when evidence could not be read, else 0.
func auditExit(a *app, rep *audit.Report, output string) error {
	if output != "" {
		t := rep.Totals()
		a.warnf("report written to %s: %d fail, %d unknown, %d pass", output, t[audit.Fail], t[audit.Unknown], t[audit.Pass])
	}
	switch {
	case rep.Failed():
		return found()
	case rep.Incomplete():
		a.warnf("the audit is incomplete: some evidence could not be read (see above)")
		return incomplete()
	}
	return nil
}
