package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vigilsec/vigil/webhook"
	"github.com/vigilsec/vigil/webhook/proxy"
)

// newWebhookCmd groups the webhook-signature commands; each subcommand
// lives in its own file (webhook_*.go).
func newWebhookCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "webhook",
		Short: "Guard Twilio webhooks: verifying proxy, signing and endpoint checks",
		Long: `Twilio signs every webhook with X-Twilio-Signature (HMAC-SHA1 of the URL and
form parameters, keyed with the account's Auth Token). These commands verify
those signatures in front of any app, build signed test requests, and check
whether an endpoint wrongly accepts unsigned ones.`,
	}
	cmd.AddCommand(newWebhookProxyCmd(a))
	cmd.AddCommand(newWebhookSignCmd(a))
	cmd.AddCommand(newWebhookCheckCmd(a))
	return cmd
}

// tokenFlags selects where sign and check read the Auth Token from; never
// the command line, where it would land in shell history and ps output.
type tokenFlags struct {
	file        string
	env         []string
	store       string
	storeFields []string
}

func (f *tokenFlags) register(cmd *cobra.Command, defaultEnv bool) {
	cmd.Flags().StringVar(&f.file, "token-file", "", "read Auth Tokens from `FILE` (one a line, current first; AC…=token for a subaccount; # comments)")
	help := "read Auth Tokens from environment variable `NAME` (repeatable; a comma-separated list is allowed)"
	if defaultEnv {
		help += "; default TWILIO_AUTH_TOKEN unless --token-file is given"
	}
	cmd.Flags().StringSliceVar(&f.env, "token-env", nil, help)
	cmd.Flags().StringVar(&f.store, "token-store", "", "read Auth Tokens from secret store `URI` (dotenv:, vault://, aws-sm://, pass:, exec:; re-read on SIGHUP)")
	cmd.Flags().StringSliceVar(&f.storeFields, "token-field", []string{"TWILIO_AUTH_TOKEN"}, "fields of --token-store that hold tokens (repeatable; a field may hold a comma-separated list)")
}

// loaders turns the flags into token sources.
func (f *tokenFlags) loaders(a *app, withFileLogger bool) []proxy.Loader {
	var ls []proxy.Loader
	if f.store != "" {
		ls = append(ls, storeLoader{a: a, uri: f.store, fields: f.storeFields})
	}
	if f.file != "" {
		fl := proxy.FileLoader{Path: f.file}
		if withFileLogger {
			fl.Logger = a.logger
		}
		ls = append(ls, fl)
	}
	env := f.env
	if len(env) == 0 && f.file == "" && f.store == "" {
		env = []string{"TWILIO_AUTH_TOKEN"}
	}
	if len(env) > 0 {
		ls = append(ls, proxy.EnvLoader{Names: env, Getenv: a.getenv})
	}
	return ls
}

// keyring loads the tokens once, for sign and check.
func (f *tokenFlags) keyring(ctx context.Context, a *app) (*webhook.Keyring, error) {
	keys, err := proxy.LoadKeys(ctx, f.loaders(a, false), nil, nil)
	if err != nil {
		return nil, withHint(usageError(err), "set TWILIO_AUTH_TOKEN, or pass --token-file FILE (the token is never taken from the command line)")
	}
	return keys.Keyring(), nil
}

// parseParams turns repeated k=v flags into form values.
func parseParams(list []string) (map[string][]string, error) {
	out := map[string][]string{}
	for _, p := range list {
		k, v, ok := strings.Cut(p, "=")
		if !ok || k == "" {
			return nil, usageError(fmt.Errorf("--param %q: want NAME=VALUE", p))
		}
		out[k] = append(out[k], v)
	}
	return out, nil
}
