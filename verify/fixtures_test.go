package verify

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net/http"
	"strings"
)

// fixture plays one provider's documented answers: valid when the request
// carries the secret, the documented refusal otherwise.
type fixture struct {
	secret func() string
	// validSecret, when set, is the secret the fake accepts; otherwise
	// the first secret() is.
	validSecret string
	parts       []string // name, value pairs
	// valid is a documented success body; invalid a documented refusal
	// with its status.
	valid         string
	validStatus   int // default 200
	validHeader   http.Header
	invalidStatus int
	invalid       string
	facts         []string // fact names a success must yield
	// carries decides whether a request bears the credential; nil means
	// the secret appears in a header, the path or the body.
	carries func(r *http.Request, body []byte, secret string) bool
}

func alnum(n int) func() string              { return func() string { return randAlnum(n) } }
func prefixed(p string, n int) func() string { return func() string { return p + randAlnum(n) } }

const (
	openAIValid   = `{"object":"list","data":[{"id":"m1","object":"model","owned_by":"system"}]}`
	openAIInvalid = `{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","code":"invalid_api_key"}}`
)

// fixtures returns a fixture for every provider but Twilio (tested
// against the emulator).
func fixtures() map[string]fixture {
	all := moreFixtures()
	for name, fx := range baseFixtures() {
		all[name] = fx
	}
	return all
}

