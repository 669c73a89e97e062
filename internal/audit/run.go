package audit

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/internal/tlscheck"
	"github.com/vigilsec/vigil/internal/twiliosdk"
	"github.com/vigilsec/vigil/twilio/rest"
)

// Defaults.
const (
	DefaultMaxKeyAge    = 90 * 24 * time.Hour
	DefaultAttestMaxAge = 365 * 24 * time.Hour
	DefaultConcurrency  = 4
)

// Options configure an audit run.
type Options struct {
	// Twilio is the credential and endpoint of the audited (main) account.
	// Subaccounts are read with their own Auth Tokens from the account
	// list, through the same BaseURL and HTTP client.
	Twilio rest.Config
	// Catalogue nil means Builtin().
	Catalogue *Catalogue
	// Level gates the run: controls above it are skipped. Zero means L1.
	Level Level
	// Skip lists control IDs not to evaluate (checked by Run).
	Skip []string
	// MaxKeyAge bounds key and Auth Token age and is the window for key
	// activity. Zero means DefaultMaxKeyAge.
	MaxKeyAge time.Duration
	// AttestMaxAge is how old an attestation may be before it is stale.
	// Zero means DefaultAttestMaxAge.
	AttestMaxAge time.Duration
	Attestations *Attestations
	// ProbeWebhooks sends an unsigned request to every webhook URL.
	ProbeWebhooks bool
	ProbeClient   *http.Client
	// TLS, when not nil, checks the certificate of every https webhook
	// URL's host with these options (HOOK-01); nil leaves certificates
	// unchecked, and HOOK-01 says so.
	TLS *tlscheck.Options
	// Project is the app's directory (or one manifest) whose Twilio helper
	// libraries CODE-01 judges; empty skips CODE-01.
	Project string
	// SDKTable is the release table CODE-01 judges against; nil means the
	// embedded one.
	SDKTable *twiliosdk.Table
	// Concurrency bounds simultaneous requests to Twilio (and probes).
	// Zero means DefaultConcurrency.
	Concurrency int
	// RetryWait is the first wait after a 429; zero means one second.
	RetryWait time.Duration
	// Now is the audit's clock; nil means time.Now.
	Now     func() time.Time
	Logger  *slog.Logger
	Version string
}

// ErrCredentials is returned (wrapped) when Twilio refuses the audit's
// credential outright.
var ErrCredentials = errors.New("twilio refused the credentials")

// CheckSkip returns the canonical IDs of a --skip list, or an error naming
// an unknown ID.
func (c *Catalogue) CheckSkip(ids []string) ([]string, error) {
	var out []string
	for _, id := range ids {
		id = strings.TrimSpace(id)
		if id == "" {
			continue
		}
		ctl := c.Lookup(id)
		if ctl == nil {
			return nil, fmt.Errorf("unknown control %q (known: %s)", id, strings.Join(c.IDs(), ", "))
		}
		out = append(out, ctl.ID)
	}
	return out, nil
}

// Run audits the account and its subaccounts. The error is non-nil only
// when nothing could be audited (refused credentials, a canceled context);
// partial failures are in the report.
func Run(ctx context.Context, opts Options) (*Report, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	now := o.Now().UTC()
	rep := &Report{Tool: "vigil", Version: o.Version, Started: now, Level: o.Level, MaxKeyAge: Duration(o.MaxKeyAge),
		AttestMaxAge: Duration(o.AttestMaxAge), Probed: o.ProbeWebhooks, Skip: o.Skip, Controls: o.Catalogue.Controls}
	if o.Attestations != nil {
		rep.AttestFile = o.Attestations.File
	}
	main, err := rest.New(o.Twilio)
	if err != nil {
		return nil, err
	}
	keyCred := strings.HasPrefix(main.Username(), "SK")
	rep.Principal = "Auth Token of " + main.AccountSID()
	if keyCred {
		rep.Principal = "API key " + main.Username() + " of " + main.AccountSID()
	}
	col := &collector{sem: make(chan struct{}, o.Concurrency), retryWait: o.RetryWait, now: now,
		maxKeyAge: o.MaxKeyAge, inactive: inactiveWindow(o.Catalogue), logger: o.Logger}
	targets, subs, notices, err := col.discover(ctx, o.Twilio, main, keyCred)
	if err != nil {
		return nil, err
	}
	rep.Notices = notices
	if n, err := checkAttestedAccounts(o.Attestations, targets, subs); err != nil {
		return nil, err
	} else if n != "" {
		rep.Notices = append(rep.Notices, n)
	}
	snaps := make([]*Snapshot, len(targets))
	fs := make([]func(), len(targets))
	for i, t := range targets {
		p := Part[[]Account]{}
		if !t.acct.IsSub() {
			p = subs
		}
		fs[i] = func() { snaps[i] = col.snapshot(ctx, t, p) }
	}
	parallel(fs...)
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	e := &env{now: now, maxKeyAge: o.MaxKeyAge, attestMaxAge: o.AttestMaxAge, attest: o.Attestations}
	if o.ProbeWebhooks {
		e.probes = Probe(ctx, o.ProbeClient, webhookURLs(snaps), o.Concurrency)
	}
	if o.TLS != nil {
		e.tls = checkCertificates(ctx, webhookURLs(snaps), *o.TLS, o.Concurrency)
		e.tlsWithin = o.TLS.ExpiryWithin
	}
	e.project = checkProject(ctx, o.Project, o.SDKTable)
	for _, s := range snaps {
		rep.Accounts = append(rep.Accounts, assess(o, s, e))
	}
	rep.Notices = append(rep.Notices, rightsNotices(snaps)...)
	rep.Finished = o.Now().UTC()
	return rep, nil
}

