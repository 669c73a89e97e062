package verify

import (
	"context"
	"net/http"
	"strings"

	"github.com/vigilsec/vigil"
)

// AI model providers.
func aiProviders() []Provider {
	models := func(name, url string) Provider {
		return spec{Name: name, URL: url, Purpose: "list models (read-only, no usage billed)",
			Auth: bearer, Required: "data", Facts: map[string]string{"models": "data.#"}}.provider()
	}
	return []Provider{
		models("openai", "https://api.openai.com/v1/models"),
		models("groq", "https://api.groq.com/openai/v1/models"),
		models("mistral", "https://api.mistral.ai/v1/models"),
		spec{Name: "anthropic", URL: "https://api.anthropic.com/v1/models", Purpose: "list models (read-only, no usage billed)",
			Auth: anthropicAuth, Required: "data", Facts: map[string]string{"models": "data.#"}}.provider(),
		spec{Name: "anthropic-admin", URL: "https://api.anthropic.com/v1/organizations/me", Purpose: "the Admin key's organization",
			Auth: anthropicAuth, Required: "id", Facts: map[string]string{"organization": "name"}}.provider(),
		spec{Name: "xai", URL: "https://api.x.ai/v1/api-key", Purpose: "the key's name, status and permissions",
			Auth: bearer, Invalid: []int{http.StatusBadRequest, http.StatusUnauthorized}, Required: "api_key_id",
			Facts: map[string]string{"name": "name", "acls": "acls"}, Judge: judgeXAI}.provider(),
		spec{Name: "huggingface", URL: "https://huggingface.co/api/whoami-v2", Purpose: "the token's user and role",
			Auth: bearer, Required: "name", Facts: map[string]string{"user": "name", "type": "type", "role": "auth.accessToken.role"}}.provider(),
		spec{Name: "cohere", Method: "POST", URL: "https://api.cohere.com/v1/check-api-key", Purpose: "is the key valid",
			Auth: bearer, Body: "{}", Required: "valid", Facts: map[string]string{"valid": "valid", "organization": "organization_id"},
			Judge: func(_ *Response, facts map[string]string) vigil.Verdict {
				if facts["valid"] != "true" {
					return Invalid("cohere: valid=false")
				}
				delete(facts, "valid")
				return Valid(facts)
			}}.provider(),
		spec{Name: "replicate", URL: "https://api.replicate.com/v1/account", Purpose: "the token's account",
			Auth: bearer, Required: "username", Facts: map[string]string{"user": "username", "type": "type"}}.provider(),
	}
}

// anthropicAuth is the x-api-key header with the API version Anthropic
// requires.
func anthropicAuth(s string) http.Header {
	h := header("x-api-key", s)
	h.Set("anthropic-version", "2023-06-01")
	return h
}

// judgeXAI reads the key's flags: a blocked or disabled key, or a key of a
// blocked team, cannot be used (xAI answers 400 to an unknown key).
func judgeXAI(r *Response, facts map[string]string) vigil.Verdict {
	var k struct {
		KeyBlocked  bool `json:"api_key_blocked"`
		KeyDisabled bool `json:"api_key_disabled"`
		TeamBlocked bool `json:"team_blocked"`
	}
	switch {
	case !r.decode(&k):
		return Unknown(ReasonBody)
	case k.KeyBlocked, k.KeyDisabled:
		return Invalid("xai: key blocked or disabled")
	case k.TeamBlocked:
		return Invalid("xai: team blocked")
	}
	return Valid(facts)
}

// Monitoring and incident response.
func observabilityProviders() []Provider {
	return []Provider{
		{
			Name: "datadog",
			Endpoints: []Endpoint{
				{"GET", "https://api.datadoghq.com/api/v1/validate", "is the API key valid (US1)"},
				{"GET", "https://api.datadoghq.eu/api/v1/validate", "is the API key valid (EU)"},
				{"GET", "https://api.{site}.datadoghq.com/api/v1/validate", "is the API key valid (US3, US5, AP1…: the site part)"},
				{"GET", "https://api.ddog-gov.com/api/v1/validate", "is the API key valid (US1-FED)"},
			},
			Check: checkDatadog,
		},
		spec{Name: "sentry", URL: "https://sentry.io/api/0/projects/", Purpose: "the projects the token reads",
			Auth: bearer, Required: "#", Facts: map[string]string{"projects": "#"}}.provider(),
		{
			Name:      "newrelic",
			Endpoints: []Endpoint{{"POST", "https://api.newrelic.com/graphql", "the user key's user (NerdGraph actor query)"}},
			Check:     checkNewRelic,
		},
		spec{Name: "pagerduty", URL: "https://api.pagerduty.com/abilities", Purpose: "the account's abilities",
			Auth: func(s string) http.Header {
				h := header("Authorization", "Token token="+s)
				h.Set("Accept", "application/vnd.pagerduty+json;version=2")
				return h
			}, Required: "abilities", Facts: map[string]string{"abilities": "abilities.#"}}.provider(),
	}
}

