// Package proxy is a verifying reverse proxy for Twilio webhooks: it
// forwards to an upstream app only the requests whose X-Twilio-Signature
// is valid for the public URL Twilio requested, and answers the others
// itself. It backs `vigil webhook proxy`.
//
// The pieces are a Handler (source restriction, signature check, replay
// refusal, forwarding, metrics and logs), Keys (tokens loaded from one or
// more Loaders and reloaded in place) and a Server (TLS, timeouts, header
// caps, /healthz, /metrics and graceful shutdown). The Server's listener
// is served by a small HTTP/1.1 server of the package's own, which costs
// far less per request than net/http's; the Handler is an http.Handler and
// can be mounted in any server.
package proxy
