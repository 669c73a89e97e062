package verify

import (
	"net/http"
	"strings"
)

// digits is n random decimal digits (test data, made at run time).
func digits(n int) string {
	var b strings.Builder
	for _, c := range randHex(2 * n) {
		if c >= '0' && c <= '9' && b.Len() < n {
			b.WriteRune(c)
		}
	}
	for b.Len() < n {
		b.WriteByte('7')
	}
	return b.String()
}

// upperAlnum is n random upper-case letters and digits.
func upperAlnum(n int) string { return strings.ToUpper(randHex(n)) }

// inPath accepts a request whose path ends the secret: webhook URLs.
func inPath(r *http.Request, _ []byte, secret string) bool {
	return r.URL.Path != "/" && strings.HasSuffix(secret, r.URL.Path)
}

// moreFixtures are the providers' documented answers for the verifiers
// added for rules that named them (docs read: each provider's API
// reference for its "who am I" endpoint and its error answers).
func moreFixtures() map[string]fixture {
	return map[string]fixture{
		"asana": {secret: func() string { return "2/" + digits(16) + "/" + digits(16) + ":" + randHex(32) },
			valid:         `{"data":{"gid":"1204","email":"ops@example.com","name":"Ops","resource_type":"user","workspaces":[{"gid":"1","name":"Acme","resource_type":"workspace"}]}}`,
			invalidStatus: 401, invalid: `{"errors":[{"message":"Not Authorized","help":"For more information on API status codes and how to handle them, read the docs on errors: https://developers.asana.com/docs/errors"}]}`,
			facts: []string{"user", "email", "workspaces"}},
		"anthropic-admin": {secret: func() string { return "sk-ant-admin01-" + randAlnum(93) + "AA" },
			valid:         `{"id":"12345678-1234-5678-1234-567812345678","name":"Acme","type":"organization"}`,
			invalidStatus: 401, invalid: `{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}`,
			facts: []string{"organization"}},
		"xai": {secret: prefixed("xai-", 80),
			valid:         `{"redacted_api_key":"xai-...b14o","user_id":"u1","name":"CI key","create_time":"2024-01-01T12:55:18.139305Z","modify_time":"2024-08-28T17:20:12.343321Z","modified_by":"u1","team_id":"t1","acls":["api-key:model:*","api-key:endpoint:*"],"api_key_id":"k1","team_blocked":false,"api_key_blocked":false,"api_key_disabled":false}`,
			invalidStatus: 400, invalid: `{"code":"Client specified an invalid argument","error":"Incorrect API key provided: xa***. You can obtain an API key from https://console.x.ai."}`,
			facts: []string{"name", "acls"}},
		"slack-webhook": {secret: func() string {
			return "https://hooks.slack.com/services/T" + upperAlnum(10) + "/B" + upperAlnum(10) + "/" + randAlnum(24)
		},
			validStatus: 400, valid: "missing_text_or_fallback_or_attachments",
			invalidStatus: 403, invalid: "invalid_token", facts: []string{"team"}, carries: inPath},
		"discord-webhook": {secret: func() string { return "https://discord.com/api/webhooks/" + digits(18) + "/" + randAlnum(68) },
			valid:         `{"type":1,"id":"1","name":"deploys","avatar":null,"channel_id":"2","guild_id":"3","application_id":null}`,
			invalidStatus: 401, invalid: `{"message":"Invalid Webhook Token","code":50027}`,
			facts: []string{"name", "channel", "server"}, carries: inPath},
		"fastly": {secret: alnum(32),
			valid:         `{"id":"t1","name":"ci","user_id":"u1","customer_id":"c1","scope":"global:read","services":[],"created_at":"2024-01-01T00:00:00Z","expires_at":"2030-01-01T00:00:00Z"}`,
			invalidStatus: 401, invalid: `{"msg":"Provided credentials are missing or invalid"}`,
			facts: []string{"token", "scope", "expires"}},
		"figma": {secret: prefixed("figd_", 40),
			valid:         `{"id":"1","email":"ops@example.com","handle":"Ops","img_url":"https://example.com/a.png"}`,
			invalidStatus: 403, invalid: `{"status":403,"err":"Invalid token"}`, facts: []string{"user", "email"}},
		"hubspot": {secret: func() string {
			return "pat-na1-" + randHex(8) + "-" + randHex(4) + "-" + randHex(4) + "-" + randHex(4) + "-" + randHex(12)
		},
			valid:         `{"portalId":123456,"accountType":"STANDARD","timeZone":"US/Eastern","companyCurrency":"USD","additionalCurrencies":[],"utcOffset":"-05:00","utcOffsetMilliseconds":-18000000,"uiDomain":"app.hubspot.com","dataHostingLocation":"na1"}`,
			invalidStatus: 401, invalid: `{"status":"error","message":"Authentication credentials not found.","correlationId":"c1","category":"INVALID_AUTHENTICATION"}`,
			facts: []string{"portal", "account_type"}},
		"intercom": {secret: prefixed("dG9rOj", 60),
			valid:         `{"type":"admin","id":"1","email":"ops@example.com","name":"Ops","app":{"type":"app","id_code":"abc","name":"Acme"}}`,
			invalidStatus: 401, invalid: `{"type":"error.list","request_id":"r1","errors":[{"code":"unauthorized","message":"Access Token Invalid"}]}`,
			facts: []string{"admin", "workspace"}},
		"linode": {secret: func() string { return randHex(64) }, valid: `{"username":"ops","email":"ops@example.com","restricted":false}`,
			invalidStatus: 401, invalid: `{"errors":[{"reason":"Invalid Token"}]}`, facts: []string{"user", "email"}},
		"supabase": {secret: func() string { return "sbp_" + randHex(40) }, valid: `[{"id":"p1","name":"prod","region":"us-east-1"}]`,
			invalidStatus: 401, invalid: `{"message":"Unauthorized"}`, facts: []string{"projects"}},
		"snyk": {secret: func() string {
			return randHex(8) + "-" + randHex(4) + "-" + randHex(4) + "-" + randHex(4) + "-" + randHex(12)
		},
			valid:         `{"id":"u1","username":"ops","email":"ops@example.com"}`,
			invalidStatus: 401, invalid: `{"code":401,"error":"Invalid auth token provided","message":"Invalid auth token provided"}`,
			facts: []string{"user", "email"}},
		"tailscale": {secret: func() string { return "tskey-api-" + randAlnum(12) + "CNTRL-" + randAlnum(30) },
			valid: `{"keys":[{"id":"k1"},{"id":"k2"}]}`, invalidStatus: 401, invalid: `{"message":"API token invalid"}`, facts: []string{"keys"}},
		"honeycomb": {secret: alnum(22),
			valid:         `{"id":"FL_x","type":"configuration","api_key_access":{"events":true,"markers":true},"environment":{"name":"Production","slug":"production"},"team":{"name":"Acme","slug":"acme"}}`,
			invalidStatus: 401, invalid: `{"error":"unknown API key - check your credentials"}`, facts: []string{"team", "environment", "key_type"}},
		"mapbox": {secret: func() string { return "sk.eyJ" + randAlnum(60) + "." + randAlnum(22) },
			valid:         `{"code":"TokenValid","token":{"usage":"sk","user":"ops","authorization":"a1","client":"api","scopes":["styles:read","tokens:read"]}}`,
			invalidStatus: 401, invalid: `{"code":"TokenInvalid"}`, facts: []string{"user", "usage", "scopes"}},
		"ibm": {secret: alnum(44),
			valid:         `{"access_token":"placeholder","refresh_token":"not_supported","token_type":"Bearer","expires_in":3600,"expiration":1700003600,"scope":"ibm openid"}`,
			invalidStatus: 400, invalid: `{"errorCode":"BXNIM0415E","errorMessage":"Provided API key could not be found.","context":{"requestId":"r1"}}`,
			facts: []string{"iam"}},
		"scaleway": {secret: func() string {
			return randHex(8) + "-" + randHex(4) + "-" + randHex(4) + "-" + randHex(4) + "-" + randHex(12)
		},
			parts:         []string{"access_key", "SCW" + upperAlnum(17)},
			valid:         `{"access_key":"SCWXXXXXXXXXXXXXXXXX","description":"ci","user_id":"u1","application_id":null,"default_project_id":"p1"}`,
			invalidStatus: 401, invalid: `{"message":"authentication is denied","method":"api_key","reason":"invalid_argument","type":"denied_authentication"}`,
			facts: []string{"access_key", "user"}},
		"rubygems": {secret: func() string { return "rubygems_" + randHex(48) }, valid: `[{"name":"acme-gem","downloads":12}]`,
			invalidStatus: 401, invalid: `Access Denied. Please sign up for an account at https://rubygems.org`, facts: []string{"gems"}},
		"adyen": {secret: prefixed("AQE", 80),
			valid:         `{"id":"S2-1","username":"ws@Company.Acme","companyName":"Acme","active":true,"roles":["Management API - Accounts read"],"allowedOrigins":[]}`,
			invalidStatus: 401, invalid: `{"type":"https://docs.adyen.com/errors/unauthorized","title":"Unauthorized","status":401,"errorCode":"00_401"}`,
			facts: []string{"company", "environment"}},
		"razorpay": {secret: alnum(24), parts: []string{"key_id", "rzp_test_" + randAlnum(14)},
			valid:         `{"entity":"collection","count":0,"items":[]}`,
			invalidStatus: 401, invalid: `{"error":{"code":"BAD_REQUEST_ERROR","description":"Authentication failed","source":"NA","step":"NA","reason":"NA","metadata":{}}}`,
			facts: []string{"mode"}},
		"telnyx": {secret: prefixed("KEY", 56),
			valid:         `{"data":{"record_type":"balance","balance":"10.00","credit_limit":"0.00","available_credit":"10.00","currency":"USD"}}`,
			invalidStatus: 401, invalid: `{"errors":[{"code":"10009","title":"Authentication failed","detail":"The API key looks malformed."}]}`,
			facts: []string{"currency"}},
	}
}
