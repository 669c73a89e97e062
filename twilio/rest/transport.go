package rest

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// BaseURLEnv is the environment variable vigil's Twilio commands read to
// send every Twilio request to another base URL, such as a local
// `vigil twilio emulator`.
const BaseURLEnv = "VIGIL_TWILIO_BASE_URL"

// Redirect returns a transport that sends every request for a *.twilio.com
// host to base instead, keeping the Twilio host in the Host header so the
// emulator can route by product (api., iam., monitor., …). Other requests
// pass through unchanged. next nil means http.DefaultTransport.
func Redirect(base *url.URL, next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return &redirect{base: base, next: next}
}

type redirect struct {
	base *url.URL
	next http.RoundTripper
}

// RoundTrip rewrites Twilio hosts to the base URL.
func (t *redirect) RoundTrip(req *http.Request) (*http.Response, error) {
	host := req.URL.Hostname()
	if host != "twilio.com" && !strings.HasSuffix(host, ".twilio.com") {
		return t.next.RoundTrip(req)
	}
	r := req.Clone(req.Context())
	r.Host = req.URL.Host
	r.URL.Scheme, r.URL.Host = t.base.Scheme, t.base.Host
	r.URL.Path = t.base.Path + req.URL.Path
	if req.URL.RawPath != "" {
		r.URL.RawPath = t.base.Path + req.URL.RawPath
	}
	return t.next.RoundTrip(r)
}

// withContext makes every request it carries end when ctx does, as well
// as when the http.Client's own timeout fires. twilio-go builds its
// requests on context.Background(); this is how a vigil caller's ctx
// reaches them.
type withContext struct {
	ctx  context.Context
	next http.RoundTripper
}

// RoundTrip sends the request with the caller's context joined in.
func (t *withContext) RoundTrip(req *http.Request) (*http.Response, error) {
	rctx, cancel := context.WithCancel(req.Context())
	stop := context.AfterFunc(t.ctx, cancel)
	resp, err := t.next.RoundTrip(req.WithContext(rctx))
	if err != nil {
		stop()
		cancel()
		if t.ctx.Err() != nil {
			return nil, fmt.Errorf("%w: %w", t.ctx.Err(), err)
		}
		return nil, err
	}
	resp.Body = &cancelBody{ReadCloser: resp.Body, done: func() { stop(); cancel() }}
	return resp, nil
}

// cancelBody releases the request's context when the body is closed.
type cancelBody struct {
	io.ReadCloser
	done func()
}

// Close closes the body and releases the context.
func (b *cancelBody) Close() error {
	err := b.ReadCloser.Close()
	b.done()
	return err
}
