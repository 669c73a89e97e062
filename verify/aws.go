package verify

import (
	"context"
	"encoding/xml"
	"net/http"
	"regexp"
	"slices"

	"github.com/vigilsec/vigil"
)

const stsURL = "https://sts.amazonaws.com/"

var awsKeyIDRE = regexp.MustCompile(`^(AKIA|ASIA)[A-Z2-7]{16}$`)

func awsProvider() Provider {
	return Provider{
		Name:      "aws",
		Endpoints: []Endpoint{{"POST", stsURL, "STS GetCallerIdentity (SigV4): the key's account and ARN; needs no permission"}},
		Check:     checkAWS,
	}
}

// awsInvalid are STS error codes that say the key is not usable.
var awsInvalid = []string{"InvalidClientTokenId", "SignatureDoesNotMatch", "ExpiredToken", "UnrecognizedClientException", "InvalidAccessKeyId"}

// checkAWS calls STS GetCallerIdentity, which every valid key may call.
func checkAWS(ctx context.Context, c *Call, cred Credential) vigil.Verdict {
	id, secret := cred.Part("access_key_id").Reveal(), cred.Secret.Reveal()
	if id == "" {
		id, secret = cred.Secret.Reveal(), cred.Part("secret_access_key").Reveal()
	}
	if !awsKeyIDRE.MatchString(id) || len(secret) != 40 {
		return NotVerifiable("an AWS key needs its access key ID and its 40-character secret")
	}
	body := []byte("Action=GetCallerIdentity&Version=2011-06-15")
	h := http.Header{"Content-Type": {"application/x-www-form-urlencoded; charset=utf-8"}}
	sigv4{KeyID: id, Secret: secret, SessionToken: cred.Part("session_token").Reveal(), Region: "us-east-1", Service: "sts"}.
		Sign(h, "POST", "sts.amazonaws.com", "/", "", body, c.v.clock.Now())
	r, err := c.Do(ctx, Request{Method: "POST", URL: stsURL, Header: h, Body: body})
	if err != nil {
		return Failed(err)
	}
	if r.Status >= 400 && r.Status < 500 && r.Status != http.StatusTooManyRequests {
		var e struct {
			Code string `xml:"Error>Code"`
		}
		if xml.Unmarshal(r.Body, &e) != nil || e.Code == "" {
			return Unknown(ReasonBody)
		}
		if slices.Contains(awsInvalid, e.Code) {
			return Invalid(errString("aws:", e.Code))
		}
		return Unknown(errString("aws:", e.Code))
	}
	if v, done := refused(r); done {
		return v
	}
	var ok struct {
		Arn     string `xml:"GetCallerIdentityResult>Arn"`
		Account string `xml:"GetCallerIdentityResult>Account"`
		UserID  string `xml:"GetCallerIdentityResult>UserId"`
	}
	if xml.Unmarshal(r.Body, &ok) != nil || ok.Arn == "" {
		return Unknown(ReasonBody)
	}
	return Valid(map[string]string{"account": clip(ok.Account, 20), "arn": clip(ok.Arn, 200), "user_id": clip(ok.UserID, 40)})
}
