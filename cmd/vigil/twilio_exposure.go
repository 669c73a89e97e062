package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/internal/exposure"
	"github.com/vigilsec/vigil/twilio"
	"github.com/vigilsec/vigil/twilio/rest"
)

func newTwilioExposureCmd(a *app) *cobra.Command {
	var (
		since, until, credential, knownIPs, format, baseline, tz, hours, credStore string
		burst                                                                      int
	)
	cmd := &cobra.Command{
		Use:   "exposure --since DATE [--until DATE] [--credential SID] [--known-ips CIDR,...]",
		Short: "Look for misuse of a Twilio account while a credential was exposed",
		Long: `Read the account's Monitor events, debugger alerts and daily usage (and
those of its subaccounts) for the exposure window and a baseline before it,
and report:

  - credential changes (keys created or deleted, Auth Token rotated or
    promoted) and console logins;
  - actions from addresses not seen in the baseline (nor in --known-ips);
  - activity at unusual hours (outside --work-hours and the baseline's);
  - usage spikes (SMS, calls, total price) against the baseline's days;
  - bursts of authentication-failure alerts.

Each line points at the event (AE...), alert (NO...) or usage record it
rests on. Exit 1 when there is evidence of misuse, 0 when there is none,
3 when a check could not be made. Dates: RFC 3339, YYYY-MM-DD, or a span
back from now (7d, 36h).

` + credsHelp,
		Example: `  vigil twilio exposure --since 2026-03-01
  vigil twilio exposure --since 7d --known-ips 198.51.100.0/24 --format json
  vigil twilio exposure --since 2026-03-01T09:00:00Z --credential SKxxxx --timezone Europe/Berlin`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o, err := exposureOptions(since, until, credential, knownIPs, baseline, tz, hours, burst)
			if err != nil {
				return usageError(err)
			}
			if format != "text" && format != "json" {
				return usageError(fmt.Errorf("--format %q: want text or json", format))
			}
			creds, err := a.loadTwilioCreds(cmd.Context(), credStore, "")
			if err != nil {
				return err
			}
			c, err := creds.acting()
			if err != nil {
				return err
			}
			f := &exposure.Fetcher{Client: c, ClientFor: func(sid string, tok vigil.Secret) (*rest.Client, error) {
				return rest.New(rest.Config{AccountSID: sid, Password: tok, BaseURL: creds.baseURL})
			}}
			d, err := f.Fetch(cmd.Context(), o.Since.Add(-o.Baseline), o.Until)
			if err != nil {
				hint := "check the credentials and that Twilio is reachable"
				var re *rest.Error
				if errors.As(err, &re) && re.Kind == rest.KindAuth {
					hint = "the credentials were refused: use the account's Auth Token or a Main key"
				}
				return runtimeError(err, hint)
			}
			rep := exposure.Analyze(d, o)
			if format == "json" {
				err = rep.JSON(a.stdout)
			} else {
				err = rep.Text(a.stdout)
			}
			switch {
			case err != nil:
				return runtimeError(err, "")
			case rep.Misuse:
				return found()
			case rep.Incomplete:
				return incomplete()
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&since, "since", "", "start of the exposure window (required)")
	fl.StringVar(&until, "until", "now", "end of the exposure window")
	fl.StringVar(&credential, "credential", "", "only events by or about this SID (AC..., SK..., US...)")
	fl.StringVar(&knownIPs, "known-ips", "", "the team's own addresses and ranges, comma-separated (added to those learned from the baseline)")
	fl.StringVar(&format, "format", "text", "text or json")
	fl.StringVar(&baseline, "baseline", "14d", "span before --since whose activity is normal")
	fl.StringVar(&tz, "timezone", "UTC", "time zone of the usual hours (e.g. Europe/Berlin)")
	fl.StringVar(&hours, "work-hours", "7-21", "usual hours of activity, FROM-TO")
	fl.IntVar(&burst, "burst", 10, "authentication-failure alerts within an hour that make a burst")
	fl.StringVar(&credStore, "credentials-store", "", "read the credentials from this store instead of the environment")
	return cmd
}

func exposureOptions(since, until, credential, knownIPs, baseline, tz, hours string, burst int) (exposure.Options, error) {
	var o exposure.Options
	now := time.Now().UTC()
	if since == "" {
		return o, errors.New("--since is required: when the credential was exposed (e.g. --since 2026-03-01 or --since 7d)")
	}
	var err error
	if o.Since, err = exposure.ParseDate(since, now); err != nil {
		return o, fmt.Errorf("--since: %w", err)
	}
	if o.Until, err = exposure.ParseDate(until, now); err != nil {
		return o, fmt.Errorf("--until: %w", err)
	}
	if !o.Until.After(o.Since) {
		return o, fmt.Errorf("--until %s is not after --since %s", o.Until.Format(time.RFC3339), o.Since.Format(time.RFC3339))
	}
	if credential != "" && !twilio.IsSID(credential) {
		return o, errors.New("--credential: want a SID such as AC..., SK... or US... (two letters and 32 hex digits)")
	}
	o.Credential = credential
	if o.KnownIPs, err = exposure.ParseKnownIPs(knownIPs); err != nil {
		return o, fmt.Errorf("--known-ips: %w", err)
	}
	if o.Baseline, err = exposure.ParseSpan(baseline); err != nil {
		return o, fmt.Errorf("--baseline: %w", err)
	}
	if o.Location, err = time.LoadLocation(tz); err != nil {
		return o, fmt.Errorf("--timezone %q: %w", tz, err)
	}
	if o.WorkHours, err = exposure.ParseHours(hours); err != nil {
		return o, fmt.Errorf("--work-hours: %w", err)
	}
	if burst < 1 {
		return o, fmt.Errorf("--burst %d: want 1 or more", burst)
	}
	o.BurstCount = burst
	return o, nil
}
