package rotate

import (
	"context"
	"errors"
	"strings"

	api "github.com/twilio/twilio-go/rest/api/v2010"
	iam "github.com/twilio/twilio-go/rest/iam/v1"
	monitor "github.com/twilio/twilio-go/rest/monitor/v1"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/twilio/rest"
)

// key is an API key as iam v1 describes it.
type key struct {
	SID, Name  string
	Restricted bool
	Policy     []string
}

func fetchKey(ctx context.Context, c *rest.Client, sid string) (key, error) {
	k, err := c.Services(ctx).IamV1.FetchKey(sid)
	if err != nil {
		return key{}, rest.Classify("fetch key "+sid, err)
	}
	out := key{SID: sid, Name: deref(k.FriendlyName)}
	if k.Policy != nil {
		out.Restricted = true
		if allow, ok := (*k.Policy)["allow"].([]any); ok {
			for _, p := range allow {
				if s, ok := p.(string); ok {
					out.Policy = append(out.Policy, s)
				}
			}
		}
	}
	return out, nil
}

func listKeys(ctx context.Context, c *rest.Client, account string) ([]key, error) {
	ks, err := c.Services(ctx).IamV1.ListGetKeys(&iam.ListGetKeysParams{AccountSid: &account})
	if err != nil {
		return nil, rest.Classify("list keys", err)
	}
	out := make([]key, 0, len(ks))
	for _, k := range ks {
		out = append(out, key{SID: deref(k.Sid), Name: deref(k.FriendlyName)})
	}
	return out, nil
}

func createKey(ctx context.Context, c *rest.Client, account, name string, restricted bool, policy []string) (string, vigil.Secret, error) {
	p := &iam.CreateNewKeyParams{AccountSid: &account, FriendlyName: &name}
	if restricted {
		p.SetKeyType("restricted")
		p.SetPolicy(map[string]any{"allow": policy})
	}
	k, err := c.Services(ctx).IamV1.CreateNewKey(p)
	if err != nil {
		return "", vigil.Secret{}, rest.Classify("create key", err)
	}
	if k.Sid == nil || k.Secret == nil || *k.Secret == "" {
		return "", vigil.Secret{}, &rest.Error{Op: "create key", Kind: rest.KindBadResponse, Message: "no SID or secret in the answer", Err: errors.New("no SID or secret")}
	}
	return *k.Sid, vigil.NewSecret(*k.Secret), nil
}

// deleteKey deletes a key; one already gone counts as deleted.
func deleteKey(ctx context.Context, c *rest.Client, sid string) error {
	err := rest.Classify("delete key "+sid, c.Services(ctx).IamV1.DeleteKey(sid))
	if err == nil || err.Kind == rest.KindNotFound {
		return nil
	}
	return err
}

// probe proves a credential authenticates with one cheap read-only
// request. For a Restricted key it picks a read its policy allows; a
// "permission denied" answer (70051) also proves the key authenticates.
func probe(ctx context.Context, c *rest.Client, policy []string) error {
	s := c.Services(ctx)
	one := 1
	acct := c.AccountSID()
	var err error
	switch {
	case len(policy) == 0 || has(policy, "/twilio/usage/records/read"):
		_, err = s.Api.PageUsageRecordToday(&api.ListUsageRecordTodayParams{PathAccountSid: &acct, PageSize: &one}, "", "")
	case has(policy, "/twilio/messaging/messages/read"):
		_, err = s.Api.PageMessage(&api.ListMessageParams{PathAccountSid: &acct, PageSize: &one}, "", "")
	case has(policy, "/twilio/monitor/alerts/read"):
		_, err = s.MonitorV1.PageAlert(&monitor.ListAlertParams{PageSize: &one}, "", "")
	case has(policy, "/twilio/monitor/events/read"):
		_, err = s.MonitorV1.PageEvent(&monitor.ListEventParams{PageSize: &one}, "", "")
	default:
		_, err = s.Api.PageUsageRecordToday(&api.ListUsageRecordTodayParams{PathAccountSid: &acct, PageSize: &one}, "", "")
	}
	e := rest.Classify("verify "+c.Username(), err)
	if e != nil && e.Kind == rest.KindPermission {
		return nil // authenticated; the policy just does not allow this read
	}
	if e == nil {
		return nil
	}
	return e
}

