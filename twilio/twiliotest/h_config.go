package twiliotest

import (
	"net/http"
	"strconv"
	"strings"
)

// render copies a resource's fields and adds the common ones.
func (c *call) render(r *resource, dates dateStyle, uri string) map[string]any {
	m := make(map[string]any, len(r.fields)+6)
	for k, v := range r.fields {
		m[k] = v
	}
	m["sid"], m["account_sid"] = r.sid, c.acct.sid
	m["date_created"], m["date_updated"] = dates.format(r.created), dates.format(r.updated)
	if dates == rfc2822 {
		m["uri"] = uri
	} else {
		m["url"] = c.resourceURL(uri)
	}
	return m
}

// listResources answers a list with optional exact-match filters
// (parameter name → field name).
func (c *call) listResources(key string, list []*resource, dates dateStyle, uri func(sid string) string, filters map[string]string) {
	var items []item
	for _, r := range list {
		ok := true
		for param, field := range filters {
			if v := c.param(param); v != "" && !strings.EqualFold(str(r.fields[field]), v) {
				ok = false
			}
		}
		if ok {
			items = append(items, item{id: r.sid, fields: c.render(r, dates, uri(r.sid))})
		}
	}
	c.list(key, items)
}

// fetchResource answers a fetch by {Sid}.
func (c *call) fetchResource(list []*resource, dates dateStyle, uri func(sid string) string) {
	r := findResource(list, c.params["Sid"])
	if r == nil {
		c.w.writeError(errNotFound(notFoundPath(c.host, c.path)))
		return
	}
	c.w.writeJSON(200, c.render(r, dates, uri(r.sid)))
}

func str(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return ""
}

func (c *call) v2010URI(collection string) func(string) string {
	return func(sid string) string {
		return "/2010-04-01/Accounts/" + c.acct.sid + "/" + collection + "/" + sid + ".json"
	}
}

func v1URI(prefix string) func(string) string {
	return func(sid string) string { return prefix + "/" + sid }
}

func listNumbers(c *call) {
	c.listResources("incoming_phone_numbers", c.acct.numbers, rfc2822, c.v2010URI("IncomingPhoneNumbers"),
		map[string]string{"FriendlyName": "friendly_name", "PhoneNumber": "phone_number", "Origin": "origin"})
}

func fetchNumber(c *call) {
	c.fetchResource(c.acct.numbers, rfc2822, c.v2010URI("IncomingPhoneNumbers"))
}

// numberParams maps IncomingPhoneNumber update parameters to fields.
func numberParams() map[string]string {
	return map[string]string{
		"FriendlyName": "friendly_name", "VoiceUrl": "voice_url", "VoiceMethod": "voice_method",
		"VoiceFallbackUrl": "voice_fallback_url", "VoiceFallbackMethod": "voice_fallback_method",
		"SmsUrl": "sms_url", "SmsMethod": "sms_method", "SmsFallbackUrl": "sms_fallback_url",
		"SmsFallbackMethod": "sms_fallback_method", "StatusCallback": "status_callback",
		"StatusCallbackMethod": "status_callback_method", "VoiceApplicationSid": "voice_application_sid",
		"SmsApplicationSid": "sms_application_sid",
	}
}

// updateNumber changes a number's webhook settings (a remediation the
// audit may suggest) and records phone-number.updated.
func updateNumber(c *call) {
	r := findResource(c.acct.numbers, c.params["Sid"])
	if r == nil {
		c.w.writeError(errNotFound(c.path))
		return
	}
	data := map[string]any{}
	for param, field := range numberParams() {
		if c.form.Has(param) {
			v := c.param(param)
			if v != str(r.fields[field]) {
				data[field] = map[string]any{"previous": r.fields[field], "updated": v}
			}
			r.fields[field] = v
		}
	}
	if len(data) > 0 {
		r.updated = c.now
		c.record(c.acct, "phone-number.updated", "phone-number", r.sid, data)
	}
	c.w.writeJSON(200, c.render(r, rfc2822, c.v2010URI("IncomingPhoneNumbers")(r.sid)))
}

func listApps(c *call) {
	c.listResources("applications", c.acct.apps, rfc2822, c.v2010URI("Applications"),
		map[string]string{"FriendlyName": "friendly_name"})
}

func fetchApp(c *call) { c.fetchResource(c.acct.apps, rfc2822, c.v2010URI("Applications")) }

func listMessagingServices(c *call) {
	c.listResources("services", c.acct.messaging, iso8601, v1URI("/v1/Services"), nil)
}

func fetchMessagingService(c *call) {
	c.fetchResource(c.acct.messaging, iso8601, v1URI("/v1/Services"))
}

func listVerifyServices(c *call) {
	c.listResources("services", c.acct.verify, iso8601, v1URI("/v2/Services"), nil)
}

func fetchVerifyService(c *call) { c.fetchResource(c.acct.verify, iso8601, v1URI("/v2/Services")) }

// Public Key Client Validation credentials.

func listPublicKeys(c *call) {
	c.listResources("credentials", c.acct.publicKeys, iso8601, v1URI("/v1/Credentials/PublicKeys"), nil)
}

func fetchPublicKey(c *call) {
	c.fetchResource(c.acct.publicKeys, iso8601, v1URI("/v1/Credentials/PublicKeys"))
}