func baseFixtures() map[string]fixture {
	return map[string]fixture{
		"github": {secret: prefixed("ghp_", 36), valid: `{"login":"octocat","id":1,"type":"User","name":"The Octocat"}`,
			validHeader:   http.Header{"X-Oauth-Scopes": {"repo, read:org"}},
			invalidStatus: 401, invalid: `{"message":"Bad credentials","documentation_url":"https://docs.github.com/rest"}`,
			facts: []string{"login", "scopes"}},
		"gitlab": {secret: prefixed("glpat-", 20), valid: `{"id":1,"username":"jdoe","name":"J Doe","is_admin":false}`,
			invalidStatus: 401, invalid: `{"message":"401 Unauthorized"}`, facts: []string{"user", "admin"}},
		"circleci": {secret: alnum(40), valid: `{"id":"5b2f","login":"jdoe","name":"J Doe"}`,
			invalidStatus: 401, invalid: `{"message":"You must log in first."}`, facts: []string{"login"}},
		"buildkite": {secret: prefixed("bkua_", 40), valid: `{"uuid":"b1","scopes":["read_builds","read_user"]}`,
			invalidStatus: 401, invalid: `{"message":"Authentication required. Please supply a valid API Access Token"}`, facts: []string{"scopes"}},
		"npm": {secret: prefixed("npm_", 36), valid: `{"username":"jdoe"}`,
			invalidStatus: 401, invalid: `{"error":"Unauthorized"}`, facts: []string{"user"}},
		"digitalocean": {secret: prefixed("dop_v1_", 64), valid: `{"account":{"email":"ops@example.com","status":"active","uuid":"u1","team":{"name":"Ops"}}}`,
			invalidStatus: 401, invalid: `{"id":"unauthorized","message":"Unable to authenticate you"}`, facts: []string{"email", "account_status", "team"}},
		"heroku": {secret: alnum(36), valid: `{"id":"01234567-89ab-cdef-0123-456789abcdef","email":"ops@example.com"}`,
			invalidStatus: 401, invalid: `{"id":"unauthorized","message":"Invalid credentials provided."}`, facts: []string{"email"}},
		"cloudflare": {secret: alnum(40), valid: `{"success":true,"errors":[],"messages":[],"result":{"id":"t1","status":"active"}}`,
			invalidStatus: 401, invalid: `{"success":false,"errors":[{"code":1000,"message":"Invalid API Token"}],"messages":[],"result":null}`, facts: []string{"token_status"}},
		"netlify": {secret: alnum(43), valid: `{"id":"u1","email":"ops@example.com","full_name":"Ops"}`,
			invalidStatus: 401, invalid: `{"code":401,"message":"Access Denied"}`, facts: []string{"email"}},
		"vercel": {secret: alnum(24), valid: `{"user":{"id":"u1","username":"jdoe","email":"ops@example.com"}}`,
			invalidStatus: 403, invalid: `{"error":{"code":"forbidden","message":"Not authorized","invalidToken":true}}`, facts: []string{"user"}},
		"doppler": {secret: prefixed("dp.pt.", 43), valid: `{"workplace":{"slug":"acme","name":"Acme"},"type":"personal","name":"laptop"}`,
			invalidStatus: 401, invalid: `{"messages":["Invalid Auth token"],"success":false}`, facts: []string{"workplace", "token_type"}},
		"terraform": {secret: func() string { return randAlnum(14) + ".atlasv1." + randAlnum(67) }, valid: `{"data":{"id":"user-1","type":"users","attributes":{"username":"jdoe","email":"ops@example.com"}}}`,
			invalidStatus: 401, invalid: `{"errors":[{"status":"401","title":"unauthorized"}]}`, facts: []string{"user"}},
		"pulumi": {secret: prefixed("pul-", 40), valid: `{"githubLogin":"jdoe","name":"J Doe"}`,
			invalidStatus: 401, invalid: `{"code":401,"message":"Unauthorized: No credentials provided or are invalid."}`, facts: []string{"user"}},
		"postman": {secret: prefixed("PMAK-", 59), valid: `{"user":{"id":1,"username":"jdoe","teamName":"Acme"}}`,
			invalidStatus: 401, invalid: `{"error":{"name":"AuthenticationError","message":"Invalid API Key. Every request requires a valid API Key to be sent."}}`, facts: []string{"user", "team"}},
		"slack": {secret: prefixed("xoxb-", 50), valid: `{"ok":true,"url":"https://acme.slack.com/","team":"Acme","user":"deploybot","team_id":"T1","user_id":"U1","bot_id":"B1"}`,
			invalidStatus: 200, invalid: `{"ok":false,"error":"invalid_auth"}`, facts: []string{"team", "user", "bot"}},
		"discord": {secret: func() string { return randAlnum(24) + "." + randAlnum(6) + "." + randAlnum(38) }, valid: `{"id":"1","username":"deploybot","bot":true}`,
			invalidStatus: 401, invalid: `{"message":"401: Unauthorized","code":0}`, facts: []string{"user", "bot"}},
		"telegram": {secret: func() string { return "1234567890:" + randAlnum(35) }, valid: `{"ok":true,"result":{"id":1,"is_bot":true,"first_name":"Deploy","username":"deploy_bot"}}`,
			invalidStatus: 401, invalid: `{"ok":false,"error_code":401,"description":"Unauthorized"}`, facts: []string{"bot"}},
		"stripe": {secret: prefixed("sk_test_", 24), valid: `{"object":"balance","livemode":false,"available":[]}`,
			invalidStatus: 401, invalid: `{"error":{"message":"Invalid API Key provided","type":"invalid_request_error"}}`, facts: []string{"mode", "livemode"}},
		"square": {secret: prefixed("EAAA", 60), valid: `{"merchant":{"id":"M1","business_name":"Acme","country":"US"}}`,
			invalidStatus: 401, invalid: `{"errors":[{"category":"AUTHENTICATION_ERROR","code":"UNAUTHORIZED","detail":"This request could not be authorized."}]}`, facts: []string{"merchant"}},
		"sendgrid": {secret: func() string { return "SG." + randAlnum(22) + "." + randAlnum(43) }, valid: `{"scopes":["mail.send","alerts.read"]}`,
			invalidStatus: 401, invalid: `{"errors":[{"field":null,"message":"authorization required"}]}`, facts: []string{"scopes", "can_send_mail"}},
		"mailgun": {secret: func() string { return "key-" + randHex(32) }, valid: `{"total_count":1,"items":[{"name":"mg.example.com"}]}`,
			invalidStatus: 401, invalid: `Forbidden`, facts: []string{"domains"}},
		"mailchimp": {secret: func() string { return randHex(32) + "-us6" }, valid: `{"account_id":"a1","account_name":"Acme","email":"ops@example.com"}`,
			invalidStatus: 401, invalid: `{"type":"https://mailchimp.com/developer/","title":"API Key Invalid","status":401,"detail":"Your API key may be invalid, or you've attempted to access the wrong datacenter."}`, facts: []string{"account"}},
		"postmark": {secret: alnum(36), valid: `{"ID":1,"Name":"Staging"}`,
			invalidStatus: 401, invalid: `{"ErrorCode":10,"Message":"Request does not contain a valid Server token."}`, facts: []string{"server"}},
		"brevo": {secret: func() string { return "xkeysib-" + randHex(64) + "-" + randAlnum(16) }, valid: `{"email":"ops@example.com","companyName":"Acme"}`,
			invalidStatus: 401, invalid: `{"message":"Key not found","code":"unauthorized"}`, facts: []string{"email", "company"}},
		"openai":  {secret: prefixed("sk-proj-", 48), valid: openAIValid, invalidStatus: 401, invalid: openAIInvalid, facts: []string{"models"}},
		"groq":    {secret: prefixed("gsk_", 52), valid: openAIValid, invalidStatus: 401, invalid: openAIInvalid, facts: []string{"models"}},
		"mistral": {secret: alnum(32), valid: openAIValid, invalidStatus: 401, invalid: `{"message":"Unauthorized","request_id":"r1"}`, facts: []string{"models"}},
		"anthropic": {secret: prefixed("sk-ant-api03-", 93), valid: `{"data":[{"id":"claude-x","type":"model"}],"has_more":false}`,
			invalidStatus: 401, invalid: `{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}`, facts: []string{"models"}},
		"huggingface": {secret: prefixed("hf_", 34), valid: `{"type":"user","name":"jdoe","auth":{"accessToken":{"role":"read"}}}`,
			invalidStatus: 401, invalid: `{"error":"Invalid credentials in Authorization header"}`, facts: []string{"user", "role"}},
		"cohere": {secret: alnum(40), valid: `{"valid":true,"organization_id":"org1"}`,
			invalidStatus: 401, invalid: `{"message":"invalid api token"}`, facts: []string{"organization"}},
		"replicate": {secret: prefixed("r8_", 37), valid: `{"type":"user","username":"jdoe"}`,
			invalidStatus: 401, invalid: `{"title":"Unauthenticated","detail":"You did not pass a valid authentication token","status":401}`, facts: []string{"user"}},
		"datadog": {secret: func() string { return randHex(32) }, valid: `{"valid":true}`,
			invalidStatus: 403, invalid: `{"errors":["Forbidden"]}`, facts: []string{"site"}},
		"sentry": {secret: func() string { return "sntryu_" + randHex(64) }, valid: `[{"id":"1","slug":"web"},{"id":"2","slug":"api"}]`,
			invalidStatus: 401, invalid: `{"detail":"Invalid token"}`, facts: []string{"projects"}},
		"newrelic": {secret: prefixed("NRAK-", 27), valid: `{"data":{"actor":{"user":{"email":"ops@example.com","name":"Ops"}}}}`,
			invalidStatus: 401, invalid: `{"errors":[{"message":"Invalid API key"}]}`, facts: []string{"email"}},
		"pagerduty": {secret: alnum(20), valid: `{"abilities":["teams","sso"]}`,
			invalidStatus: 401, invalid: `{"error":{"message":"Authentication failed","code":2006}}`, facts: []string{"abilities"}},
		"linear": {secret: prefixed("lin_api_", 40), valid: `{"data":{"viewer":{"id":"u1","name":"J Doe","email":"ops@example.com"}}}`,
			invalidStatus: 400, invalid: `{"errors":[{"message":"Authentication required, not authenticated","extensions":{"code":"AUTHENTICATION_ERROR"}}]}`, facts: []string{"user"}},
		"notion": {secret: prefixed("ntn_", 46), valid: `{"object":"user","id":"u1","type":"bot","name":"Integration","bot":{"workspace_name":"Acme"}}`,
			invalidStatus: 401, invalid: `{"object":"error","status":401,"code":"unauthorized","message":"API token is invalid."}`, facts: []string{"workspace"}},
		"airtable": {secret: func() string { return "pat" + randAlnum(14) + "." + randHex(64) }, valid: `{"id":"usr1","scopes":["data.records:read"],"email":"ops@example.com"}`,
			invalidStatus: 401, invalid: `{"error":{"type":"AUTHENTICATION_REQUIRED","message":"Authentication required"}}`, facts: []string{"scopes"}},
		"dropbox": {secret: prefixed("sl.", 130), valid: `{"account_id":"dbid:x","email":"ops@example.com","name":{"display_name":"Ops"}}`,
			invalidStatus: 401, invalid: `{"error_summary":"invalid_access_token/","error":{".tag":"invalid_access_token"}}`, facts: []string{"email", "name"}},
		"aws": awsFixture(),
		"gcp": gcpFixture(),
	}
}

