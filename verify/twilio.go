package verify

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/twilio"
)

// Twilio credentials (shared/reference/twilio.md §1–2):
//
//   - Account SID + Auth Token: fetch the account. 200 carries its name,
//     status, type and parent (and the Auth Token, which is never kept).
//   - API key SID + secret with the Account SID: a Usage Records page. A
//     Standard key reaches it; a Restricted key without the permission
//     gets 70051, which still proves the key authenticated. Then the
//     account fetch tells a Main key (200) from the others (20003).
//   - API key without an Account SID, or with one that is not the key's:
//     a Monitor Events page, whose items name the owning account.
//
// 20403 (suspended or closed account) and 70052 (the account enforces
// Public Key Client Validation) are answers Twilio gives only after the
// credential authenticated: the credential is genuine.
const (
	twilioAPI    = "https://api.twilio.com/2010-04-01/Accounts/"
	twilioEvents = "https://monitor.twilio.com/v1/Events"
)

func twilioProvider() Provider {
	return Provider{
		Name: "twilio",
		Endpoints: []Endpoint{
			{"GET", twilioAPI + "{AccountSid}.json", "Auth Token or Main key: the account's name, status, type and parent"},
			{"GET", twilioAPI + "{AccountSid}/Usage/Records/Today.json", "API key with its Account SID: is the key live (PageSize=1)"},
			{"GET", twilioEvents, "API key without its Account SID: is the key live, and whose (PageSize=1)"},
		},
		Check: checkTwilio,
	}
}

func checkTwilio(ctx context.Context, c *Call, cred Credential) vigil.Verdict {
	ac := cred.Part("account_sid").Reveal()
	if ac != "" && !twilio.IsAccountSID(ac) {
		ac = ""
	}
	if sk := cred.Part("api_key_sid").Reveal(); sk != "" {
		if !twilio.IsKeySID(sk) {
			return NotVerifiable("api_key_sid is not an API key SID")
		}
		return checkTwilioKey(ctx, c, basic(sk, cred.Secret.Reveal()), sk, ac)
	}
	if ac == "" {
		return NotVerifiable("an Auth Token is verified with its Account SID, and none was found nearby")
	}
	facts := map[string]string{"credential": "auth token", "account": ac}
	r, err := c.Get(ctx, twilioAPI+ac+".json", basic(ac, cred.Secret.Reveal()))
	if err != nil {
		return Failed(err)
	}
	kind, v := twilioOutcome(r)
	switch kind {
	case twOK:
		if !accountFacts(r, ac, facts) {
			return Unknown(ReasonBody)
		}
		return Valid(facts)
	case twSuspended, twClientValidation, twPermission:
		return authenticated(kind, facts)
	}
	return v
}

// checkTwilioKey verifies an API key, with its account when known.
func checkTwilioKey(ctx context.Context, c *Call, auth http.Header, sk, ac string) vigil.Verdict {
	facts := map[string]string{"credential": "api key", "key": sk}
	if ac != "" {
		r, err := c.Get(ctx, twilioAPI+ac+"/Usage/Records/Today.json?PageSize=1", auth)
		if err != nil {
			return Failed(err)
		}
		kind, v := twilioOutcome(r)
		switch kind {
		case twOK:
			if !hasList(r, "usage_records") {
				return Unknown(ReasonBody)
			}
			facts["account"] = ac
			return keyType(ctx, c, auth, ac, facts)
		case twSuspended, twClientValidation, twPermission:
			// Twilio refused the key before the account in the path
			// mattered: it authenticated, but it may be another
			// account's key.
			facts["paired_account"] = ac
			return authenticated(kind, facts)
		case twAuth:
			// The key may belong to another account than the SID found
			// next to it: ask without one before calling it invalid.
		default:
			return v
		}
	}
	r, err := c.Get(ctx, twilioEvents+"?PageSize=1", auth)
	if err != nil {
		return Failed(err)
	}
	kind, v := twilioOutcome(r)
	switch kind {
	case twOK:
		var page struct {
			Events *[]struct {
				AccountSID string `json:"account_sid"`
			} `json:"events"`
		}
		if !r.decode(&page) || page.Events == nil {
			return Unknown(ReasonBody)
		}
		owner := ""
		if len(*page.Events) > 0 && twilio.IsAccountSID((*page.Events)[0].AccountSID) {
			owner = (*page.Events)[0].AccountSID
		}
		if owner == "" {
			return Valid(facts)
		}
		facts["account"] = owner
		if ac != "" && !strings.EqualFold(ac, owner) {
			facts["account_note"] = "not the Account SID found next to the key"
		}
		return keyType(ctx, c, auth, owner, facts)
	case twSuspended, twClientValidation, twPermission:
		return authenticated(kind, facts)
	}
	return v
}

