package verify

import (
	"context"
	"fmt"
	"net/http"

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
	if succeeded(r) {
		if !accountFacts(r, ac, facts) {
			return Unknown(ReasonBody)
		}
		return Valid(facts)
	}
	return twilioRefusal(r, facts)
}

// checkTwilioKey verifies an API key, with its account when known.
func checkTwilioKey(ctx context.Context, c *Call, auth http.Header, sk, ac string) vigil.Verdict {
	facts := map[string]string{"credential": "api key", "key": sk}
	if ac != "" {
		r, err := c.Get(ctx, twilioAPI+ac+"/Usage/Records/Today.json?PageSize=1", auth)
		if err != nil {
			return Failed(err)
		}
		if succeeded(r) {
			if !hasList(r, "usage_records") {
				return Unknown(ReasonBody)
			}
			facts["account"] = ac
			return keyType(ctx, c, auth, ac, facts)
		}
		switch kind := twilioKind(r); {
		case kind.Authenticated():
			// Twilio refused the key before the account in the path
			// mattered: it authenticated, but it may be another
			// account's key.
			facts["paired_account"] = ac
			return twilioRefusal(r, facts)
		case kind != twilio.KindAuth:
			return twilioRefusal(r, facts)
		}
		// The key may belong to another account than the SID found next
		// to it: ask without one before calling it invalid.
	}
	r, err := c.Get(ctx, twilioEvents+"?PageSize=1", auth)
	if err != nil {
		return Failed(err)
	}
	if !succeeded(r) {
		return twilioRefusal(r, facts)
	}
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
	if ac != "" && !twilio.SID(ac).Equal(twilio.SID(owner)) {
		facts["account_note"] = "not the Account SID found next to the key"
	}
	return keyType(ctx, c, auth, owner, facts)
}

// keyType asks for the account with a live key: only a Main key (or the
// Auth Token) may read it. The key is live whatever this answers.
func keyType(ctx context.Context, c *Call, auth http.Header, ac string, facts map[string]string) vigil.Verdict {
	r, err := c.Get(ctx, twilioAPI+ac+".json", auth)
	if err != nil {
		return Valid(facts)
	}
	switch {
	case succeeded(r):
		if accountFacts(r, ac, facts) {
			facts["key_type"] = "main"
		}
	case twilioKind(r) == twilio.KindAuth:
		// Twilio does not say which: both are refused the Accounts API.
		facts["key_type"] = "standard or restricted"
	case twilioKind(r) == twilio.KindPermission:
		facts["key_type"] = "restricted"
	}
	return Valid(facts)
}

// twilioRefusal is the verdict on an answer that is not a success
// (twilio.KindOf decides what it means): Invalid only for 20003 in
// Twilio's own error body; Valid, with what it says, for the answers
// Twilio gives only to a genuine credential (20403, 70051, 70052);
// anything else Unknown.
func twilioRefusal(r *Response, facts map[string]string) vigil.Verdict {
	body, isTwilio := twilio.ParseErrorBody(r.Body)
	kind := twilio.KindOf(r.Status, body.Code)
	switch {
	case kind == twilio.KindAuth:
		return Invalid(fmt.Sprintf("HTTP %d, Twilio error %d", r.Status, body.Code))
	case kind == twilio.KindSuspended:
		facts["account_status"] = "suspended or closed (20403)"
		return Valid(facts)
	case kind == twilio.KindClientValidation:
		facts["client_validation"] = "enforced (70052)"
		return Valid(facts)
	case kind == twilio.KindPermission:
		facts["key_type"] = "restricted"
		return Valid(facts)
	case isTwilio && kind.Definitive():
		return Unknown(fmt.Sprintf("HTTP %d, Twilio error %d", r.Status, body.Code))
	case r.Status >= 400 && r.Status < 500 && r.Status != http.StatusTooManyRequests:
		return Unknown(fmt.Sprintf("%s (HTTP %d)", ReasonBody, r.Status))
	}
	return Unknown(statusReason(r))
}

// twilioKind classifies an answer that is not a success.
func twilioKind(r *Response) twilio.Kind {
	body, _ := twilio.ParseErrorBody(r.Body)
	return twilio.KindOf(r.Status, body.Code)
}

// succeeded reports a 2xx answer.
func succeeded(r *Response) bool { return r.Status >= 200 && r.Status < 300 }

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
	if !r.decode(&a) || !twilio.SID(a.SID).Equal(twilio.SID(ac)) {
		return false
	}
	facts["account"] = a.SID
	facts["account_name"] = clip(a.FriendlyName, 80)
	facts["account_status"] = clip(a.Status, 20)
	facts["account_type"] = clip(a.Type, 20)
	if twilio.IsAccountSID(a.Owner) && !twilio.SID(a.Owner).Equal(twilio.SID(a.SID)) {
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
