package twiliotest

import (
	"sort"
	"strings"
)

// routeTable lists every emulated endpoint with the permission a
// Restricted key needs for it. Permission strings follow Twilio's
// "/twilio/<product>/<resource>/<action>" shape; Twilio publishes only
// some of them, so those not in its documentation are the emulator's own
// (see Permissions).
func (e *Emulator) routeTable() []route {
	const v2 = "2010-04-01/Accounts/{AccountSid}/"
	r := func(host, method, path, perm string, g guard, t targetKind, h func(*call)) route {
		return route{host: host, method: method, pattern: strings.Split(strings.Trim(path, "/"), "/"), perm: perm, guard: g, target: t, handle: h}
	}
	api := func(method, path, perm string, h func(*call)) route {
		return r(HostAPI, method, v2+path, perm, guardNone, targetPath, h)
	}
	v1 := func(host, method, path, perm string, h func(*call)) route {
		return r(host, method, path, perm, guardNone, targetPrincipal, h)
	}
	admin := func(host, method, path string, t targetKind, h func(*call)) route {
		return r(host, method, path, "", guardAdmin, t, h)
	}
	accountRoute := func(rt route) route { rt.anyStatus = true; return rt }
	return []route{
		// Accounts (Auth Token or Main key only).
		accountRoute(admin(HostAPI, "GET", "2010-04-01/Accounts", targetPrincipal, listAccounts)),
		accountRoute(admin(HostAPI, "POST", "2010-04-01/Accounts", targetPrincipal, createAccount)),
		accountRoute(admin(HostAPI, "GET", "2010-04-01/Accounts/{AccountSid}", targetPath, fetchAccount)),
		accountRoute(admin(HostAPI, "POST", "2010-04-01/Accounts/{AccountSid}", targetPath, updateAccount)),
		api("GET", "Balance", "/twilio/billing/balance/read", fetchBalance),
		api("GET", "Messages", "/twilio/messaging/messages/read", listMessages),

		// API keys, v2010 and iam v1 (Auth Token or Main key only).
		admin(HostAPI, "GET", v2+"Keys", targetPath, listKeys("keys")),
		admin(HostAPI, "POST", v2+"Keys", targetPath, createKeyV2010),
		admin(HostAPI, "GET", v2+"Keys/{Sid}", targetPath, fetchKey(keyJSON)),
		admin(HostAPI, "POST", v2+"Keys/{Sid}", targetPath, updateKeyRoute(keyJSON, false)),
		admin(HostAPI, "DELETE", v2+"Keys/{Sid}", targetPath, deleteKey),
		admin(HostAPI, "GET", v2+"SigningKeys", targetPath, listKeys("signing_keys")),
		admin(HostAPI, "POST", v2+"SigningKeys", targetPath, createKeyV2010),
		admin(HostAPI, "GET", v2+"SigningKeys/{Sid}", targetPath, fetchKey(keyJSON)),
		admin(HostAPI, "POST", v2+"SigningKeys/{Sid}", targetPath, updateKeyRoute(keyJSON, false)),
		admin(HostAPI, "DELETE", v2+"SigningKeys/{Sid}", targetPath, deleteKey),
		admin(HostIAM, "GET", "v1/Keys", targetParam, listKeysIAM),
		admin(HostIAM, "POST", "v1/Keys", targetParam, createKeyIAM),
		admin(HostIAM, "GET", "v1/Keys/{Sid}", targetKeySID, fetchKey(keyIAMJSON)),
		admin(HostIAM, "POST", "v1/Keys/{Sid}", targetKeySID, updateKeyRoute(keyIAMJSON, true)),
		admin(HostIAM, "DELETE", "v1/Keys/{Sid}", targetKeySID, deleteKey),

		// Auth Tokens (Auth Token or Main key only).
		admin(HostAccounts, "POST", "v1/AuthTokens/Secondary", targetPrincipal, createSecondary),
		admin(HostAccounts, "DELETE", "v1/AuthTokens/Secondary", targetPrincipal, deleteSecondary),
		admin(HostAccounts, "POST", "v1/AuthTokens/Promote", targetPrincipal, promoteSecondary),

		// Public Key Client Validation credentials.
		v1(HostAccounts, "GET", "v1/Credentials/PublicKeys", "/twilio/accounts/credentials/read", listPublicKeys),
		v1(HostAccounts, "POST", "v1/Credentials/PublicKeys", "/twilio/accounts/credentials/create", createPublicKey),
		v1(HostAccounts, "GET", "v1/Credentials/PublicKeys/{Sid}", "/twilio/accounts/credentials/read", fetchPublicKey),
		v1(HostAccounts, "POST", "v1/Credentials/PublicKeys/{Sid}", "/twilio/accounts/credentials/update", updatePublicKey),
		v1(HostAccounts, "DELETE", "v1/Credentials/PublicKeys/{Sid}", "/twilio/accounts/credentials/delete", deletePublicKey),

		// Monitor.
		v1(HostMonitor, "GET", "v1/Events", "/twilio/monitor/events/read", listEvents),
		v1(HostMonitor, "GET", "v1/Events/{Sid}", "/twilio/monitor/events/read", fetchEvent),
		v1(HostMonitor, "GET", "v1/Alerts", "/twilio/monitor/alerts/read", listAlerts),
		v1(HostMonitor, "GET", "v1/Alerts/{Sid}", "/twilio/monitor/alerts/read", fetchAlert),

		// Usage.
		api("GET", "Usage/Records", "/twilio/usage/records/read", usageRecords("")),
		api("GET", "Usage/Records/{Period}", "/twilio/usage/records/read", usageRecordsPeriod),
		api("GET", "Usage/Triggers", "/twilio/usage/triggers/read", listTriggers),
		api("POST", "Usage/Triggers", "/twilio/usage/triggers/create", createTrigger),
		api("GET", "Usage/Triggers/{Sid}", "/twilio/usage/triggers/read", fetchTrigger),
		api("POST", "Usage/Triggers/{Sid}", "/twilio/usage/triggers/update", updateTrigger),
		api("DELETE", "Usage/Triggers/{Sid}", "/twilio/usage/triggers/delete", deleteTrigger),

		// Configuration the audit reads.
		api("GET", "IncomingPhoneNumbers", "/twilio/phone-numbers/incoming-phone-numbers/read", listNumbers),
		api("GET", "IncomingPhoneNumbers/{Sid}", "/twilio/phone-numbers/incoming-phone-numbers/read", fetchNumber),
		api("POST", "IncomingPhoneNumbers/{Sid}", "/twilio/phone-numbers/incoming-phone-numbers/update", updateNumber),
		api("GET", "Applications", "/twilio/voice/applications/read", listApps),
		api("GET", "Applications/{Sid}", "/twilio/voice/applications/read", fetchApp),
		v1(HostMessaging, "GET", "v1/Services", "/twilio/messaging/services/read", listMessagingServices),
		v1(HostMessaging, "GET", "v1/Services/{Sid}", "/twilio/messaging/services/read", fetchMessagingService),
		v1(HostVerify, "GET", "v2/Services", "/twilio/verify/services/read", listVerifyServices),
		v1(HostVerify, "GET", "v2/Services/{Sid}", "/twilio/verify/services/read", fetchVerifyService),
		v1(HostVoice, "GET", "v1/DialingPermissions/Countries", "/twilio/voice/dialing-permissions/read", listCountries),
		v1(HostVoice, "GET", "v1/DialingPermissions/Countries/{IsoCode}", "/twilio/voice/dialing-permissions/read", fetchCountry),
		v1(HostVoice, "GET", "v1/DialingPermissions/Countries/{IsoCode}/HighRiskSpecialPrefixes", "/twilio/voice/dialing-permissions/read", listPrefixes),
		v1(HostVoice, "GET", "v1/Settings", "/twilio/voice/dialing-permissions/read", fetchVoiceSettings),
		v1(HostVoice, "POST", "v1/Settings", "/twilio/voice/dialing-permissions/update", updateVoiceSettings),
	}
}

// Permissions lists the permission strings the emulator's routes check
// for Restricted keys, sorted, one per emulated endpoint family. Accounts,
// Keys and Auth Token endpoints are not among them: no Restricted key
// reaches those.
func Permissions() []string {
	e := &Emulator{}
	seen := map[string]bool{}
	var out []string
	for _, rt := range e.routeTable() {
		if rt.perm != "" && !seen[rt.perm] {
			seen[rt.perm] = true
			out = append(out, rt.perm)
		}
	}
	sort.Strings(out)
	return out
}
