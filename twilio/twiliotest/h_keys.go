package twiliotest

import (
	"encoding/json"
	"net/http"
	"strings"
)

// maxPolicy is the most permissions a Restricted key may hold.
const maxPolicy = 100

func keyJSON(k *key) map[string]any {
	return map[string]any{
		"sid": k.sid, "friendly_name": k.friendly,
		"date_created": rfc2822.format(k.created), "date_updated": rfc2822.format(k.updated),
	}
}

func keyIAMJSON(k *key) map[string]any {
	m := keyJSON(k)
	m["policy"] = policyJSON(k)
	return m
}

func policyJSON(k *key) any {
	if k.typ != KeyRestricted {
		return nil
	}
	return map[string]any{"allow": k.policy}
}

// accountKeys returns an account's keys in creation order.
func (c *call) accountKeys() []*key {
	var out []*key
	for _, sid := range c.acct.keyOrder {
		if k := c.e.keys[sid]; k != nil {
			out = append(out, k)
		}
	}
	return out
}

func listKeys(listKey string) func(*call) {
	return func(c *call) {
		var items []item
		for _, k := range c.accountKeys() {
			items = append(items, item{id: k.sid, fields: keyJSON(k)})
		}
		c.list(listKey, items)
	}
}

func listKeysIAM(c *call) {
	var items []item
	for _, k := range c.accountKeys() {
		m := keyJSON(k)
		m["flags"] = []string{"rest_api", "signing"}
		items = append(items, item{id: k.sid, fields: m})
	}
	c.list("keys", items)
}

// keyFromPath returns the path's key, answering 404 when it is not in the
// target account.
func (c *call) keyFromPath() *key {
	k := c.e.findKey(c.acct, c.params["Sid"])
	if k == nil {
		c.w.writeError(errNotFound(notFoundPath(c.host, c.path)))
	}
	return k
}

func friendlyName(c *call) (string, bool) {
	name := c.param("FriendlyName")
	if len(name) > 64 {
		c.w.writeError(errParam("FriendlyName must be at most 64 characters"))
		return "", false
	}
	return name, true
}

// newKey adds a key to the call's account and records the event.
func (c *call) newKey(name string, typ KeyType, policy []string) *key {
	k := c.e.addKeyLocked(c.acct, KeySeed{FriendlyName: name, Type: typ, Policy: policy}, c.now)
	c.record(c.acct, c.e.opts.KeyEventPrefix+".created", c.e.opts.KeyEventPrefix, k.sid,
		map[string]any{"friendly_name": name, "key_type": string(typ)})
	return k
}

func createKeyV2010(c *call) {
	name, ok := friendlyName(c)
	if !ok {
		return
	}
	k := c.newKey(name, KeyStandard, nil)
	m := keyJSON(k)
	m["secret"] = k.secret
	c.w.writeJSON(http.StatusCreated, m)
}

// fetchKey answers a key fetch, rendered for v2010 or iam v1.
func fetchKey(render func(*key) map[string]any) func(*call) {
	return func(c *call) {
		if k := c.keyFromPath(); k != nil {
			c.w.writeJSON(200, render(k))
		}
	}
}

// updateKeyRoute answers a key update; iam v1 may also change the policy.
func updateKeyRoute(render func(*key) map[string]any, allowPolicy bool) func(*call) {
	return func(c *call) {
		if k := c.updateKey(allowPolicy); k != nil {
			c.w.writeJSON(200, render(k))
		}
	}
}

// parsePolicy reads a Policy parameter: {"allow":["/twilio/..."]}.
func parsePolicy(s string) ([]string, bool) {
	var p struct {
		Allow []string `json:"allow"`
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil || len(p.Allow) == 0 || len(p.Allow) > maxPolicy {
		return nil, false
	}
	for _, perm := range p.Allow {
		if !strings.HasPrefix(perm, "/twilio/") {
			return nil, false
		}
	}
	return p.Allow, true
}

func createKeyIAM(c *call) {
	name, ok := friendlyName(c)
	if !ok {
		return
	}
	typ, policy := KeyStandard, []string(nil)
	switch c.param("KeyType") {
	case "":
		if c.param("Policy") != "" {
			c.w.writeError(errParam("Policy is only allowed with KeyType=restricted"))
			return
		}
	case "restricted":
		typ = KeyRestricted
		if policy, ok = parsePolicy(c.param("Policy")); !ok {
			c.w.writeError(errParam(`Policy is required for a restricted key: a JSON object {"allow":[...]} with 1 to %d permissions`, maxPolicy))
			return
		}
	default:
		c.w.writeError(errParam("KeyType must be restricted or omitted"))
		return
	}
	k := c.newKey(name, typ, policy)
	m := keyIAMJSON(k)
	m["secret"] = k.secret
	c.w.writeJSON(http.StatusCreated, m)
}

// updateKey applies FriendlyName (and, on iam v1, Policy) to the path's key.
func (c *call) updateKey(allowPolicy bool) *key {
	k := c.keyFromPath()
	if k == nil {
		return nil
	}
	name, ok := friendlyName(c)
	if !ok {
		return nil
	}
	data := map[string]any{}
	if p := c.param("Policy"); p != "" && allowPolicy {
		policy, ok := parsePolicy(p)
		if !ok || k.typ != KeyRestricted {
			c.w.writeError(errParam("Policy can be set only on a restricted key, as a JSON object {\"allow\":[...]}"))
			return nil
		}
		data["policy"] = map[string]any{"previous": map[string]any{"allow": k.policy}, "updated": map[string]any{"allow": policy}}
		k.policy = policy
	}
	if name != "" && name != k.friendly {
		data["friendly_name"] = map[string]any{"previous": k.friendly, "updated": name}
		k.friendly = name
	}
	if len(data) > 0 {
		k.updated = c.now
		c.record(c.acct, c.e.opts.KeyEventPrefix+".updated", c.e.opts.KeyEventPrefix, k.sid, data)
	}
	return k
}

// deleteKey removes a key; it stops authenticating at once.
func deleteKey(c *call) {
	k := c.keyFromPath()
	if k == nil {
		return
	}
	c.e.removeKeyLocked(k)
	c.record(c.acct, c.e.opts.KeyEventPrefix+".deleted", c.e.opts.KeyEventPrefix, k.sid,
		map[string]any{"friendly_name": k.friendly})
	c.w.status = http.StatusNoContent
}

// removeKeyLocked deletes a key from the state.
func (e *Emulator) removeKeyLocked(k *key) {
	delete(e.keys, k.sid)
	if a := e.accounts[k.account]; a != nil {
		for i, sid := range a.keyOrder {
			if sid == k.sid {
				a.keyOrder = append(a.keyOrder[:i:i], a.keyOrder[i+1:]...)
				break
			}
		}
	}
}
