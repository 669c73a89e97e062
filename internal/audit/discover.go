package audit

import (
	"context"
	"fmt"

	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/twilio/rest"
)

// discover lists the audited account and its subaccounts. A credential
// that cannot list accounts (a Standard or Restricted key) still audits
// its own account, with a notice; one Twilio refuses outright is an error.
func (c *collector) discover(ctx context.Context, cfg rest.Config, main *rest.Client, keyCred bool) ([]target, Part[[]Account], []string, error) {
	svc := main.Services(ctx)
	sid := main.AccountSID()
	var list []api.ApiV2010Account
	err := c.call(ctx, "list accounts", func() (err error) {
		list, err = svc.Api.ListAccount(&api.ListAccountParams{PageSize: ptr(1000)})
		return err
	})
	if err != nil {
		if err.Kind == rest.KindCanceled {
			return nil, Part[[]Account]{}, nil, err
		}
		if perr := c.probeCredential(ctx, svc, sid); perr != nil {
			return nil, Part[[]Account]{}, nil, perr
		}
		gap := gapFor("the account list", err, keyCred, true)
		self := target{acct: Account{SID: sid, OwnerSID: sid, Status: "active"}, own: main, keyCred: keyCred}
		notice := fmt.Sprintf("could not list accounts (%s): audited %s alone; its subaccounts were not audited", gap.Reason, sid)
		return []target{self}, Part[[]Account]{Gap: gap}, []string{notice}, nil
	}
	var self *target
	var subs []Account
	var targets []target
	var notices []string
	for _, a := range list {
		acct := Account{SID: str(a.Sid), FriendlyName: str(a.FriendlyName), OwnerSID: str(a.OwnerAccountSid),
			Status: str(a.Status), Type: str(a.Type), Created: parseRFC2822(a.DateCreated)}
		switch {
		case acct.SID == sid:
			self = &target{acct: acct, own: main, keyCred: keyCred}
		case acct.OwnerSID == sid:
			subs = append(subs, acct)
			t := target{acct: acct, parent: main}
			if tok := str(a.AuthToken); tok != "" {
				own, err := subClient(cfg, acct.SID, vigil.NewSecret(tok))
				if err != nil {
					notices = append(notices, fmt.Sprintf("subaccount %s: %v", acct.SID, err))
				} else {
					t.own = own
				}
			}
			targets = append(targets, t)
		}
	}
	if self == nil { // the list did not include the caller's own account
		self = &target{acct: Account{SID: sid, OwnerSID: sid, Status: "active"}, own: main, keyCred: keyCred}
	}
	return append([]target{*self}, targets...), Part[[]Account]{Value: subs}, notices, nil
}

// probeCredential tells a credential without rights to list accounts from
// one Twilio refuses: it asks for one phone number, which any working
// credential may read (a Restricted key gets 70051, which still proves
// the key works).
func (c *collector) probeCredential(ctx context.Context, svc *rest.Services, sid string) error {
	err := c.call(ctx, "check the credential", func() error {
		_, err := svc.Api.ListIncomingPhoneNumber(&api.ListIncomingPhoneNumberParams{PathAccountSid: &sid, PageSize: ptr(1), Limit: ptr(1)})
		return err
	})
	switch {
	case err == nil, err.Kind == rest.KindPermission:
		return nil
	case err.Kind == rest.KindAuth, err.Kind == rest.KindSuspended, err.Kind == rest.KindClientValidation:
		return fmt.Errorf("%w: %v", ErrCredentials, err)
	}
	return err
}
