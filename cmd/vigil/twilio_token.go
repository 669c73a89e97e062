package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/vigilsec/vigil/twilio"
)

const grantSyntax = `Grants (--grant, repeatable) are written NAME or NAME:FIELD=VALUE,FIELD=VALUE...
FIELD is a dotted path into the grant's JSON; a backslash escapes , = or \.

  voice          outgoing.application_sid, outgoing.params.NAME, incoming.allow,
                 push_credential_sid, endpoint_id
  video          room
  chat           service_sid, endpoint_id, deployment_role_sid, push_credential_sid
  ip_messaging   the same fields as chat
  sync           service_sid, endpoint_id              (token key data_sync)
  conversations  configuration_profile_sid             (token key rtc)
  taskrouter     workspace_sid, worker_sid, role       (token key task_router)
  player         any NAME=VALUE

Examples:
  --grant video:room=standup
  --grant voice:outgoing.application_sid=APxxxx,incoming.allow=true
  --grant sync:service_sid=ISxxxx`

func newTwilioTokenCmd(a *app) *cobra.Command {
	var (
		identity, region, format string
		credStore                string
		grants                   []string
		ttl                      time.Duration
	)
	cmd := &cobra.Command{
		Use:   "token --identity ID --grant GRANT... [--ttl 10m] [--region REGION]",
		Short: "Mint a short-lived Twilio Access Token (or decode one)",
		Long: `Mint a Twilio Access Token signed with an API key. The token goes to stdout.

Credentials come from the environment, never from the command line:
TWILIO_ACCOUNT_SID (AC...), TWILIO_API_KEY (SK...) and TWILIO_API_SECRET
(that key's secret, not the Auth Token); or from those fields of a secret
store (--credentials-store URI).

The lifetime (--ttl) defaults to 10 minutes and is honoured exactly, even
under an hour (the official SDK raises those to an hour); zero, negative
and more than 24h are refused.

` + grantSyntax,
		Example: `  vigil twilio token --identity alice --grant video:room=standup --ttl 5m
  vigil twilio token decode < token.txt`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if cmd.Flags().Changed("ttl") && ttl <= 0 {
				return usageError(fmt.Errorf("--ttl %v: a token's lifetime must be positive, e.g. --ttl 5m", ttl))
			}
			if format != "text" && format != "json" {
				return usageError(fmt.Errorf("--format %q: want text or json", format))
			}
			claims, err := tokenClaims(identity, region, grants, ttl)
			if err != nil {
				return err
			}
			var src signingKeySource = envSigningKey{a.getenv}
			if credStore != "" {
				src = storeSigningKey{a: a, uri: credStore}
			}
			return a.mintToken(cmd.Context(), src, claims, format)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&identity, "identity", "", "who the token is for (required)")
	fl.StringArrayVar(&grants, "grant", nil, "a grant, NAME:FIELD=VALUE,... (repeatable; see above)")
	fl.DurationVar(&ttl, "ttl", twilio.DefaultTTL, "lifetime, at most 24h")
	fl.StringVar(&region, "region", "", "pin the token to a Twilio region (header twr), e.g. ie1")
	fl.StringVar(&format, "format", "text", "text (the token alone) or json")
	fl.StringVar(&credStore, "credentials-store", "", "read TWILIO_ACCOUNT_SID, TWILIO_API_KEY and TWILIO_API_SECRET from secret store `URI` instead of the environment")
	cmd.AddCommand(newTwilioTokenDecodeCmd(a))
	return cmd
}

