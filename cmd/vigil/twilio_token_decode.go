package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/vigilsec/vigil/twilio"
)

// longLived is the lifetime past which decode warns.
const longLived = time.Hour

func newTwilioTokenDecodeCmd(a *app) *cobra.Command {
	var format string
	var verify bool
	cmd := &cobra.Command{
		Use:   "decode [TOKEN|-]",
		Short: "Show an Access Token's header, claims, grants and remaining validity",
		Long: `Decode a Twilio Access Token without its key: header, claims, grants, and
how long it remains valid. Warns about tokens that live longer than an hour.
With no argument or "-" the token is read from stdin.

--verify also checks the signature with TWILIO_API_SECRET from the
environment; a mismatch exits 1.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			if format != "text" && format != "json" {
				return usageError(fmt.Errorf("--format %q: want text or json", format))
			}
			raw := ""
			if len(args) == 1 && args[0] != "-" {
				raw = args[0]
			} else {
				b, err := io.ReadAll(io.LimitReader(a.stdin, twilio.MaxAccessTokenLen+1))
				if err != nil {
					return runtimeError(fmt.Errorf("read token from stdin: %w", err), "")
				}
				raw = string(b)
			}
			at, err := twilio.ParseAccessToken(strings.TrimSpace(raw))
			if err != nil {
				return usageError(err)
			}
			return a.decodeToken(at, format, verify)
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	cmd.Flags().BoolVar(&verify, "verify", false, "check the signature with TWILIO_API_SECRET")
	return cmd
}

func (a *app) decodeToken(at *twilio.AccessToken, format string, verify bool) error {
	now := time.Now()
	sig := "not checked (use --verify)"
	var sigErr error
	if verify {
		secret := a.getenv("TWILIO_API_SECRET")
		if secret == "" {
			return usageError(errors.New("--verify needs TWILIO_API_SECRET in the environment"))
		}
		if sigErr = at.Verify(secret); sigErr != nil {
			sig = "INVALID: " + sigErr.Error()
		} else {
			sig = "valid"
		}
	}
	if format == "json" {
		if err := writeJSON(a, decodedJSON(at, now, sig)); err != nil {
			return err
		}
	} else {
		a.printDecoded(at, now, sig)
	}
	switch life := at.Lifetime(); {
	case at.Expires.IsZero():
		a.warnf("warning: this token has no expiry (exp); Twilio refuses it, and it must never be trusted")
	case life > longLived:
		a.warnf("warning: this token lives %v; keep Access Tokens short-lived (minutes): whoever holds one can use it until it expires", life)
	}
	if sigErr != nil {
		return withHint(&exitError{code: exitFindings, err: fmt.Errorf("signature check failed: %w", sigErr)},
			"the token was not signed with this API key secret, or was altered")
	}
	return nil
}

func validity(at *twilio.AccessToken, now time.Time) string {
	switch {
	case at.Expires.IsZero():
		return "no expiry"
	case !at.NotBefore.IsZero() && now.Before(at.NotBefore):
		return fmt.Sprintf("not valid yet (starts in %v)", at.NotBefore.Sub(now).Round(time.Second))
	case at.Remaining(now) <= 0:
		return fmt.Sprintf("expired %v ago", -at.Remaining(now).Round(time.Second))
	}
	return fmt.Sprintf("valid for %v more", at.Remaining(now).Round(time.Second))
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}

func (a *app) printDecoded(at *twilio.AccessToken, now time.Time, sig string) {
	w := a.stdout
	header := fmt.Sprintf("alg=%s cty=%s typ=%s", at.Algorithm, at.ContentType, at.Type)
	if at.Region != "" {
		header += " twr=" + at.Region
	}
	fmt.Fprintf(w, "header:     %s\n", header)
	fmt.Fprintf(w, "api key:    %s (iss)\n", at.KeySID)
	fmt.Fprintf(w, "account:    %s (sub)\n", at.AccountSID)
	fmt.Fprintf(w, "token id:   %s (jti)\n", at.ID)
	fmt.Fprintf(w, "identity:   %s\n", at.Identity)
	for i, k := range at.GrantKeys() {
		label := "grants:"
		if i > 0 {
			label = ""
		}
		fmt.Fprintf(w, "%-11s %s\n", label, twilio.FormatGrant(k, at.Grants[k]))
	}
	if len(at.Grants) == 0 {
		fmt.Fprintln(w, "grants:     none")
	}
	fmt.Fprintf(w, "not before: %s\n", formatTime(at.NotBefore))
	fmt.Fprintf(w, "expires:    %s (lifetime %v)\n", formatTime(at.Expires), at.Lifetime())
	fmt.Fprintf(w, "status:     %s\n", validity(at, now))
	fmt.Fprintf(w, "signature:  %s\n", sig)
}

func decodedJSON(at *twilio.AccessToken, now time.Time, sig string) map[string]any {
	grants := map[string]string{}
	for _, k := range at.GrantKeys() {
		grants[k] = twilio.FormatGrant(k, at.Grants[k])
	}
	header := map[string]string{"alg": at.Algorithm, "cty": at.ContentType, "typ": at.Type}
	if at.Region != "" {
		header["twr"] = at.Region
	}
	return map[string]any{
		"header":            header,
		"api_key_sid":       at.KeySID,
		"account_sid":       at.AccountSID,
		"token_id":          at.ID,
		"identity":          at.Identity,
		"grants":            at.Grants,
		"grants_text":       grants,
		"not_before":        formatTime(at.NotBefore),
		"expires_at":        formatTime(at.Expires),
		"lifetime_seconds":  int64(at.Lifetime().Seconds()),
		"remaining_seconds": int64(at.Remaining(now).Seconds()),
		"status":            validity(at, now),
		"long_lived":        at.Lifetime() > longLived,
		"signature":         sig,
	}
}
