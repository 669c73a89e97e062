package fleet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/fleet/conf"
	"github.com/vigilsec/vigil/fleet/store"
	"github.com/vigilsec/vigil/internal/audit"
	"github.com/vigilsec/vigil/internal/exposure"
	"github.com/vigilsec/vigil/internal/secretstore"
	"github.com/vigilsec/vigil/twilio/rest"
)

// TwilioAuditArgs audits one [[twilio]] account of the fleet file (and
// its subaccounts) against the hardening baseline, every level.
type TwilioAuditArgs struct {
	SourceID int64 `json:"source_id"`
}

// Kind implements river.JobArgs.
func (TwilioAuditArgs) Kind() string { return "vigil_fleet_twilio_audit" }

// InsertOpts implements river.JobArgsWithInsertOpts.
func (TwilioAuditArgs) InsertOpts() river.InsertOpts { return unique(river.QueueDefault) }

// TwilioExposureArgs checks one [[twilio]] account for misuse since its
// last check.
type TwilioExposureArgs struct {
	SourceID int64 `json:"source_id"`
}

// Kind implements river.JobArgs.
func (TwilioExposureArgs) Kind() string { return "vigil_fleet_twilio_exposure" }

// InsertOpts implements river.JobArgsWithInsertOpts.
func (TwilioExposureArgs) InsertOpts() river.InsertOpts { return unique(river.QueueDefault) }

// enqueueTwilio enqueues the audit and the exposure check of every Twilio
// account whose last ones are older than the fleet's audit interval (the
// time of the last attempt is the source's last poll, so an account whose
// credentials are refused is not asked again at every poll).
func (f *Fleet) enqueueTwilio(ctx context.Context, srcs []store.Source) error {
	s, err := f.settings(ctx)
	if err != nil {
		return err
	}
	every := time.Duration(s.Audit)
	if every <= 0 {
		every = conf.DefaultAudit
	}
	var due []int64
	var params []river.InsertManyParams
	for _, src := range srcs {
		if src.Kind != "twilio" || (!src.LastPolledAt.IsZero() && time.Since(src.LastPolledAt) < every) {
			continue
		}
		due = append(due, src.ID)
		params = append(params, river.InsertManyParams{Args: TwilioAuditArgs{SourceID: src.ID}}, river.InsertManyParams{Args: TwilioExposureArgs{SourceID: src.ID}})
	}
	if err := f.store.SourcesPolled(ctx, due); err != nil {
		return err
	}
	return f.insertMany(ctx, params)
}

// twilioSource reads a [[twilio]] source and its credential: from the
// environment variables it names, or from its secret store (read now, so
// a rotated credential is used at the next run).
func (f *Fleet) twilioSource(ctx context.Context, id int64) (store.Source, rest.Config, error) {
	src, err := f.store.Source(ctx, id)
	if err != nil {
		return src, rest.Config{}, err
	}
	var t conf.Twilio
	if err := json.Unmarshal([]byte(src.Spec), &t); err != nil {
		return src, rest.Config{}, fmt.Errorf("%w %s: %v", errBadSpec, src.Name, err)
	}
	cfg := rest.Config{BaseURL: f.opts.VerifyBaseURLs["twilio"]}
	names := t.Fields()
	var vals map[string]string
	from := "the environment"
	if t.Store == "" {
		names[0], names[1], names[2], names[3] = t.AccountSIDEnv, t.AuthTokenEnv, "", ""
		vals, _ = secretstore.Fields(ctx, nil, f.getenv, names[0], names[1])
	} else {
		var environ []string
		if f.opts.Environ != nil {
			environ = f.opts.Environ()
		}
		st, err := secretstore.Open(ctx, string(t.Store), secretstore.Options{Getenv: f.getenv, Environ: environ})
		if err != nil {
			return src, cfg, err
		}
		if vals, err = secretstore.Fields(ctx, st, nil, names[:]...); err != nil {
			return src, cfg, err // unreachable or refusing: retried, the other accounts go on
		}
		from = st.String()
	}
	cfg.AccountSID = vals[names[0]]
	switch {
	case cfg.AccountSID == "":
		return src, cfg, fmt.Errorf("%w: %s is not set in %s", errNoCredential, names[0], from)
	case vals[names[1]] != "":
		cfg.Password = vigil.NewSecret(vals[names[1]])
	case names[2] != "" && vals[names[2]] != "" && vals[names[3]] != "":
		cfg.Username, cfg.Password = vals[names[2]], vigil.NewSecret(vals[names[3]])
	case names[2] != "":
		return src, cfg, fmt.Errorf("%w: neither %s nor %s and %s are set in %s", errNoCredential, names[1], names[2], names[3], from)
	default:
		return src, cfg, fmt.Errorf("%w: %s is not set", errNoCredential, names[1])
	}
	if _, err := rest.New(cfg); err != nil {
		return src, cfg, fmt.Errorf("%w: %v", errNoCredential, err)
	}
	return src, cfg, nil
}

