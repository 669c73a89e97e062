package verify

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/vigilsec/vigil"
)

const gcpTokenURL = "https://oauth2.googleapis.com/token"

func gcpProvider() Provider {
	return Provider{
		Name:      "gcp",
		Endpoints: []Endpoint{{"POST", gcpTokenURL, "service-account key: exchange a signed JWT for a token (the token is discarded)"}},
		Check:     checkGCP,
	}
}

// serviceAccount is the part of a key file verification needs. token_uri
// is ignored on purpose: vigil sends assertions only to Google's endpoint.
type serviceAccount struct {
	Type         string `json:"type"`
	ClientEmail  string `json:"client_email"`
	PrivateKey   string `json:"private_key"`
	PrivateKeyID string `json:"private_key_id"`
	ProjectID    string `json:"project_id"`
}

// parseServiceAccount reads a key file, or a private key with its
// client_email (and private_key_id) parts.
func parseServiceAccount(cred Credential) (serviceAccount, *rsa.PrivateKey, error) {
	var sa serviceAccount
	s := strings.TrimSpace(cred.Secret.Reveal())
	if strings.HasPrefix(s, "{") {
		if err := json.Unmarshal([]byte(s), &sa); err != nil {
			return sa, nil, errors.New("not a service-account key file")
		}
	} else {
		sa = serviceAccount{Type: "service_account", PrivateKey: s,
			ClientEmail: cred.Part("client_email").Reveal(), PrivateKeyID: cred.Part("private_key_id").Reveal()}
	}
	if sa.Type != "service_account" || !strings.Contains(sa.ClientEmail, "@") {
		return sa, nil, errors.New("a service-account key needs its client_email")
	}
	block, _ := pem.Decode([]byte(strings.ReplaceAll(sa.PrivateKey, `\n`, "\n")))
	if block == nil {
		return sa, nil, errors.New("the private key is not PEM")
	}
	var key any
	var err error
	if key, err = x509.ParsePKCS8PrivateKey(block.Bytes); err != nil {
		key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	}
	rk, ok := key.(*rsa.PrivateKey)
	if err != nil || !ok {
		return sa, nil, errors.New("the private key is not an RSA key")
	}
	return sa, rk, nil
}

// gcpInvalid are OAuth errors that say the key is not usable (deleted or
// disabled key, deleted account).
var gcpInvalid = []string{"invalid_grant", "invalid_client", "unauthorized_client"}

// checkGCP signs a JWT assertion with the key and asks Google's token
// endpoint for an access token, which it then drops.
func checkGCP(ctx context.Context, c *Call, cred Credential) vigil.Verdict {
	sa, key, err := parseServiceAccount(cred)
	if err != nil {
		return NotVerifiable(err.Error())
	}
	now := c.v.clock.Now().Unix()
	head := map[string]string{"alg": "RS256", "typ": "JWT"}
	if sa.PrivateKeyID != "" {
		head["kid"] = sa.PrivateKeyID
	}
	claims := map[string]any{"iss": sa.ClientEmail, "scope": "https://www.googleapis.com/auth/cloud-platform.read-only",
		"aud": gcpTokenURL, "iat": now, "exp": now + 300}
	assertion, err := signJWT(head, claims, key)
	if err != nil {
		return NotVerifiable("cannot sign with the private key")
	}
	form := url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}, "assertion": {assertion}}
	r, err := c.Do(ctx, Request{Method: "POST", URL: gcpTokenURL, Body: []byte(form.Encode()),
		Header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "Accept": {"application/json"}}})
	if err != nil {
		return Failed(err)
	}
	if r.Status == http.StatusBadRequest || r.Status == http.StatusUnauthorized {
		var e struct {
			Error       string `json:"error"`
			Description string `json:"error_description"`
		}
		if !r.decode(&e) || e.Error == "" {
			return Unknown(ReasonBody)
		}
		d := strings.ToLower(e.Description)
		if slices.Contains(gcpInvalid, e.Error) && !strings.Contains(d, "short-lived") && !strings.Contains(d, "iat") {
			return Invalid(errString("gcp:", e.Error))
		}
		return Unknown(errString("gcp:", e.Error))
	}
	if v, done := refused(r); done {
		return v
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if !r.decode(&tok) || tok.AccessToken == "" {
		return Unknown(ReasonBody)
	}
	return Valid(map[string]string{"service_account": clip(sa.ClientEmail, 120), "project": clip(sa.ProjectID, 60)})
}

// signJWT makes an RS256 JWT.
func signJWT(head map[string]string, claims map[string]any, key *rsa.PrivateKey) (string, error) {
	h, err := json.Marshal(head)
	if err != nil {
		return "", err
	}
	c, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	enc := base64.RawURLEncoding
	unsigned := enc.EncodeToString(h) + "." + enc.EncodeToString(c)
	sum := sha256.Sum256([]byte(unsigned))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		return "", err
	}
	return unsigned + "." + enc.EncodeToString(sig), nil
}
