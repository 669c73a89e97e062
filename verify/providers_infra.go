package verify

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/vigilsec/vigil"
)

// Infrastructure, delivery and developer services.
func infraProviders() []Provider {
	return []Provider{
		spec{Name: "fastly", URL: "https://api.fastly.com/tokens/self", Purpose: "the token's name, scope and expiry",
			Auth: func(s string) http.Header { return header("Fastly-Key", s) }, Required: "id",
			Facts: map[string]string{"token": "name", "scope": "scope", "expires": "expires_at"}}.provider(),
		spec{Name: "linode", URL: "https://api.linode.com/v4/profile", Purpose: "the token's user",
			Auth: bearer, Required: "username", Facts: map[string]string{"user": "username", "email": "email"}}.provider(),
		spec{Name: "supabase", URL: "https://api.supabase.com/v1/projects", Purpose: "the projects the token reaches",
			Auth: bearer, Required: "#", Facts: map[string]string{"projects": "#"}}.provider(),
		spec{Name: "snyk", URL: "https://api.snyk.io/v1/user/me", Purpose: "the token's user",
			Auth: func(s string) http.Header { return header("Authorization", "token "+s) }, Required: "id",
			Facts: map[string]string{"user": "username", "email": "email"}}.provider(),
		{
			Name:      "tailscale",
			Endpoints: []Endpoint{{"GET", "https://api.tailscale.com/api/v2/tailnet/-/keys", "is the API access token live (lists the tailnet's keys, not their secrets)"}},
			Check:     checkTailscale,
		},
		{
			Name: "honeycomb",
			Endpoints: []Endpoint{
				{"GET", "https://api.honeycomb.io/1/auth", "the key's team and environment (US)"},
				{"GET", "https://api.eu1.honeycomb.io/1/auth", "the key's team and environment (EU)"},
			},
			Check: checkHoneycomb,
		},
		{
			Name:      "mapbox",
			Endpoints: []Endpoint{{"GET", "https://api.mapbox.com/tokens/v2", "the token's user, type and scopes (the token is a query parameter)"}},
			Check:     checkMapbox,
		},
		{
			Name:      "ibm",
			Endpoints: []Endpoint{{"POST", "https://iam.cloud.ibm.com/identity/token", "exchange the API key for an IAM token, which is discarded"}},
			Check:     checkIBM,
		},
		{
			Name:      "scaleway",
			Endpoints: []Endpoint{{"GET", "https://api.scaleway.com/iam/v1alpha1/api-keys/{access_key}", "the key's own record (its user or application)"}},
			Check:     checkScaleway,
		},
		{
			Name:      "rubygems",
			Endpoints: []Endpoint{{"GET", "https://rubygems.org/api/v1/gems.json", "the gems the key's owner pushes"}},
			Check:     checkRubyGems,
		},
	}
}

// checkTailscale verifies API access tokens (tskey-api-); auth keys,
// OAuth client secrets, SCIM and webhook keys are not API credentials.
func checkTailscale(ctx context.Context, c *Call, cred Credential) vigil.Verdict {
	tok := cred.Secret.Reveal()
	if !strings.HasPrefix(tok, "tskey-api-") {
		return NotVerifiable("only API access tokens (tskey-api-) can be asked about; auth, client, SCIM and webhook keys cannot")
	}
	r, err := c.Get(ctx, "https://api.tailscale.com/api/v2/tailnet/-/keys", bearer(tok))
	if err != nil {
		return Failed(err)
	}
	return answer(r, []int{http.StatusUnauthorized}, "keys", map[string]string{"keys": "keys.#"})
}

// checkHoneycomb asks the US region, then the EU one: a key is known to
// its own region only, so only two refusals make it Invalid.
func checkHoneycomb(ctx context.Context, c *Call, cred Credential) vigil.Verdict {
	r, _, err := firstAnswer(ctx, c, []string{"https://api.honeycomb.io/1/auth", "https://api.eu1.honeycomb.io/1/auth"},
		header("X-Honeycomb-Team", cred.Secret.Reveal()))
	if err != nil {
		return Failed(err)
	}
	return answer(r, []int{http.StatusUnauthorized}, "team", map[string]string{"team": "team.name", "environment": "environment.name", "key_type": "type"})
}

// mapboxRefusals are the codes of a token Mapbox will not accept.
var mapboxRefusals = map[string]bool{"TokenInvalid": true, "TokenMalformed": true, "TokenExpired": true, "TokenRevoked": true}

