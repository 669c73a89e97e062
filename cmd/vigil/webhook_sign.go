package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func newWebhookSignCmd(a *app) *cobra.Command {
	var (
		rawURL   string
		params   []string
		jsonBody string
		get      bool
		headers  bool
		tf       tokenFlags
	)
	cmd := &cobra.Command{
		Use:   "sign --url URL [--param NAME=VALUE ...] [--json BODY] [--get]",
		Short: "Build a correctly signed webhook request, to test your own endpoint",
		Long: `Computes the X-Twilio-Signature Twilio would send for a request to URL and
prints it with a ready curl command. A form POST by default; --get puts the
parameters in the query; --json BODY (or --json - for stdin) makes a JSON
webhook, whose URL gets a bodySHA256 parameter.

The Auth Token is read from TWILIO_AUTH_TOKEN (or --token-env NAME) or from
--token-file, never from the command line. The current (first) token signs;
with an AccountSid parameter that has its own token in the file, that one.`,
		Example: `  TWILIO_AUTH_TOKEN=... vigil webhook sign --url https://example.com/sms --param From=+15005550006 --param Body=hi
  vigil webhook sign --token-file tokens --url https://example.com/hook --json '{"a":1}'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if rawURL == "" {
				return usageError(fmt.Errorf("--url is required"))
			}
			form, err := parseParams(params)
			if err != nil {
				return err
			}
			p, err := newProbe(rawURL, form, jsonBody, get, a.stdin)
			if err != nil {
				return err
			}
			keys, err := tf.keyring(cmd.Context(), a)
			if err != nil {
				return err
			}
			sig := p.sign(keys.Tokens(p.params.Get("AccountSid"))[0].Reveal())
			if headers {
				if p.finalURL() != rawURL {
					fmt.Fprintf(a.stdout, "URL: %s\n", p.finalURL())
				}
				fmt.Fprintf(a.stdout, "X-Twilio-Signature: %s\n", sig)
				if ct := p.contentType(); ct != "" {
					fmt.Fprintf(a.stdout, "Content-Type: %s\n", ct)
				}
				return nil
			}
			fmt.Fprintf(a.stdout, "URL: %s\nX-Twilio-Signature: %s\n\n%s\n", p.finalURL(), sig, p.curl(sig))
			return nil
		},
	}
	cmd.Flags().StringVar(&rawURL, "url", "", "the full public `URL` Twilio requests (scheme, host, port, path, query)")
	cmd.Flags().StringArrayVar(&params, "param", nil, "a form parameter `NAME=VALUE` (repeatable)")
	cmd.Flags().StringVar(&jsonBody, "json", "", "send a JSON webhook with this `BODY` (- reads stdin)")
	cmd.Flags().BoolVar(&get, "get", false, "send a GET with the parameters in the query")
	cmd.Flags().BoolVar(&headers, "headers", false, "print only the request headers (and the URL when it differs from --url)")
	tf.register(cmd, true)
	return cmd
}