// isAdmin reports whether a credential may use the Accounts API (Auth
// Token or Main key): Standard keys get 401/20003 there.
func isAdmin(ctx context.Context, c *rest.Client) (bool, error) {
	_, err := c.Services(ctx).Api.FetchAccount(c.AccountSID())
	e := rest.Classify("fetch account", err)
	switch {
	case e == nil:
		return true, nil
	case e.Kind == rest.KindAuth:
		return false, nil
	}
	return false, e
}

// primaryToken reads the account's current Auth Token (the Accounts API
// returns it). It never leaves memory except into the store.
func primaryToken(ctx context.Context, c *rest.Client) (vigil.Secret, error) {
	a, err := c.Services(ctx).Api.FetchAccount(c.AccountSID())
	if err != nil {
		return vigil.Secret{}, rest.Classify("fetch account", err)
	}
	if a.AuthToken == nil || *a.AuthToken == "" {
		return vigil.Secret{}, &rest.Error{Op: "fetch account", Kind: rest.KindBadResponse, Message: "no auth_token in the answer", Err: errors.New("no auth_token")}
	}
	return vigil.NewSecret(*a.AuthToken), nil
}

func createSecondary(ctx context.Context, c *rest.Client) (vigil.Secret, error) {
	t, err := c.Services(ctx).AccountsV1.CreateSecondaryAuthToken()
	if err != nil {
		return vigil.Secret{}, rest.Classify("create secondary Auth Token", err)
	}
	if t.SecondaryAuthToken == nil || *t.SecondaryAuthToken == "" {
		return vigil.Secret{}, &rest.Error{Op: "create secondary Auth Token", Kind: rest.KindBadResponse, Message: "no token in the answer", Err: errors.New("no token")}
	}
	return vigil.NewSecret(*t.SecondaryAuthToken), nil
}

// deleteSecondary deletes the secondary token; none at all counts as
// deleted.
func deleteSecondary(ctx context.Context, c *rest.Client) error {
	e := rest.Classify("delete secondary Auth Token", c.Services(ctx).AccountsV1.DeleteSecondaryAuthToken())
	if e == nil || e.Kind == rest.KindNotFound {
		return nil
	}
	return e
}

func promote(ctx context.Context, c *rest.Client) error {
	_, err := c.Services(ctx).AccountsV1.UpdateAuthTokenPromotion()
	if err != nil {
		return rest.Classify("promote secondary Auth Token", err)
	}
	return nil
}

func has(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// definitive reports whether err is Twilio's own answer (the request
// certainly did or did not take effect), as opposed to a timeout, reset
// or 5xx after which it may have.
func definitive(err error) bool {
	var e *rest.Error
	return errors.As(err, &e) && e.Definitive()
}

// isAuth reports a 401/20003 answer.
func isAuth(err error) bool {
	var e *rest.Error
	return errors.As(err, &e) && e.Kind == rest.KindAuth
}

// isNotFound reports a 404 answer.
func isNotFound(err error) bool {
	var e *rest.Error
	return errors.As(err, &e) && e.Kind == rest.KindNotFound
}

// marker is the tag a rotation puts at the end of its new keys' names.
func marker(rotation string) string { return "(vigil " + rotation[:8] + ")" }

// newKeyName is the old name with this rotation's marker (replacing an
// earlier rotation's), at most 64 characters as Twilio allows.
func newKeyName(old, rotation string) string {
	if i := strings.LastIndex(old, " (vigil "); i >= 0 && strings.HasSuffix(old, ")") {
		old = old[:i]
	}
	m := marker(rotation)
	if old == "" {
		old = "rotated"
	}
	if len(old)+1+len(m) > 64 {
		old = strings.ToValidUTF8(old[:64-1-len(m)], "")
	}
	return old + " " + m
}