// checkMapbox retrieves the token itself: 200 {"code":"TokenValid"}, 401
// with the reason otherwise.
func checkMapbox(ctx context.Context, c *Call, cred Credential) vigil.Verdict {
	r, err := c.Get(ctx, "https://api.mapbox.com/tokens/v2?access_token="+url.QueryEscape(cred.Secret.Reveal()), http.Header{"Accept": {"application/json"}})
	if err != nil {
		return Failed(err)
	}
	code, _ := lookupBody(r, "code")
	s, _ := code.(string)
	switch {
	case r.Status == http.StatusUnauthorized && mapboxRefusals[s]:
		return Invalid(errString("mapbox:", s))
	case r.Status == http.StatusOK && s != "TokenValid":
		return Unknown(ReasonBody)
	}
	return answer(r, nil, "token", map[string]string{"user": "token.user", "usage": "token.usage", "scopes": "token.scopes"})
}

// checkIBM exchanges the API key for an IAM token (the documented way to
// use one) and keeps nothing of the answer but that it succeeded. IBM
// answers an unknown key with 400 BXNIM0415E.
func checkIBM(ctx context.Context, c *Call, cred Credential) vigil.Verdict {
	form := url.Values{"grant_type": {"urn:ibm:params:oauth:grant-type:apikey"}, "apikey": {cred.Secret.Reveal()}}
	h := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "Accept": {"application/json"}}
	r, err := c.Do(ctx, Request{Method: http.MethodPost, URL: "https://iam.cloud.ibm.com/identity/token", Header: h, Body: []byte(form.Encode())})
	if err != nil {
		return Failed(err)
	}
	if r.Status == http.StatusBadRequest {
		if code, ok := lookupBody(r, "errorCode"); ok && code == "BXNIM0415E" {
			return Invalid("ibm: BXNIM0415E API key not found")
		}
	}
	if v, done := refused(r); done {
		return v
	}
	if _, ok := lookupBody(r, "access_token"); !ok {
		return Unknown(ReasonBody)
	}
	return Valid(map[string]string{"iam": "token issued"})
}

var scalewayAccessKeyRE = regexp.MustCompile(`^SCW[A-Z0-9]{17}$`)

// checkScaleway reads the key's own record with its secret. A key whose
// bearer may not read IAM gets 403 permissions_denied, which Scaleway
// gives only after the key authenticated.
func checkScaleway(ctx context.Context, c *Call, cred Credential) vigil.Verdict {
	ak := cred.Part("access_key").Reveal()
	if !scalewayAccessKeyRE.MatchString(ak) {
		return NotVerifiable("a Scaleway secret key is verified with its access key (SCW…), and none was found nearby")
	}
	r, err := c.Get(ctx, "https://api.scaleway.com/iam/v1alpha1/api-keys/"+ak, header("X-Auth-Token", cred.Secret.Reveal()))
	if err != nil {
		return Failed(err)
	}
	if r.Status == http.StatusForbidden {
		if t, ok := lookupBody(r, "type"); ok && t == "permissions_denied" {
			return Valid(map[string]string{"access_key": ak, "permissions": "cannot read IAM"})
		}
	}
	facts, v, done := success(r, []int{http.StatusUnauthorized}, "access_key",
		map[string]string{"user": "user_id", "application": "application_id", "description": "description"})
	if done {
		return v
	}
	facts["access_key"] = ak
	return Valid(facts)
}

// checkRubyGems lists the gems the key's owner pushes. A key without the
// index_rubygems scope is refused with 403 after it authenticated.
func checkRubyGems(ctx context.Context, c *Call, cred Credential) vigil.Verdict {
	r, err := c.Get(ctx, "https://rubygems.org/api/v1/gems.json", header("Authorization", cred.Secret.Reveal()))
	if err != nil {
		return Failed(err)
	}
	if r.Status == http.StatusForbidden && strings.Contains(string(r.Body), "API key") {
		return Valid(map[string]string{"scopes": "cannot list gems (no index_rubygems scope)"})
	}
	return answer(r, []int{http.StatusUnauthorized}, "#", map[string]string{"gems": "#"})
}

// firstAnswer asks each URL in turn while the answer is 401 (a key of
// another region or environment) and returns the last answer with the
// index of the URL that gave it.
func firstAnswer(ctx context.Context, c *Call, urls []string, h http.Header) (*Response, int, error) {
	var r *Response
	for i, u := range urls {
		var err error
		if r, err = c.Get(ctx, u, h); err != nil {
			return nil, i, err
		}
		if r.Status != http.StatusUnauthorized {
			return r, i, nil
		}
	}
	return r, len(urls) - 1, nil
}
