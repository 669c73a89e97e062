// Package verify asks providers whether found credentials are live, and
// what a live one reaches.
//
// A Provider is one small function per provider plus the endpoints it may
// contact; Providers returns the table. A Verifier runs them over findings:
//
//	v, err := verify.New(verify.Options{Rate: 5, Concurrency: 8})
//	stats, err := v.VerifyAll(ctx, findings) // sets each finding's Verdict
//
// # Verdicts
//
// Valid and Invalid are set only on a definitive answer from the provider
// (a 200 with the body the provider documents; a 401 or the provider's
// "invalid key" answer). Everything else — timeouts, resets, TLS errors,
// 429, 5xx, a body that is not what the provider documents — is Unknown
// with a short reason from a fixed vocabulary ("timeout", "HTTP 429",
// "connection reset", "unexpected body"…). A network failure is never
// Invalid. Findings whose rule names no verifier, or one not in the
// table, stay NotVerified.
//
// Facts (Verdict.Facts) say what a live credential reaches: account
// names, status, type, scopes. They never hold a secret, and no response
// body is logged or kept (Twilio's Account resource carries the Auth
// Token in clear; it is decoded into a struct that has no field for it).
// Reasons never quote a transport error either: a URL may hold a token
// (Telegram puts it in the path).
//
// # Politeness
//
// Each distinct credential (by vigil.Finding.Fingerprint) is verified once
// per Verifier however many findings share it. Requests to each host are
// paced (Options.Rate, Options.Burst: a token bucket checked when a
// request starts, so over any interval T at most Burst + Rate·T requests
// start for one host), at most Options.Concurrency credentials are
// verified at once, each request has a timeout, and a 429 with a
// Retry-After of at most Options.MaxRetryAfter is retried once after that
// delay. Redirects are not followed.
//
// # Endpoints and base URLs
//
// Every provider declares the endpoints it may call (Provider.Endpoints);
// a request to anything else fails, so `vigil rules --verifiers` can print
// the exact list a restricted network must allow. Options.BaseURLs sends a
// provider's requests to another base URL (a local fake or the Twilio
// emulator), keeping the provider's host in the Host header so that one
// fake can serve several hosts.
//
// # Parts
//
// Multi-part credentials carry their other parts in vigil.Finding.Parts,
// named by the rules' pair entries:
//
//	twilio      account_sid (Auth Token: required), api_key_sid (API key secret)
//	aws         access_key_id (with the secret access key as the secret),
//	            or secret_access_key (with the key ID as the secret);
//	            session_token for temporary (ASIA…) keys
//	gcp         the whole service-account JSON as the secret, or its
//	            private key with client_email (and private_key_id)
//	datadog     site (datadoghq.eu, us3.datadoghq.com…; default datadoghq.com)
//	mailgun     region ("eu" for api.eu.mailgun.net)
//	razorpay    key_id (rzp_live_… or rzp_test_…) with the key secret
//	scaleway    access_key (SCW…) with the secret key
package verify
