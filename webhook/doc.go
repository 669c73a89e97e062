// Package webhook verifies Twilio's X-Twilio-Signature header, so that a Go
// web app can reject forged webhooks.
//
// Twilio signs each webhook with HMAC-SHA1, keyed with the Auth Token of the
// account that owns the number, over the full URL it requested followed by
// the POST form parameters sorted by name (see StringToSign). JSON webhooks
// are signed over the URL alone, which carries a bodySHA256 query parameter
// holding the hex SHA-256 of the body.
//
// The simplest use is the middleware:
//
//	keys := webhook.NewKeyring(os.Getenv("TWILIO_AUTH_TOKEN"))
//	http.Handle("/sms", webhook.Middleware(smsHandler, &webhook.Validator{Keys: keys}))
//
// A Keyring holds several tokens at once (the current one and the outgoing
// one during an Auth Token rotation) and per-subaccount tokens chosen by the
// request's AccountSid. A LiveKeyring can be swapped at run time, for
// example when a token file is reloaded.
package webhook