// checkAttestedAccounts refuses attestations for accounts the audit does
// not cover. When the account list could not be read, the subaccounts are
// not known, and a notice says the check was not made.
func checkAttestedAccounts(a *Attestations, targets []target, subs Part[[]Account]) (string, error) {
	if a == nil {
		return "", nil
	}
	audited := make([]string, len(targets))
	for i, t := range targets {
		audited[i] = t.acct.SID
	}
	err := a.CheckAccounts(audited)
	if err != nil && subs.Gap != nil {
		return "attestations naming other accounts than " + strings.Join(audited, ", ") + " were not checked: the account list could not be read", nil
	}
	return "", err
}

func (o Options) withDefaults() (Options, error) {
	if o.Catalogue == nil {
		o.Catalogue = Builtin()
	}
	if o.Level == 0 {
		o.Level = L1
	}
	if o.MaxKeyAge == 0 {
		o.MaxKeyAge = DefaultMaxKeyAge
	}
	if o.AttestMaxAge == 0 {
		o.AttestMaxAge = DefaultAttestMaxAge
	}
	if o.Concurrency <= 0 {
		o.Concurrency = DefaultConcurrency
	}
	if o.RetryWait == 0 {
		o.RetryWait = time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	skip, err := o.Catalogue.CheckSkip(o.Skip)
	o.Skip = skip
	return o, err
}

func inactiveWindow(c *Catalogue) time.Duration {
	for _, ctl := range c.Controls {
		if ctl.Check == "inactive-subaccount" {
			return ctl.ageParam("inactive_after", 90*24*time.Hour)
		}
	}
	return 90 * 24 * time.Hour
}

// webhookURLs maps every webhook URL to the account it belongs to.
func webhookURLs(snaps []*Snapshot) map[string]string {
	out := map[string]string{}
	for _, s := range snaps {
		for _, w := range s.Webhooks.Value {
			if _, ok := out[w.URL]; !ok {
				out[w.URL] = s.Account.SID
			}
		}
	}
	return out
}

// assess evaluates every control that applies to an account.
func assess(o Options, s *Snapshot, e *env) AccountReport {
	ar := AccountReport{Account: s.Account}
	for _, c := range o.Catalogue.Controls {
		if !c.Applies(s.Account.IsSub()) {
			continue
		}
		var r Result
		switch {
		case slices.Contains(o.Skip, c.ID):
			r = result(Skipped, "skipped with --skip")
		case c.Level > o.Level:
			r = result(Skipped, "above the chosen level %s", o.Level)
		case s.Account.Status != "active" && c.Check != "inactive-subaccount":
			r = result(Skipped, "the account is %s: nothing to audit", s.Account.Status)
		default:
			r = evaluate(c, s, e)
		}
		r.Control, r.ControlID = c, c.ID
		ar.Results = append(ar.Results, r)
	}
	ar.Errors = gapErrors(s)
	return ar
}

// gapErrors lists the gaps that were errors rather than missing rights.
func gapErrors(s *Snapshot) []string {
	var out []string
	for _, g := range []*Gap{s.Subaccounts.Gap, s.Keys.Gap, s.Webhooks.Gap, s.Countries.Gap, s.Triggers.Gap,
		s.PublicKeys.Gap, s.Events.Gap, s.Token.Gap, s.Activity.Gap} {
		if g != nil && !g.Rights && !slices.Contains(out, g.String()) {
			out = append(out, g.String())
		}
	}
	return out
}

// rightsNotices says, once per kind, what the credential could not read.
func rightsNotices(snaps []*Snapshot) []string {
	var out []string
	for _, s := range snaps {
		for _, g := range []*Gap{s.Keys.Gap, s.Webhooks.Gap, s.Countries.Gap, s.Triggers.Gap, s.PublicKeys.Gap, s.Events.Gap, s.Token.Gap, s.Activity.Gap} {
			if g != nil && g.Rights {
				msg := fmt.Sprintf("%s: %s; the controls that need it are unknown", g.What, g.Reason)
				if !slices.Contains(out, msg) {
					out = append(out, msg)
				}
			}
		}
	}
	return out
}

// subClient is a client for a subaccount with its own Auth Token.
func subClient(base rest.Config, sid string, token vigil.Secret) (*rest.Client, error) {
	cfg := base
	cfg.AccountSID, cfg.Username, cfg.Password = sid, "", token
	return rest.New(cfg)
}
