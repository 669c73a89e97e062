package verify

import (
	"context"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/vigilsec/vigil"
)

// Chat.
func chatProviders() []Provider {
	return []Provider{
		{
			Name:      "slack",
			Endpoints: []Endpoint{{"POST", "https://slack.com/api/auth.test", "the token's team and user"}},
			Check:     checkSlack,
		},
		spec{Name: "discord", URL: "https://discord.com/api/v10/users/@me", Purpose: "the bot token's user",
			Auth: func(s string) http.Header { return header("Authorization", "Bot "+s) }, Required: "id",
			Facts: map[string]string{"user": "username", "bot": "bot"}}.provider(),
		{
			Name:      "telegram",
			Endpoints: []Endpoint{{"GET", "https://api.telegram.org/bot{token}/getMe", "the bot's name (the token is part of the path)"}},
			Check:     checkTelegram,
		},
	}
}

// slackInvalid are auth.test errors that say the token is not usable.
var slackInvalid = []string{"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired", "no_such_token"}

// checkSlack calls auth.test, which answers 200 with {"ok": false,
// "error": …} for a bad token.
func checkSlack(ctx context.Context, c *Call, cred Credential) vigil.Verdict {
	h := bearer(cred.Secret.Reveal())
	h.Set("Content-Type", "application/x-www-form-urlencoded")
	r, err := c.Do(ctx, Request{Method: "POST", URL: "https://slack.com/api/auth.test", Header: h, Body: []byte{}})
	if err != nil {
		return Failed(err)
	}
	if v, done := refused(r); done {
		return v
	}
	var a struct {
		OK     *bool  `json:"ok"`
		Error  string `json:"error"`
		Team   string `json:"team"`
		User   string `json:"user"`
		URL    string `json:"url"`
		BotID  string `json:"bot_id"`
		TeamID string `json:"team_id"`
	}
	switch {
	case !r.decode(&a) || a.OK == nil:
		return Unknown(ReasonBody)
	case !*a.OK && slices.Contains(slackInvalid, a.Error):
		return Invalid(errString("slack:", a.Error))
	case !*a.OK:
		return Unknown(errString("slack:", a.Error))
	}
	facts := map[string]string{"team": clip(a.Team, 80), "user": clip(a.User, 80), "url": clip(a.URL, 120)}
	if a.BotID != "" {
		facts["bot"] = "true"
	}
	return Valid(facts)
}

var telegramTokenRE = regexp.MustCompile(`^[0-9]{5,16}:[A-Za-z0-9_-]{30,64}$`)

// checkTelegram calls getMe; the token is in the path, which is why no
// URL is ever logged or quoted.
func checkTelegram(ctx context.Context, c *Call, cred Credential) vigil.Verdict {
	tok := cred.Secret.Reveal()
	if !telegramTokenRE.MatchString(tok) {
		return NotVerifiable("not a Telegram bot token")
	}
	r, err := c.Get(ctx, "https://api.telegram.org/bot"+tok+"/getMe", http.Header{})
	if err != nil {
		return Failed(err)
	}
	return answer(r, []int{http.StatusUnauthorized}, "result.id", map[string]string{"bot": "result.username", "name": "result.first_name"})
}

// Payments.
func paymentProviders() []Provider {
	return []Provider{
		{
			Name:      "stripe",
			Endpoints: []Endpoint{{"GET", "https://api.stripe.com/v1/balance", "is the key live; livemode"}},
			Check:     checkStripe,
		},
		spec{Name: "square", URL: "https://connect.squareup.com/v2/merchants/me", Purpose: "the token's merchant",
			Auth: func(s string) http.Header {
				h := bearer(s)
				h.Set("Square-Version", "2024-01-18")
				return h
			}, Required: "merchant.id", Facts: map[string]string{"merchant": "merchant.business_name", "country": "merchant.country"}}.provider(),
	}
}

