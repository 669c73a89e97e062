package main

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/vigilsec/vigil/internal/webhookprobe"
)

// checkProbe is one request of `webhook check`.
type checkProbe struct {
	name    string
	sigs    []string
	control bool // a correctly signed request, which must be accepted
}

func newWebhookCheckCmd(a *app) *cobra.Command {
	var (
		params   []string
		jsonBody string
		get      bool
		control  bool
		timeout  time.Duration
		insecure bool
		tf       tokenFlags
	)
	cmd := &cobra.Command{
		Use:   "check URL",
		Short: "Check whether an endpoint wrongly accepts unsigned or forged webhooks",
		Long: `Sends URL an unsigned request, one with a wrong signature, one with a garbage
signature header and one with two signature headers, and reports whether the
endpoint accepts any (a 2xx answer). Exit 1 when it does.

With --control it also sends a correctly signed request (token from
TWILIO_AUTH_TOKEN or --token-file), which the endpoint must accept: an endpoint
that refuses everything, for example because it checks the wrong public URL,
fails too.

The probes carry placeholder parameters; an endpoint that does not verify
signatures will process them as if Twilio had sent them.`,
		Example: `  vigil webhook check https://example.com/sms
  TWILIO_AUTH_TOKEN=... vigil webhook check --control https://example.com/sms`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			form, err := parseParams(params)
			if err != nil {
				return err
			}
			if len(form) == 0 && jsonBody == "" {
				form = placeholderParams()
			}
			p, err := newProbe(args[0], form, jsonBody, get, a.stdin)
			if err != nil {
				return err
			}
			probes := []checkProbe{
				{name: "unsigned request"},
				{name: "wrong signature", sigs: []string{randomSignature()}},
				{name: "garbage signature header", sigs: []string{"not-a-signature"}},
				{name: "two signature headers", sigs: []string{randomSignature(), randomSignature()}},
			}
			if control {
				keys, err := tf.keyring(cmd.Context(), a)
				if err != nil {
					return err
				}
				sig := p.sign(keys.Tokens(p.params.Get("AccountSid"))[0].Reveal())
				probes = append(probes, checkProbe{name: "correctly signed (control)", sigs: []string{sig}, control: true})
			}
			client := &http.Client{
				Timeout:   timeout,
				Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: insecure}, Proxy: http.ProxyFromEnvironment},
			}
			return runChecks(cmd.Context(), a, client, p, probes)
		},
	}
	cmd.Flags().StringArrayVar(&params, "param", nil, "send form parameter `NAME=VALUE` (repeatable; default: placeholder SMS parameters)")
	cmd.Flags().StringVar(&jsonBody, "json", "", "send a JSON webhook with this `BODY` (- reads stdin)")
	cmd.Flags().BoolVar(&get, "get", false, "send GETs with the parameters in the query")
	cmd.Flags().BoolVar(&control, "control", false, "also send a correctly signed request, which must be accepted")
	cmd.Flags().DurationVar(&timeout, "timeout", 10*time.Second, "per-request timeout")
	cmd.Flags().BoolVar(&insecure, "insecure", false, "do not verify the endpoint's TLS certificate")
	tf.register(cmd, true)
	return cmd
}

func runChecks(ctx context.Context, a *app, client *http.Client, p *probe, probes []checkProbe) error {
	failed := false
	for _, pr := range probes {
		req, err := p.request(ctx, pr.sigs...)
		if err != nil {
			return usageError(err)
		}
		r := webhookprobe.Send(client, req)
		if r.Err != nil {
			return runtimeError(fmt.Errorf("%s: %w", pr.name, r.Err), "is the endpoint up and reachable from here? (--insecure for a self-signed certificate)")
		}
		failed = failed || r.Failed(pr.control)
		fmt.Fprintf(a.stdout, "%-28s %-9s %d %s\n", pr.name, verdict(r, pr.control), r.Status, http.StatusText(r.Status))
	}
	if failed {
		fmt.Fprintln(a.stdout, "\nFAIL: the endpoint accepts webhooks it should refuse, or refuses the genuine one (see above).")
		fmt.Fprintln(a.stdout, "hint: verify X-Twilio-Signature (Go: the webhook package; any app: vigil webhook proxy in front of it).")
		return found()
	}
	fmt.Fprintln(a.stdout, "\nok: the endpoint refused every unsigned or forged request.")
	return nil
}

// verdict is the word the report gives an answer: capitals for a failure.
func verdict(r webhookprobe.Result, control bool) string {
	switch {
	case r.Failed(control) && control:
		return "REFUSED"
	case r.Failed(control):
		return "ACCEPTED"
	case r.Outcome == webhookprobe.Accepted:
		return "accepted"
	case r.Outcome == webhookprobe.Refused:
		return "refused"
	case r.Status >= 300 && r.Status < 400:
		return "redirect"
	}
	return "error" // not processed, though 400/403 would be cleaner
}

// randomSignature is well-formed but wrong.
func randomSignature() string {
	b := make([]byte, 20)
	rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}

// placeholderParams look like an inbound SMS webhook but hold no real
// identifiers.
func placeholderParams() url.Values {
	x := strings.Repeat("x", 32)
	return url.Values{
		"AccountSid": {"AC" + x},
		"MessageSid": {"SM" + x},
		"From":       {"+15005550006"},
		"To":         {"+15005550006"},
		"Body":       {"vigil webhook check: a forged test request that should have been refused"},
	}
}
