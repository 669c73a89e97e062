package verify

import (
	"context"
	"net/http"

	"github.com/vigilsec/vigil"
)

// Version control, CI and package registries.
func vcsProviders() []Provider {
	return []Provider{
		{
			Name:      "github",
			Endpoints: []Endpoint{{"GET", "https://api.github.com/user", "the token's user and OAuth scopes"}},
			Check:     checkGitHub,
		},
		{
			Name:      "gitlab",
			Endpoints: []Endpoint{{"GET", "https://gitlab.com/api/v4/user", "the token's user"}},
			Check:     checkGitLab,
		},
		spec{Name: "circleci", URL: "https://circleci.com/api/v2/me", Purpose: "the token's user",
			Auth: func(s string) http.Header { return header("Circle-Token", s) }, Required: "id",
			Facts: map[string]string{"login": "login", "name": "name"}}.provider(),
		spec{Name: "buildkite", URL: "https://api.buildkite.com/v2/access-token", Purpose: "the token's scopes",
			Auth: bearer, Required: "uuid", Facts: map[string]string{"scopes": "scopes"}}.provider(),
		spec{Name: "npm", URL: "https://registry.npmjs.org/-/whoami", Purpose: "the token's user",
			Auth: bearer, Required: "username", Facts: map[string]string{"user": "username"}}.provider(),
	}
}

// checkGitHub asks GET /user. A 403 is either a rate limit or a token
// that may not read users (an app's installation token): not an answer.
func checkGitHub(ctx context.Context, c *Call, cred Credential) vigil.Verdict {
	h := bearer(cred.Secret.Reveal())
	h.Set("Accept", "application/vnd.github+json")
	h.Set("X-GitHub-Api-Version", "2022-11-28")
	r, err := c.Get(ctx, "https://api.github.com/user", h)
	if err != nil {
		return Failed(err)
	}
	facts, v, done := success(r, []int{http.StatusUnauthorized}, "login", map[string]string{"login": "login", "name": "name", "type": "type"})
	if done {
		return v
	}
	if s := r.Header.Get("X-OAuth-Scopes"); s != "" {
		facts["scopes"] = clip(s, 200)
	}
	return Valid(facts)
}

// checkGitLab asks GET /api/v4/user. A token without the read_user or api
// scope gets 403 insufficient_scope: it authenticated, so it is live.
func checkGitLab(ctx context.Context, c *Call, cred Credential) vigil.Verdict {
	r, err := c.Get(ctx, "https://gitlab.com/api/v4/user", header("PRIVATE-TOKEN", cred.Secret.Reveal()))
	if err != nil {
		return Failed(err)
	}
	if r.Status == http.StatusForbidden {
		var e struct {
			Error string `json:"error"`
		}
		if r.decode(&e) && e.Error == "insufficient_scope" {
			return Valid(map[string]string{"scopes": "cannot read its user (no read_user or api scope)"})
		}
	}
	return answer(r, []int{http.StatusUnauthorized}, "username", map[string]string{"user": "username", "name": "name", "admin": "is_admin"})
}

// Platforms and infrastructure.
func cloudProviders() []Provider {
	return []Provider{
		spec{Name: "digitalocean", URL: "https://api.digitalocean.com/v2/account", Purpose: "the token's account",
			Auth: bearer, Required: "account", Facts: map[string]string{"email": "account.email", "account_status": "account.status", "team": "account.team.name"}}.provider(),
		spec{Name: "heroku", URL: "https://api.heroku.com/account", Purpose: "the token's account",
			Auth: func(s string) http.Header {
				h := bearer(s)
				h.Set("Accept", "application/vnd.heroku+json; version=3")
				return h
			}, Required: "id", Facts: map[string]string{"email": "email"}}.provider(),
		spec{Name: "cloudflare", URL: "https://api.cloudflare.com/client/v4/user/tokens/verify", Purpose: "the token's status",
			Auth: bearer, Required: "result.status", Facts: map[string]string{"token_status": "result.status", "expires": "result.expires_on"},
			Judge: func(_ *Response, facts map[string]string) vigil.Verdict {
				if s := facts["token_status"]; s != "active" {
					return Invalid("token " + s)
				}
				return Valid(facts)
			}}.provider(),
		spec{Name: "netlify", URL: "https://api.netlify.com/api/v1/user", Purpose: "the token's user",
			Auth: bearer, Required: "id", Facts: map[string]string{"email": "email", "name": "full_name"}}.provider(),
		{
			Name:      "vercel",
			Endpoints: []Endpoint{{"GET", "https://api.vercel.com/v2/user", "the token's user"}},
			Check:     checkVercel,
		},
		spec{Name: "doppler", URL: "https://api.doppler.com/v3/me", Purpose: "the token's workplace",
			Auth: bearer, Required: "workplace", Facts: map[string]string{"workplace": "workplace.name", "token_type": "type", "name": "name"}}.provider(),
		spec{Name: "terraform", URL: "https://app.terraform.io/api/v2/account/details", Purpose: "the token's user",
			Auth: bearer, Required: "data.id", Facts: map[string]string{"user": "data.attributes.username", "email": "data.attributes.email"}}.provider(),
		spec{Name: "pulumi", URL: "https://api.pulumi.com/api/user", Purpose: "the token's user",
			Auth: func(s string) http.Header { return header("Authorization", "token "+s) }, Required: "githubLogin",
			Facts: map[string]string{"user": "githubLogin", "name": "name"}}.provider(),
		spec{Name: "postman", URL: "https://api.getpostman.com/me", Purpose: "the key's user",
			Auth: func(s string) http.Header { return header("X-API-Key", s) }, Required: "user.id",
			Facts: map[string]string{"user": "user.username", "team": "user.teamName"}}.provider(),
	}
}

// checkVercel asks for the token's user. Vercel answers an unknown token
// with 403 and "invalidToken": true; a 403 without it is a token that may
// not read users (one scoped to a team), which is not an answer.
func checkVercel(ctx context.Context, c *Call, cred Credential) vigil.Verdict {
	r, err := c.Get(ctx, "https://api.vercel.com/v2/user", bearer(cred.Secret.Reveal()))
	if err != nil {
		return Failed(err)
	}
	if r.Status == http.StatusForbidden {
		if v, ok := lookupBody(r, "error.invalidToken"); ok && v == true {
			return Invalid("HTTP 403, invalidToken")
		}
	}
	return answer(r, []int{http.StatusUnauthorized}, "user.id", map[string]string{"user": "user.username", "email": "user.email"})
}
