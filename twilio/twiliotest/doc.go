// Package twiliotest is a stateful, in-process emulator of the Twilio REST
// API surfaces vigil uses: credential checks, key and Auth Token rotation,
// Monitor events and alerts, usage, and the configuration an account audit
// reads. Every Twilio feature of vigil is tested against it, and
// `vigil twilio emulator` serves it on a loopback port so a team can
// rehearse a rotation runbook.
//
// # Starting one
//
// NewServer starts an emulator on 127.0.0.1 for the length of a test; New
// returns the bare http.Handler. Add state with AddAccount, AddKey,
// AddSubaccount, Apply (a Seed) or LoadSeed/ParseSeed (a YAML seed file).
// Credentials left out of a seed are generated (Auth Tokens: 32 hex
// characters; key secrets: 32 alphanumerics) and returned as vigil.Secret.
//
//	srv := twiliotest.NewServer(t, twiliotest.Options{Clock: twiliotest.NewClock(t0).Now})
//	acct := srv.AddAccount(twiliotest.AccountSeed{
//		Keys: []twiliotest.KeySeed{{FriendlyName: "ci", Type: twiliotest.KeyStandard, Created: twiliotest.Ago(120 * 24 * time.Hour)}},
//	})
//	c, _ := rest.New(rest.Config{AccountSID: acct.SID, Password: acct.AuthToken, BaseURL: srv.URL})
//	keys, err := c.Services(ctx).IamV1.ListGetKeys(&iam.ListGetKeysParams{AccountSid: &acct.SID})
//
// # Routing
//
// Requests are routed by Host: api.twilio.com (2010-04-01 paths, ".json"
// only — other suffixes get 406 with an XML error), iam., accounts.,
// monitor., voice., messaging., verify. and preview-iam.twilio.com, with
// edge/region forms (api.dublin.ie1.twilio.com) too. The twilio/rest
// package's transport sends SDK requests to the emulator with the Host
// kept. A request with any other Host is routed by its path, so a plain
// HTTP client pointed at srv.URL works; /v1/Services is then Messaging and
// /v2/Services Verify.
//
// # Endpoints
//
//   - Accounts: list (the caller and its subaccounts), create subaccount,
//     fetch, update FriendlyName/Status (subaccounts only; closed is final).
//     Bodies carry auth_token as Twilio's do. Balance; Messages (always
//     empty, for validation requests).
//   - Keys: v2010 Keys and SigningKeys (list/create/fetch/update/delete;
//     created keys are Standard) and iam v1 Keys (AccountSid required;
//     KeyType=restricted with a Policy {"allow":[…]} of 1–100 permissions;
//     fetch shows policy, list shows flags). The secret is returned only by
//     create. A deleted key stops authenticating at once.
//   - Auth Tokens: POST/DELETE /v1/AuthTokens/Secondary, POST
//     /v1/AuthTokens/Promote (404/20404 without a secondary; the old
//     primary dies at once).
//   - Monitor: Events (newest first; ActorSid, EventType, ResourceSid,
//     SourceIpAddress — more than one is a 400 — plus StartDate/EndDate)
//     and Alerts (LogLevel, StartDate/EndDate as dates or date-times);
//     fetch by SID.
//   - Usage: Records and Records/{Daily,Monthly,Yearly,AllTime,Today,
//     Yesterday,ThisMonth,LastMonth} with Category, StartDate/EndDate
//     (YYYY-MM-DD or -30days) and IncludeSubaccounts (default true);
//     "totalprice" is derived unless seeded. Only seeded categories and
//     periods appear. Usage Triggers: full CRUD.
//   - Configuration: IncomingPhoneNumbers (list/fetch/update webhooks),
//     Applications, Messaging Services, Verify Services, voice
//     DialingPermissions Countries (list key "content", with filters),
//     HighRiskSpecialPrefixes and Settings, Credentials/PublicKeys (CRUD).
//
// Dates are RFC 2822 on api. and iam. and ISO 8601 elsewhere. Lists page
// as Twilio's do: v2010 with relative first/next/previous_page_uri, Page
// and PageToken; v1 with a meta object of absolute URLs and key. An
// unknown PageToken is 400/21481.
//
// # Credentials
//
// HTTP Basic with an Account SID and its primary or secondary Auth Token,
// or an API key SID and secret. Main keys (seed only) act like the Auth
// Token. Standard and Restricted keys get 401/20003 on Accounts, Keys and
// AuthTokens. Restricted keys reach only routes whose permission (see
// Permissions) is in their policy, else 403/70051. Parent credentials
// reach subaccounts; subaccount credentials on the parent get 401/20003.
// Credentials of a suspended account get 403/20403 (or 401/20003 with
// Options.SuspendedAs = AuthFailure); a closed account's get 401/20003;
// the parent may still fetch and update a suspended subaccount. An
// account that enforces Public Key Client Validation answers 401/70052 to
// requests without the Twilio-Client-Validation header (its JWT is not
// checked).
//
// # Monitor events
//
// Every change through the API appends an event with source "api",
// actor_type "account", actor_sid the authenticating account, and
// source_ip_address the client's address (the first X-Forwarded-For entry
// when present, so a test can act from 203.0.113.7): account.created /
// .updated, account-api-keys.created/.updated/.deleted
// (Options.KeyEventPrefix switches to account-keys),
// account-auth-token.secondary-created/.secondary-deleted/.promoted,
// account-credentials.*, usage-trigger.*, phone-number.updated,
// voice-geographic-permissions.updated. Seeds add past events (console
// logins, abuse from an unknown address) with EventSeed.
//
// # Faults, rate limits and the request log
//
// Inject programs failures by host, method, path pattern and credential,
// for a number of requests or for ever, before the request reaches the
// state or after it changed it (the change is made, the answer lost):
// FaultStatus (401, 403, 5xx…), FaultRateLimit (429 + Retry-After),
// FaultSlow, FaultHang (until the client gives up), FaultReset (the
// connection is closed) and FaultGarbage (a body that is not JSON).
// Options.RateLimit refuses requests beyond a per-credential rate.
// Requests and RequestCount show what clients sent (never a secret), so a
// test can assert that exactly N requests were made.
//
// # Known quirk of twilio-go
//
// twilio-go v1.30.9 removes every "." followed by digits from query
// strings, so ListEvent with SourceIpAddress "203.0.113.7" sends "203"
// and matches nothing — against Twilio too. Filter by IP client-side.
package twiliotest