// keyType asks for the account with a live key: only a Main key (or the
// Auth Token) may read it. The key is live whatever this answers.
func keyType(ctx context.Context, c *Call, auth http.Header, ac string, facts map[string]string) vigil.Verdict {
	r, err := c.Get(ctx, twilioAPI+ac+".json", auth)
	if err != nil {
		return Valid(facts)
	}
	switch kind, _ := twilioOutcome(r); kind {
	case twOK:
		if accountFacts(r, ac, facts) {
			facts["key_type"] = "main"
		}
	case twAuth:
		// Twilio does not say which: both are refused the Accounts API.
		facts["key_type"] = "standard or restricted"
	case twPermission:
		facts["key_type"] = "restricted"
	}
	return Valid(facts)
}

// authenticated is the verdict on answers Twilio gives only to a genuine
// credential that may not do what was asked.
func authenticated(kind twKind, facts map[string]string) vigil.Verdict {
	switch kind {
	case twSuspended:
		facts["account_status"] = "suspended or closed (20403)"
	case twClientValidation:
		facts["client_validation"] = "enforced (70052)"
	case twPermission:
		facts["key_type"] = "restricted"
	}
	return Valid(facts)
}

type twKind int

const (
	twOther twKind = iota
	twOK
	twAuth             // 20003: wrong, deleted or out-of-reach credential
	twSuspended        // 20403
	twPermission       // 70051: a Restricted key without the permission
	twClientValidation // 70052
)

// twilioOutcome classifies a Twilio answer. For anything but a success it
// also returns the verdict: Invalid only for 20003 in Twilio's own error
// body; a 4xx without one is not Twilio's answer.
func twilioOutcome(r *Response) (twKind, vigil.Verdict) {
	switch {
	case r.Status >= 200 && r.Status < 300:
		return twOK, vigil.Verdict{}
	case r.Status < 400 || r.Status == http.StatusTooManyRequests || r.Status >= 500:
		return twOther, Unknown(statusReason(r))
	}
	var e struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	}
	if !r.decode(&e) || e.Code == 0 {
		return twOther, Unknown(fmt.Sprintf("%s (HTTP %d)", ReasonBody, r.Status))
	}
	reason := fmt.Sprintf("HTTP %d, Twilio error %d", r.Status, e.Code)
	switch e.Code {
	case 20003:
		return twAuth, Invalid(reason)
	case 20403:
		return twSuspended, vigil.Verdict{}
	case 70051:
		return twPermission, vigil.Verdict{}
	case 70052:
		return twClientValidation, vigil.Verdict{}
	}
	return twOther, Unknown(reason)
}

// accountFacts reads an Account resource into facts. The struct has no
// field for auth_token: the token in the body is never kept.
func accountFacts(r *Response, ac string, facts map[string]string) bool {
	var a struct {
		SID          string `json:"sid"`
		FriendlyName string `json:"friendly_name"`
		Status       string `json:"status"`
		Type         string `json:"type"`
		Owner        string `json:"owner_account_sid"`
	}
	if !r.decode(&a) || !strings.EqualFold(a.SID, ac) {
		return false
	}
	facts["account"] = a.SID
	facts["account_name"] = clip(a.FriendlyName, 80)
	facts["account_status"] = clip(a.Status, 20)
	facts["account_type"] = clip(a.Type, 20)
	if a.Owner != "" && !strings.EqualFold(a.Owner, a.SID) && twilio.IsAccountSID(a.Owner) {
		facts["parent_account"] = a.Owner
	}
	return true
}

// hasList reports whether a list answer holds the named array.
func hasList(r *Response, key string) bool {
	var page map[string]any
	if !r.decode(&page) {
		return false
	}
	_, ok := page[key].([]any)
	return ok
}