// checkStripe reads the balance. A restricted key without balance access
// gets 403 with Stripe's error body: it authenticated, so it is live.
func checkStripe(ctx context.Context, c *Call, cred Credential) vigil.Verdict {
	r, err := c.Get(ctx, "https://api.stripe.com/v1/balance", bearer(cred.Secret.Reveal()))
	if err != nil {
		return Failed(err)
	}
	mode := "test"
	if strings.Contains(cred.Secret.Reveal(), "_live_") {
		mode = "live"
	}
	if r.Status == http.StatusForbidden {
		if _, ok := pickFacts(r, "error.type", nil); ok {
			return Valid(map[string]string{"mode": mode, "permissions": "restricted: no balance access"})
		}
	}
	facts, v, done := success(r, []int{http.StatusUnauthorized}, "object", map[string]string{"livemode": "livemode"})
	if done {
		return v
	}
	facts["mode"] = mode
	return Valid(facts)
}

// Email.
func emailProviders() []Provider {
	return []Provider{
		spec{Name: "sendgrid", URL: "https://api.sendgrid.com/v3/scopes", Purpose: "the key's scopes",
			Auth: bearer, Invalid: []int{401, 403}, Required: "scopes", Facts: map[string]string{"scopes": "scopes.#"},
			Judge: func(r *Response, facts map[string]string) vigil.Verdict {
				var s struct {
					Scopes []string `json:"scopes"`
				}
				if r.decode(&s) {
					facts["can_send_mail"] = boolFact(slices.Contains(s.Scopes, "mail.send"))
				}
				return Valid(facts)
			}}.provider(),
		{
			Name: "mailgun",
			Endpoints: []Endpoint{
				{"GET", "https://api.mailgun.net/v3/domains", "the key's sending domains (US region)"},
				{"GET", "https://api.eu.mailgun.net/v3/domains", "the key's sending domains (EU region)"},
			},
			Check: checkMailgun,
		},
		{
			Name:      "mailchimp",
			Endpoints: []Endpoint{{"GET", "https://{dc}.api.mailchimp.com/3.0/", "the key's account (dc is the key's -usN suffix)"}},
			Check:     checkMailchimp,
		},
		spec{Name: "postmark", URL: "https://api.postmarkapp.com/server", Purpose: "the server token's server",
			Auth: func(s string) http.Header { return header("X-Postmark-Server-Token", s) }, Required: "ID",
			Facts: map[string]string{"server": "Name"}}.provider(),
		spec{Name: "telnyx", URL: "https://api.telnyx.com/v2/balance", Purpose: "is the key live (the account's balance currency)",
			Auth: bearer, Required: "data.record_type", Facts: map[string]string{"currency": "data.currency"}}.provider(),
		spec{Name: "brevo", URL: "https://api.brevo.com/v3/account", Purpose: "the key's account",
			Auth: func(s string) http.Header { return header("api-key", s) }, Required: "email",
			Facts: map[string]string{"email": "email", "company": "companyName"}}.provider(),
	}
}

func boolFact(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

func checkMailgun(ctx context.Context, c *Call, cred Credential) vigil.Verdict {
	u := "https://api.mailgun.net/v3/domains"
	if strings.EqualFold(cred.Part("region").Reveal(), "eu") {
		u = "https://api.eu.mailgun.net/v3/domains"
	}
	r, err := c.Get(ctx, u, basic("api", cred.Secret.Reveal()))
	if err != nil {
		return Failed(err)
	}
	return answer(r, []int{http.StatusUnauthorized}, "items", map[string]string{"domains": "total_count"})
}

var mailchimpDC = regexp.MustCompile(`-([a-z]{2,4}[0-9]{1,3})$`)

// checkMailchimp reads the API root of the key's data centre, which the
// key names in its suffix (…-us6).
func checkMailchimp(ctx context.Context, c *Call, cred Credential) vigil.Verdict {
	m := mailchimpDC.FindStringSubmatch(cred.Secret.Reveal())
	if m == nil {
		return NotVerifiable("no data centre suffix (-usN) on the key")
	}
	r, err := c.Get(ctx, "https://"+m[1]+".api.mailchimp.com/3.0/", basic("vigil", cred.Secret.Reveal()))
	if err != nil {
		return Failed(err)
	}
	return answer(r, []int{http.StatusUnauthorized}, "account_id", map[string]string{"account": "account_name", "email": "email"})
}