// carriesSecret reports whether the secret is anywhere in the request.
func carriesSecret(r *http.Request, body []byte, secret string) bool {
	if strings.Contains(r.URL.Path, secret) || strings.Contains(string(body), secret) || r.URL.Query().Get("access_token") == secret {
		return true
	}
	if u, p, ok := r.BasicAuth(); ok && (u == secret || p == secret) {
		return true
	}
	for _, vs := range r.Header {
		for _, v := range vs {
			if strings.Contains(v, secret) {
				return true
			}
		}
	}
	return false
}

// awsKeyID is an access key ID shape made at run time.
func awsKeyID() string {
	const b32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	out := []byte("AKIA")
	for range 16 {
		k, _ := rand.Int(rand.Reader, big.NewInt(32))
		out = append(out, b32[k.Int64()])
	}
	return string(out)
}

// awsFixture checks the SigV4 signature with the secret the test holds.
func awsFixture() fixture {
	id := awsKeyID()
	return fixture{
		secret: alnum(40), parts: []string{"access_key_id", id},
		valid: `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>
<Arn>arn:aws:iam::123456789012:user/deploy</Arn><UserId>AIDAEXAMPLEUSERID</UserId><Account>123456789012</Account>
</GetCallerIdentityResult><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
		invalidStatus: 403,
		invalid: `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>
<Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the signature you provided.</Message></Error><RequestId>r1</RequestId></ErrorResponse>`,
		facts: []string{"account", "arn"},
		carries: func(r *http.Request, body []byte, secret string) bool {
			t, err := parseAmzDate(r.Header.Get("X-Amz-Date"))
			if err != nil {
				return false
			}
			h := http.Header{"Content-Type": r.Header["Content-Type"]}
			sigv4{KeyID: id, Secret: secret, Region: "us-east-1", Service: "sts"}.Sign(h, r.Method, r.Host, r.URL.Path, r.URL.RawQuery, body, t)
			return h.Get("Authorization") == r.Header.Get("Authorization")
		},
	}
}

// gcpFixture checks the JWT assertion with the public half of a key made
// at run time; the secret is the whole key file.
func gcpFixture() fixture {
	key, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		panic(err)
	}
	der, _ := x509.MarshalPKCS8PrivateKey(key)
	keyFile := func(k []byte) string {
		b, _ := json.Marshal(map[string]string{"type": "service_account", "project_id": "acme-prod", "private_key_id": "k1",
			"client_email": "deploy@acme-prod.iam.gserviceaccount.com", "token_uri": "https://evil.example/token",
			"private_key": string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: k}))})
		return string(b)
	}
	return fixture{
		validSecret: keyFile(der),
		secret: func() string {
			// Another key for the same account, which the fake refuses.
			other, _ := rsa.GenerateKey(rand.Reader, 1024)
			od, _ := x509.MarshalPKCS8PrivateKey(other)
			return keyFile(od)
		},
		valid:         `{"access_token":"ya29.placeholder","expires_in":3599,"token_type":"Bearer"}`,
		invalidStatus: 400, invalid: `{"error":"invalid_grant","error_description":"Invalid JWT Signature."}`,
		facts: []string{"service_account", "project"},
		carries: func(r *http.Request, body []byte, _ string) bool {
			return verifyAssertion(body, &key.PublicKey)
		},
	}
}