func createPublicKey(c *call) {
	pem := c.param("PublicKey")
	if !strings.Contains(pem, "BEGIN PUBLIC KEY") {
		c.w.writeError(errParam("PublicKey must be a PEM-encoded RSA public key"))
		return
	}
	target := c.acct
	if sid := c.param("AccountSid"); sid != "" {
		a := c.e.accounts[sid]
		if a == nil || !reaches(c.acct, a) {
			c.w.writeError(errParam("AccountSid %s is not this account or one of its subaccounts", sid))
			return
		}
		target = a
	}
	r := c.e.addPublicKeyLocked(target, PublicKeySeed{FriendlyName: c.param("FriendlyName")}, c.now)
	c.record(target, "account-credentials.created", "account-credentials", r.sid, nil)
	c.acct = target
	c.w.writeJSON(http.StatusCreated, c.render(r, iso8601, "/v1/Credentials/PublicKeys/"+r.sid))
}

func updatePublicKey(c *call) {
	r := findResource(c.acct.publicKeys, c.params["Sid"])
	if r == nil {
		c.w.writeError(errNotFound(notFoundPath(c.host, c.path)))
		return
	}
	if f := c.param("FriendlyName"); f != "" {
		r.fields["friendly_name"], r.updated = f, c.now
		c.record(c.acct, "account-credentials.updated", "account-credentials", r.sid, nil)
	}
	c.w.writeJSON(200, c.render(r, iso8601, "/v1/Credentials/PublicKeys/"+r.sid))
}

func deletePublicKey(c *call) {
	if !removeResource(&c.acct.publicKeys, c.params["Sid"]) {
		c.w.writeError(errNotFound(notFoundPath(c.host, c.path)))
		return
	}
	c.record(c.acct, "account-credentials.deleted", "account-credentials", c.params["Sid"], nil)
	c.w.status = http.StatusNoContent
}

// Voice dialing permissions.

func (c *call) countryJSON(k *country) map[string]any {
	u := c.resourceURL("/v1/DialingPermissions/Countries/" + k.iso)
	return map[string]any{
		"iso_code": k.iso, "name": k.name, "continent": k.continent, "country_codes": k.codes,
		"low_risk_numbers_enabled": k.lowRisk, "high_risk_special_numbers_enabled": k.highRiskSpecial,
		"high_risk_tollfraud_numbers_enabled": k.tollFraud, "url": u,
		"links": map[string]any{"highrisk_special_prefixes": u + "/HighRiskSpecialPrefixes"},
	}
}

// listCountries filters by IsoCode, Continent, CountryCode and the three
// *Enabled flags.
func listCountries(c *call) {
	var items []item
	for _, k := range c.acct.countries {
		if v := c.param("IsoCode"); v != "" && !strings.EqualFold(v, k.iso) {
			continue
		}
		if v := c.param("Continent"); v != "" && !strings.EqualFold(v, k.continent) {
			continue
		}
		if v := c.param("CountryCode"); v != "" && !containsCode(k.codes, v) {
			continue
		}
		if !flagMatches(c.param("LowRiskNumbersEnabled"), k.lowRisk) ||
			!flagMatches(c.param("HighRiskSpecialNumbersEnabled"), k.highRiskSpecial) ||
			!flagMatches(c.param("HighRiskTollfraudNumbersEnabled"), k.tollFraud) {
			continue
		}
		m := c.countryJSON(k)
		delete(m, "url")
		items = append(items, item{id: k.iso, fields: m})
	}
	c.list("content", items)
}

func containsCode(codes []string, want string) bool {
	want = "+" + strings.TrimPrefix(want, "+")
	for _, code := range codes {
		if code == want {
			return true
		}
	}
	return false
}

func flagMatches(param string, v bool) bool {
	if param == "" {
		return true
	}
	b, err := strconv.ParseBool(param)
	return err == nil && b == v
}

func (c *call) countryFromPath() *country {
	for _, k := range c.acct.countries {
		if strings.EqualFold(k.iso, c.params["IsoCode"]) {
			return k
		}
	}
	c.w.writeError(errNotFound(notFoundPath(c.host, c.path)))
	return nil
}

func fetchCountry(c *call) {
	if k := c.countryFromPath(); k != nil {
		c.w.writeJSON(200, c.countryJSON(k))
	}
}

func listPrefixes(c *call) {
	k := c.countryFromPath()
	if k == nil {
		return
	}
	items := make([]item, 0, len(k.prefixes))
	for _, p := range k.prefixes {
		items = append(items, item{id: p, fields: map[string]any{"prefix": p}})
	}
	c.list("content", items)
}

func fetchVoiceSettings(c *call) {
	c.w.writeJSON(200, map[string]any{
		"dialing_permissions_inheritance": c.acct.dialingInheritance,
		"url":                             c.resourceURL("/v1/Settings"),
	})
}

func updateVoiceSettings(c *call) {
	if v := c.param("DialingPermissionsInheritance"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			c.w.writeError(errParam("DialingPermissionsInheritance must be true or false"))
			return
		}
		if b != c.acct.dialingInheritance {
			c.acct.dialingInheritance = b
			c.record(c.acct, "voice-geographic-permissions.updated", "voice-geographic-permissions", c.acct.sid,
				map[string]any{"dialing_permissions_inheritance": map[string]any{"previous": !b, "updated": b}})
		}
	}
	fetchVoiceSettings(c)
}
