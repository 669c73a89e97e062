package verify

import (
	"context"
	"net/http"

	"github.com/vigilsec/vigil"
)

// Team and customer tools.
func teamProviders() []Provider {
	return []Provider{
		spec{Name: "asana", URL: "https://app.asana.com/api/1.0/users/me", Purpose: "the token's user and workspaces",
			Auth: bearer, Required: "data.gid",
			Facts: map[string]string{"user": "data.name", "email": "data.email", "workspaces": "data.workspaces.#"}}.provider(),
		{
			Name:      "figma",
			Endpoints: []Endpoint{{"GET", "https://api.figma.com/v1/me", "the token's user"}},
			Check:     checkFigma,
		},
		{
			Name:      "hubspot",
			Endpoints: []Endpoint{{"GET", "https://api.hubapi.com/account-info/v3/details", "the token's account (portal ID, type)"}},
			Check:     checkHubSpot,
		},
		spec{Name: "intercom", URL: "https://api.intercom.io/me", Purpose: "the token's admin and workspace",
			Auth: bearer, Required: "id",
			Facts: map[string]string{"admin": "email", "workspace": "app.name"}}.provider(),
	}
}

// checkFigma reads the token's user. Figma answers 403 both to a bad
// token ("Invalid token") and to a token without the current_user:read
// scope, so only the first is Invalid.
func checkFigma(ctx context.Context, c *Call, cred Credential) vigil.Verdict {
	r, err := c.Get(ctx, "https://api.figma.com/v1/me", header("X-Figma-Token", cred.Secret.Reveal()))
	if err != nil {
		return Failed(err)
	}
	if r.Status == http.StatusForbidden {
		var e struct {
			Err string `json:"err"`
		}
		if r.decode(&e) && e.Err == "Invalid token" {
			return Invalid("HTTP 403, invalid token")
		}
		return Unknown(statusReason(r) + " (a token without the current_user:read scope is refused too)")
	}
	return answer(r, nil, "id", map[string]string{"user": "handle", "email": "email"})
}

// checkHubSpot reads the account's details. 401 is a bad or expired
// token; 403 MISSING_SCOPES comes only after the token authenticated.
func checkHubSpot(ctx context.Context, c *Call, cred Credential) vigil.Verdict {
	r, err := c.Get(ctx, "https://api.hubapi.com/account-info/v3/details", bearer(cred.Secret.Reveal()))
	if err != nil {
		return Failed(err)
	}
	if r.Status == http.StatusForbidden {
		if v, ok := lookupBody(r, "category"); ok && v == "MISSING_SCOPES" {
			return Valid(map[string]string{"scopes": "cannot read account details"})
		}
	}
	return answer(r, []int{http.StatusUnauthorized}, "portalId", map[string]string{"portal": "portalId", "account_type": "accountType"})
}