func tokenClaims(identity, region string, specs []string, ttl time.Duration) (twilio.Claims, error) {
	if strings.TrimSpace(identity) == "" {
		return twilio.Claims{}, usageError(errors.New("--identity is required: the user the token is for"))
	}
	if len(specs) == 0 {
		return twilio.Claims{}, withHint(usageError(errors.New("give at least one --grant")), "for example --grant video:room=standup; see 'vigil twilio token --help'")
	}
	c := twilio.Claims{Identity: identity, Region: region, TTL: ttl}
	for _, s := range specs {
		g, err := twilio.ParseGrant(s)
		if err != nil {
			return twilio.Claims{}, withHint(usageError(fmt.Errorf("--grant %s: %w", s, err)), "see 'vigil twilio token --help' for the grant syntax")
		}
		c.Grants = append(c.Grants, g)
	}
	return c, nil
}

// signingKeySource yields the key that signs tokens: the environment, or a
// secret store (--credentials-store).
type signingKeySource interface {
	signingKey(ctx context.Context) (twilio.SigningKey, error)
}

// envSigningKey reads the variables Twilio's own docs use.
type envSigningKey struct{ getenv func(string) string }

// storeSigningKey reads the same names as fields of a secret store.
type storeSigningKey struct {
	a   *app
	uri string
}

func (s storeSigningKey) signingKey(ctx context.Context) (twilio.SigningKey, error) {
	st, err := s.a.openStore(ctx, s.uri)
	if err != nil {
		return twilio.SigningKey{}, err
	}
	vals := map[string]string{}
	for _, name := range []string{"TWILIO_ACCOUNT_SID", "TWILIO_API_KEY", "TWILIO_API_SECRET"} {
		v, err := st.Get(ctx, name)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return twilio.SigningKey{}, runtimeError(fmt.Errorf("read %s from %s: %w", name, st, err), "check --credentials-store and access to it")
		}
		vals[name] = v.Reveal()
	}
	return envSigningKey{getenv: func(n string) string { return vals[n] }}.signingKey(ctx)
}

func (e envSigningKey) signingKey(context.Context) (twilio.SigningKey, error) {
	var missing []string
	vals := map[string]string{}
	for _, name := range []string{"TWILIO_ACCOUNT_SID", "TWILIO_API_KEY", "TWILIO_API_SECRET"} {
		vals[name] = strings.TrimSpace(e.getenv(name))
		if vals[name] == "" {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return twilio.SigningKey{}, withHint(usageError(fmt.Errorf("%s not set", strings.Join(missing, ", "))),
			"export TWILIO_ACCOUNT_SID=AC... TWILIO_API_KEY=SK... TWILIO_API_SECRET=... (an API key and its secret, not the Auth Token)")
	}
	k, err := twilio.NewSigningKey(vals["TWILIO_ACCOUNT_SID"], vals["TWILIO_API_KEY"], vals["TWILIO_API_SECRET"])
	if err != nil {
		return twilio.SigningKey{}, usageError(fmt.Errorf("environment: %w", err))
	}
	return k, nil
}

func (a *app) mintToken(ctx context.Context, src signingKeySource, c twilio.Claims, format string) error {
	key, err := src.signingKey(ctx)
	if err != nil {
		return err
	}
	tok, err := key.Mint(c)
	if err != nil {
		return usageError(err)
	}
	at, err := twilio.ParseAccessToken(tok)
	if err != nil {
		return runtimeError(fmt.Errorf("decode the minted token: %w", err), "")
	}
	if format == "json" {
		return writeJSON(a, map[string]any{
			"token": tok, "identity": at.Identity, "grants": at.GrantKeys(),
			"not_before": at.NotBefore.Format(time.RFC3339), "expires_at": at.Expires.Format(time.RFC3339),
			"ttl_seconds": int64(at.Lifetime().Seconds()),
		})
	}
	fmt.Fprintln(a.stdout, tok)
	if a.isTerminal(a.stderr) {
		a.warnf("token for %q (%s), valid %v, until %s", at.Identity, strings.Join(at.GrantKeys(), ", "), at.Lifetime(), at.Expires.Format(time.RFC3339))
	}
	return nil
}

func writeJSON(a *app, v any) error {
	enc := json.NewEncoder(a.stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return runtimeError(err, "")
	}
	return nil
}
