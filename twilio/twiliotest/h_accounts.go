package twiliotest

import (
	"net/http"
	"slices"
)

func accountJSON(a *account) map[string]any {
	base := "/2010-04-01/Accounts/" + a.sid
	return map[string]any{
		"auth_token":        a.token,
		"date_created":      rfc2822.format(a.created),
		"date_updated":      rfc2822.format(a.updated),
		"friendly_name":     a.friendly,
		"owner_account_sid": a.owner,
		"sid":               a.sid,
		"status":            a.status,
		"type":              a.typ,
		"uri":               base + ".json",
		"subresource_uris": map[string]any{
			"addresses":              base + "/Addresses.json",
			"applications":           base + "/Applications.json",
			"balance":                base + "/Balance.json",
			"incoming_phone_numbers": base + "/IncomingPhoneNumbers.json",
			"keys":                   base + "/Keys.json",
			"messages":               base + "/Messages.json",
			"signing_keys":           base + "/SigningKeys.json",
			"usage":                  base + "/Usage.json",
		},
	}
}

// listAccounts lists the caller's account and its subaccounts.
func listAccounts(c *call) {
	var items []item
	for _, sid := range c.e.order {
		a := c.e.accounts[sid]
		if !reaches(c.acct, a) {
			continue
		}
		if f := c.param("FriendlyName"); f != "" && a.friendly != f {
			continue
		}
		if s := c.param("Status"); s != "" && a.status != s {
			continue
		}
		items = append(items, item{id: a.sid, fields: accountJSON(a)})
	}
	c.list("accounts", items)
}

func fetchAccount(c *call) { c.w.writeJSON(200, accountJSON(c.acct)) }

// createAccount creates a subaccount of the caller's (main) account.
func createAccount(c *call) {
	parent := c.acct
	if parent.isSub() {
		c.w.writeError(errParam("A subaccount cannot create subaccounts"))
		return
	}
	name := c.param("FriendlyName")
	if name == "" {
		name = "SubAccount Created at " + c.now.Format("2006-01-02 03:04 pm")
	}
	a := c.e.addAccountLocked(AccountSeed{FriendlyName: name, Type: parent.typ}, parent.sid, c.now)
	c.record(parent, "account.created", "account", a.sid, nil)
	c.w.writeJSON(http.StatusCreated, accountJSON(a))
}

// updateAccount changes FriendlyName and Status (of a subaccount).
func updateAccount(c *call) {
	a := c.acct
	data := map[string]any{}
	if s := c.param("Status"); s != "" && s != a.status {
		if !slices.Contains([]string{"active", "suspended", "closed"}, s) {
			c.w.writeError(errParam("Status must be one of active, suspended, closed"))
			return
		}
		if a.status == "closed" {
			c.w.writeError(errParam("A closed account cannot be reopened"))
			return
		}
		if !a.isSub() {
			c.w.writeError(errParam("The status of a main account cannot be changed through the API"))
			return
		}
		data["status"] = map[string]any{"previous": a.status, "updated": s}
		a.status = s
	}
	if f := c.param("FriendlyName"); f != "" && f != a.friendly {
		data["friendly_name"] = map[string]any{"previous": a.friendly, "updated": f}
		a.friendly = f
	}
	if len(data) > 0 {
		a.updated = c.now
		c.record(a, "account.updated", "account", a.sid, data)
	}
	c.w.writeJSON(200, accountJSON(a))
}

func fetchBalance(c *call) {
	c.w.writeJSON(200, map[string]any{"account_sid": c.acct.sid, "balance": c.acct.balance, "currency": c.acct.currency})
}

// listMessages is an always-empty message log: enough for the read-only
// validation request some tools make (Messages.json?PageSize=1).
func listMessages(c *call) { c.list("messages", nil) }

// Auth Tokens (accounts v1).

func createSecondary(c *call) {
	a := c.acct
	a.secondary, a.secondaryCreated = c.e.newToken(), c.now
	c.record(a, "account-auth-token.secondary-created", "account-auth-token", a.sid, nil)
	c.w.writeJSON(http.StatusCreated, map[string]any{
		"account_sid": a.sid, "secondary_auth_token": a.secondary,
		"date_created": iso8601.format(c.now), "date_updated": iso8601.format(c.now),
		"url": c.resourceURL("/v1/AuthTokens/Secondary"),
	})
}

func deleteSecondary(c *call) {
	a := c.acct
	if a.secondary == "" {
		c.w.writeError(errNotFound("/AuthTokens/Secondary"))
		return
	}
	a.secondary = ""
	c.record(a, "account-auth-token.secondary-deleted", "account-auth-token", a.sid, nil)
	c.w.status = http.StatusNoContent
}

// promoteSecondary makes the secondary token primary; the old primary
// stops authenticating at once.
func promoteSecondary(c *call) {
	a := c.acct
	if a.secondary == "" {
		c.w.writeError(errNotFound("/AuthTokens/Promote"))
		return
	}
	created := a.secondaryCreated
	a.token, a.secondary = a.secondary, ""
	a.updated = c.now
	c.record(a, "account-auth-token.promoted", "account-auth-token", a.sid, nil)
	c.w.writeJSON(200, map[string]any{
		"account_sid": a.sid, "auth_token": a.token,
		"date_created": iso8601.format(created), "date_updated": iso8601.format(c.now),
		"url": c.resourceURL("/v1/AuthTokens/Promote"),
	})
}