// datadogSites maps a site to its API host.
var datadogSites = map[string]string{
	"":                  "api.datadoghq.com",
	"datadoghq.com":     "api.datadoghq.com",
	"us1.datadoghq.com": "api.datadoghq.com",
	"datadoghq.eu":      "api.datadoghq.eu",
	"us3.datadoghq.com": "api.us3.datadoghq.com",
	"us5.datadoghq.com": "api.us5.datadoghq.com",
	"ap1.datadoghq.com": "api.ap1.datadoghq.com",
	"ap2.datadoghq.com": "api.ap2.datadoghq.com",
	"ddog-gov.com":      "api.ddog-gov.com",
}

// checkDatadog calls /api/v1/validate on the key's site: 200
// {"valid": true}, 403 for a key that is not valid.
func checkDatadog(ctx context.Context, c *Call, cred Credential) vigil.Verdict {
	site := strings.TrimPrefix(strings.ToLower(cred.Part("site").Reveal()), "app.")
	host, ok := datadogSites[site]
	if !ok {
		return NotVerifiable("unknown Datadog site")
	}
	r, err := c.Get(ctx, "https://"+host+"/api/v1/validate", header("DD-API-KEY", cred.Secret.Reveal()))
	if err != nil {
		return Failed(err)
	}
	if v, done := refused(r, http.StatusForbidden, http.StatusUnauthorized); done {
		return v
	}
	var a struct {
		Valid *bool `json:"valid"`
	}
	switch {
	case !r.decode(&a) || a.Valid == nil:
		return Unknown(ReasonBody)
	case !*a.Valid:
		return Invalid("datadog: valid=false")
	}
	return Valid(map[string]string{"site": strings.TrimPrefix(host, "api.")})
}

// checkNewRelic asks NerdGraph for the key's user. A bad key is refused
// with 401 or 403, or with a GraphQL error and no data.
func checkNewRelic(ctx context.Context, c *Call, cred Credential) vigil.Verdict {
	h := header("API-Key", cred.Secret.Reveal())
	h.Set("Content-Type", "application/json")
	r, err := c.Do(ctx, Request{Method: "POST", URL: "https://api.newrelic.com/graphql", Header: h,
		Body: []byte(`{"query":"{ actor { user { email name } } }"}`)})
	if err != nil {
		return Failed(err)
	}
	return answer(r, []int{http.StatusUnauthorized, http.StatusForbidden}, "data.actor.user", map[string]string{"email": "data.actor.user.email", "name": "data.actor.user.name"})
}

// Work tools.
func workProviders() []Provider {
	return []Provider{
		{
			Name:      "linear",
			Endpoints: []Endpoint{{"POST", "https://api.linear.app/graphql", "the key's user (viewer query)"}},
			Check:     checkLinear,
		},
		spec{Name: "notion", URL: "https://api.notion.com/v1/users/me", Purpose: "the integration's bot user",
			Auth: func(s string) http.Header {
				h := bearer(s)
				h.Set("Notion-Version", "2022-06-28")
				return h
			}, Required: "id", Facts: map[string]string{"workspace": "bot.workspace_name", "name": "name"}}.provider(),
		spec{Name: "airtable", URL: "https://api.airtable.com/v0/meta/whoami", Purpose: "the token's user and scopes",
			Auth: bearer, Required: "id", Facts: map[string]string{"scopes": "scopes", "email": "email"}}.provider(),
		spec{Name: "dropbox", Method: "POST", URL: "https://api.dropboxapi.com/2/users/get_current_account", Purpose: "the token's account",
			Auth: bearer, Body: "null", Required: "account_id", Facts: map[string]string{"email": "email", "name": "name.display_name"}}.provider(),
	}
}

// checkLinear asks for the viewer. Personal API keys go in Authorization
// as they are; a bad one is refused with 401, or 400 and an
// AUTHENTICATION_ERROR.
func checkLinear(ctx context.Context, c *Call, cred Credential) vigil.Verdict {
	h := header("Authorization", cred.Secret.Reveal())
	h.Set("Content-Type", "application/json")
	r, err := c.Do(ctx, Request{Method: "POST", URL: "https://api.linear.app/graphql", Header: h,
		Body: []byte(`{"query":"{ viewer { id name email } }"}`)})
	if err != nil {
		return Failed(err)
	}
	if r.Status == http.StatusBadRequest {
		var e struct {
			Errors []struct {
				Extensions struct {
					Code string `json:"code"`
				} `json:"extensions"`
			} `json:"errors"`
		}
		if r.decode(&e) && len(e.Errors) > 0 && e.Errors[0].Extensions.Code == "AUTHENTICATION_ERROR" {
			return Invalid("HTTP 400, AUTHENTICATION_ERROR")
		}
	}
	return answer(r, []int{http.StatusUnauthorized}, "data.viewer.id", map[string]string{"user": "data.viewer.name", "email": "data.viewer.email"})
}
