// Package proxy is a verifying reverse proxy for Twilio webhooks: it
// forwards to an upstream app only the requests whose X-Twilio-Signature
// is valid for the public URL Twilio requested, and answers the others
// itself. It backs `vigil webhook proxy`.
//
// The pieces are a Handler (source restriction, signature check, replay
// refusal, forwarding through net/http's Transport, metrics and logs),
// Keys (tokens loaded from one or more Loaders and reloaded in place) and
// a Server (net/http's server with TLS, timeouts, a header cap, HTTP/1.x
// only, /healthz, /metrics and graceful shutdown). The package parses no
// HTTP itself: requests and responses are read and written by net/http.
// The Handler is an http.Handler and can be mounted in any server.
package proxy