// twilioFailed records why a Twilio job could not run on its source. A
// refused or missing credential is not retried before the next interval;
// anything else is retried with backoff.
func (f *Fleet) twilioFailed(ctx context.Context, src store.Source, what string, err error) error {
	f.log.Warn(what+" failed", "source", src.Name, "err", err)
	if perr := f.store.SourcePolled(ctx, src.ID, what+": "+err.Error()); perr != nil {
		return perr
	}
	var re *rest.Error
	if errors.Is(err, audit.ErrCredentials) || errors.As(err, &re) && re.Kind == rest.KindAuth || errors.Is(err, errNoCredential) {
		return nil
	}
	return fmt.Errorf("%s of %s: %w", what, src.Name, err)
}

var errNoCredential = errors.New("no credential")

// auditTwilio runs the audit of a source's account and stores one run per
// account audited.
func (f *Fleet) auditTwilio(ctx context.Context, id int64) error {
	src, cfg, err := f.twilioSource(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return f.twilioFailed(ctx, src, "audit", err)
	}
	rep, err := audit.Run(ctx, audit.Options{Twilio: cfg, Level: audit.L3, Logger: f.log, Version: "fleet"})
	if err != nil {
		return f.twilioFailed(ctx, src, "audit", err)
	}
	runs, err := auditRuns(src.ID, rep)
	if err != nil {
		return err
	}
	if _, err := f.store.RecordAudit(ctx, runs); err != nil {
		return err
	}
	f.log.Info("audited", "source", src.Name, "accounts", len(runs))
	return nil
}

// auditRuns splits a report into one run per account.
func auditRuns(sourceID int64, rep *audit.Report) ([]store.AuditRun, error) {
	controls := map[string]*audit.Control{}
	for _, c := range rep.Controls {
		controls[c.ID] = c
	}
	var out []store.AuditRun
	for _, a := range rep.Accounts {
		one := *rep
		one.Accounts = []audit.AccountReport{a}
		data, err := json.Marshal(&one)
		if err != nil {
			return nil, fmt.Errorf("audit report of %s: %w", a.Account.SID, err)
		}
		run := store.AuditRun{SourceID: sourceID, Account: a.Account.SID, AccountName: a.Account.FriendlyName, Started: rep.Started,
			Finished: rep.Finished, Level: rep.Level.String(), Principal: rep.Principal, Errors: a.Errors, Report: data}
		for _, r := range a.Results {
			c := r.Control
			if c == nil {
				c = controls[r.ControlID]
			}
			res := store.AuditResult{Control: r.ControlID, Status: r.Status.String(), Summary: r.Summary}
			if c != nil {
				res.Title, res.Level = c.Title, c.Level.String()
				res.Frameworks = map[string][]string{"cis": c.Frameworks.CIS, "nist": c.Frameworks.NIST, "soc2": c.Frameworks.SOC2}
			}
			run.Results = append(run.Results, res)
		}
		out = append(out, run)
	}
	return out, nil
}

// exposeTwilio checks a source's account (and its subaccounts) for misuse
// from the end of its last check (or one audit interval back) to now, and
// stores the report.
func (f *Fleet) exposeTwilio(ctx context.Context, id int64) error {
	src, cfg, err := f.twilioSource(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return f.twilioFailed(ctx, src, "exposure check", err)
	}
	s, err := f.settings(ctx)
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	o := exposure.Options{Since: now.Add(-max(time.Duration(s.Audit), time.Hour)), Until: now}
	last, err := f.store.LatestExposure(ctx, cfg.AccountSID)
	if err != nil {
		return err
	}
	if last != nil && last.Until.Before(now) {
		o.Since = last.Until
	}
	o.Defaults()
	client, err := rest.New(cfg)
	if err != nil {
		return f.twilioFailed(ctx, src, "exposure check", err)
	}
	fetcher := &exposure.Fetcher{Client: client, ClientFor: func(sid string, tok vigil.Secret) (*rest.Client, error) {
		return rest.New(rest.Config{AccountSID: sid, Password: tok, BaseURL: cfg.BaseURL})
	}}
	d, err := fetcher.Fetch(ctx, o.Since.Add(-o.Baseline), o.Until)
	if err != nil {
		return f.twilioFailed(ctx, src, "exposure check", err)
	}
	rep := exposure.Analyze(d, o)
	data, err := json.Marshal(rep)
	if err != nil {
		return err
	}
	_, err = f.store.RecordExposure(ctx, store.ExposureRun{SourceID: src.ID, Account: cfg.AccountSID, Since: rep.Since, Until: rep.Until, Finished: time.Now(),
		Misuse: rep.Misuse, Incomplete: rep.Incomplete, Findings: len(rep.Findings), Report: data})
	if err == nil && rep.Misuse {
		f.log.Warn("evidence of misuse", "source", src.Name, "account", cfg.AccountSID, "findings", len(rep.Findings))
	}
	return err
}
