package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"
	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/report"
	"github.com/vigilsec/vigil/twilio/rest"
	"github.com/vigilsec/vigil/verify"
)

// baseURLsEnv sends verifiers to other base URLs, as "name=URL,…" ("*"
// for all): local fakes in tests and rehearsals. VIGIL_TWILIO_BASE_URL
// (rest.BaseURLEnv) sets the Twilio one, as for every Twilio command.
const baseURLsEnv = "VIGIL_VERIFY_BASE_URLS"

// verifyOptions are the flags that tune verification, shared by
// 'vigil scan --verify' and 'vigil verify'.
type verifyOptions struct {
	timeout      time.Duration
	rate         string
	concurrency  int
	baseURLs     []string
	onlyVerified bool
}

func (o *verifyOptions) register(a *app, fl *pflag.FlagSet) {
	fl.BoolVar(&o.onlyVerified, "only-verified", false, "report only credentials verified live (implies --verify)")
	fl.DurationVar(&o.timeout, "verify-timeout", verify.DefaultTimeout, "give up on one verification request after `DURATION`")
	fl.StringVar(&o.rate, "verify-rate", "5/s", "send at most `RATE` requests to each provider host: N/s or N/m (0 = no limit)")
	fl.IntVar(&o.concurrency, "verify-concurrency", verify.DefaultConcurrency, "verify up to `N` credentials at once")
	fl.StringArrayVar(&o.baseURLs, "verify-base-url", nil, "send a verifier's requests to a local fake: `NAME=URL` (repeatable; * for all)")
	_ = fl.MarkHidden("verify-base-url")
	a.allowEndpointFlag(fl)
}

// verifier builds a Verifier from the flags and the environment.
func (o *verifyOptions) verifier(a *app) (*verify.Verifier, error) {
	rate, err := parseRate(o.rate)
	if err != nil {
		return nil, usageError(fmt.Errorf("--verify-rate: %w", err))
	}
	if o.timeout <= 0 || o.concurrency <= 0 {
		return nil, usageError(errors.New("--verify-timeout and --verify-concurrency must be positive"))
	}
	bases, err := o.baseURLMap(a)
	if err != nil {
		return nil, err
	}
	v, err := verify.New(verify.Options{Timeout: o.timeout, Rate: rate, Concurrency: o.concurrency,
		BaseURLs: bases, Logger: a.logger, UserAgent: "vigil/" + buildVersion()})
	if err != nil {
		return nil, usageError(err)
	}
	return v, nil
}

// baseURLMap reads the verifier base URLs of the environment
// (VIGIL_TWILIO_BASE_URL, VIGIL_VERIFY_BASE_URLS) and the flags, each
// checked against the endpoint policy (a.baseURL).
func (o *verifyOptions) baseURLMap(a *app) (map[string]string, error) {
	type entry struct{ source, pair string }
	var entries []entry
	if u := a.getenv(rest.BaseURLEnv); u != "" {
		entries = append(entries, entry{rest.BaseURLEnv, "twilio=" + u})
	}
	if env := a.getenv(baseURLsEnv); env != "" {
		for _, p := range strings.Split(env, ",") {
			entries = append(entries, entry{baseURLsEnv, p})
		}
	}
	for _, p := range o.baseURLs {
		entries = append(entries, entry{"--verify-base-url", p})
	}
	bases := map[string]string{}
	for _, e := range entries {
		name, u, ok := strings.Cut(strings.TrimSpace(e.pair), "=")
		if !ok || name == "" || u == "" {
			return nil, usageError(fmt.Errorf("%s: %q: want NAME=URL", e.source, redactURL(e.pair)))
		}
		checked, err := a.baseURL(fmt.Sprintf("%s (verifier %s)", e.source, name), u)
		if err != nil {
			return nil, err
		}
		bases[name] = checked
	}
	return bases, nil
}

// redactURL hides what may be credentials in a malformed base URL entry
// before it is quoted: everything before an "@".
func redactURL(s string) string {
	if i := strings.LastIndexByte(s, '@'); i >= 0 {
		return "…" + s[i:]
	}
	return s
}

// parseRate reads "5", "5/s" or "300/m" as requests per second; 0 means
// no limit (verify.Options uses a negative rate for that).
func parseRate(s string) (float64, error) {
	num, unit, _ := strings.Cut(strings.TrimSpace(s), "/")
	n, err := strconv.ParseFloat(num, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%q: want N/s or N/m", s)
	}
	switch unit {
	case "", "s":
	case "m":
		n /= 60
	default:
		return 0, fmt.Errorf("%q: want N/s or N/m", s)
	}
	if n == 0 {
		return -1, nil
	}
	return n, nil
}

// run verifies findings in place and reports how it went on stderr; with
// --only-verified it keeps only the live ones and says what it dropped.
func (o *verifyOptions) run(ctx context.Context, a *app, v *verify.Verifier, fs []vigil.Finding) (kept []vigil.Finding, notLive, notLiveUnknown int, err error) {
	st, err := v.VerifyAll(ctx, fs)
	if err != nil {
		return nil, 0, 0, interrupted(err)
	}
	a.warnf("verification: %d distinct credentials, %d requests", st.Credentials, st.Requests)
	if !o.onlyVerified {
		return fs, 0, 0, nil
	}
	for _, f := range fs {
		switch f.Verdict.Status {
		case vigil.Valid:
			kept = append(kept, f)
		case vigil.Unknown:
			notLive++
			notLiveUnknown++
		default:
			notLive++
		}
	}
	return kept, notLive, notLiveUnknown, nil
}

// verifyFlags are the verification flags of 'vigil scan'.
type verifyFlags struct {
	verifyOptions
	enabled bool
	// notLive and notLiveUnknown count what --only-verified left out.
	notLive, notLiveUnknown int
}

func (v *verifyFlags) register(a *app, fl *pflag.FlagSet) {
	fl.BoolVar(&v.enabled, "verify", false, "ask each credential's provider whether it is live: this SENDS the credential to its provider ('vigil rules --verifiers' lists every endpoint)")
	v.verifyOptions.register(a, fl)
}

// apply verifies the findings of a finished scan when asked to.
func (v *verifyFlags) apply(ctx context.Context, a *app, res *scanResult) error {
	if !v.enabled && !v.onlyVerified {
		return nil
	}
	ver, err := v.verifier(a)
	if err != nil {
		return err
	}
	res.findings, v.notLive, v.notLiveUnknown, err = v.run(ctx, a, ver, res.findings)
	return err
}

// annotate records in the report what --only-verified left out.
func (v *verifyFlags) annotate(rep *report.Report) {
	rep.NotLive, rep.NotLiveUnknown = v.notLive, v.notLiveUnknown
}

// verifyExit is the exit of a run whose verification could not decide:
// with --only-verified, nothing live but something unknown is not a pass.
func verifyExit(rep *report.Report) error {
	if len(rep.Findings) == 0 && rep.NotLiveUnknown > 0 {
		return incomplete()
	}
	return nil
}
