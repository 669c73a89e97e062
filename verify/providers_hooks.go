package verify

import (
	"context"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/vigilsec/vigil"
)

// Webhook URLs, whose secret is the URL itself.
func hookProviders() []Provider {
	return []Provider{
		{
			Name: "slack-webhook",
			Endpoints: []Endpoint{{"POST", "https://hooks.slack.com/services/{team}/{channel}/{token}",
				"the webhook URL itself, with an empty JSON object that Slack refuses to post (nothing is sent to the channel)"}},
			Check: checkSlackWebhook,
		},
		{
			Name:      "discord-webhook",
			Endpoints: []Endpoint{{"GET", "https://discord.com/api/webhooks/{id}/{token}", "the webhook's name, channel and server (read-only)"}},
			Check:     checkDiscordWebhook,
		},
	}
}

var slackWebhookRE = regexp.MustCompile(`^https://hooks\.slack\.com/services/(T[A-Z0-9]{8,12})/(B[A-Z0-9]{8,12})/([A-Za-z0-9]{24})$`)

// Slack's incoming-webhook answers (docs: messaging/webhooks, "Handling
// errors"): a live URL refuses a payload without text with 400 and one
// of these; a disabled, removed or made-up one answers 403 invalid_token
// or 404 no_service / no_team.
var (
	slackHookLive = []string{"invalid_payload", "missing_text_or_fallback_or_attachments", "no_text"}
	slackHookDead = []string{"invalid_token", "no_service", "no_team", "team_disabled"}
)

// checkSlackWebhook posts {} to the webhook: Slack refuses to post a
// message without text, and the refusal says whether the URL is live.
// A webhook whose channel is archived or gone is reported as Unknown: it
// authenticates but cannot post.
func checkSlackWebhook(ctx context.Context, c *Call, cred Credential) vigil.Verdict {
	m := slackWebhookRE.FindStringSubmatch(strings.TrimSpace(cred.Secret.Reveal()))
	if m == nil {
		return NotVerifiable("not a Slack webhook URL")
	}
	u := "https://hooks.slack.com/services/" + m[1] + "/" + m[2] + "/" + m[3]
	r, err := c.Do(ctx, Request{Method: http.MethodPost, URL: u, Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte("{}")})
	if err != nil {
		return Failed(err)
	}
	answer := strings.TrimSpace(clip(string(r.Body), 60))
	switch {
	case r.Status == http.StatusBadRequest && slices.Contains(slackHookLive, answer):
		return Valid(map[string]string{"team": m[1]})
	case (r.Status == http.StatusForbidden || r.Status == http.StatusNotFound) && slices.Contains(slackHookDead, answer):
		return Invalid(errString("slack:", answer))
	case r.Status == http.StatusOK:
		// Slack posted something: not an answer vigil asked for.
		return Unknown(ReasonBody)
	case r.Status >= 400 && r.Status < 500 && r.Status != http.StatusTooManyRequests && isWord(answer):
		return Unknown(errString("slack:", answer)) // channel_is_archived, channel_not_found, action_prohibited…
	}
	return Unknown(statusReason(r))
}

var discordWebhookRE = regexp.MustCompile(`^https://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/(\d{17,20})/([A-Za-z0-9_-]{60,80})$`)

// checkDiscordWebhook reads the webhook with its token (Get Webhook with
// Token: no user, no message). Discord answers a wrong token with 401
// and code 50027, a deleted webhook with 404 and code 10015.
func checkDiscordWebhook(ctx context.Context, c *Call, cred Credential) vigil.Verdict {
	m := discordWebhookRE.FindStringSubmatch(strings.TrimSpace(cred.Secret.Reveal()))
	if m == nil {
		return NotVerifiable("not a Discord webhook URL")
	}
	r, err := c.Get(ctx, "https://discord.com/api/webhooks/"+m[1]+"/"+m[2], header("Accept", "application/json"))
	if err != nil {
		return Failed(err)
	}
	if r.Status == http.StatusUnauthorized || r.Status == http.StatusNotFound {
		var e struct {
			Code int `json:"code"`
		}
		if r.decode(&e) && (e.Code == 50027 || e.Code == 10015) {
			return Invalid(errString("discord:", map[int]string{50027: "invalid webhook token", 10015: "unknown webhook"}[e.Code]))
		}
		return Unknown(statusReason(r))
	}
	return answer(r, nil, "id", map[string]string{"name": "name", "channel": "channel_id", "server": "guild_id"})
}

// isWord reports a short snake_case answer such as Slack's error names.
func isWord(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if (c < 'a' || c > 'z') && c != '_' {
			return false
		}
	}
	return true
}
