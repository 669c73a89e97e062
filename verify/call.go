package verify

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"time"

	"github.com/vigilsec/vigil"
)

// maxBody bounds what is read of an answer; verification answers are small.
const maxBody = 1 << 20

// Call is what a CheckFunc sends its requests through: it allows only the
// provider's declared endpoints, applies the base-URL override, paces each
// host, times each request and retries a 429 once after its Retry-After.
type Call struct {
	v        *Verifier
	provider string
	base     *url.URL // override, or nil
	patterns []*regexp.Regexp
}

// Request is one request a verifier makes.
type Request struct {
	Method string
	URL    string
	Header http.Header
	Body   []byte
}

// Response is an answer, read whole (up to 1 MiB).
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Get sends a GET with the given header.
func (c *Call) Get(ctx context.Context, rawURL string, h http.Header) (*Response, error) {
	return c.Do(ctx, Request{Method: http.MethodGet, URL: rawURL, Header: h})
}

// Do sends a request. The error, if any, is a transport failure: name it
// with Failed, never quote it.
func (c *Call) Do(ctx context.Context, req Request) (*Response, error) {
	u, err := url.Parse(req.URL)
	if err != nil || !c.declared(u) {
		return nil, errUndeclared
	}
	host := u.Host
	for attempt := 0; ; attempt++ {
		if err := c.v.limiter.wait(ctx, host); err != nil {
			return nil, err
		}
		resp, err := c.send(ctx, req, u)
		if err != nil {
			return nil, err
		}
		if resp.Status != http.StatusTooManyRequests || attempt > 0 {
			return resp, nil
		}
		d, ok := retryAfter(resp.Header.Get("Retry-After"), c.v.clock.Now())
		if !ok || d > c.v.opts.MaxRetryAfter {
			return resp, nil
		}
		if err := c.v.clock.Sleep(ctx, d); err != nil {
			return nil, err
		}
	}
}

// declared reports whether u is one of the provider's endpoints.
func (c *Call) declared(u *url.URL) bool {
	if u.Scheme != "https" || u.User != nil {
		return false
	}
	s := "https://" + u.Host + u.EscapedPath()
	for _, p := range c.patterns {
		if p.MatchString(s) {
			return true
		}
	}
	return false
}

// send makes one attempt.
func (c *Call) send(ctx context.Context, req Request, u *url.URL) (*Response, error) {
	ctx, cancel := context.WithTimeout(ctx, c.v.opts.Timeout)
	defer cancel()
	target := *u
	if c.base != nil {
		target.Scheme, target.Host = c.base.Scheme, c.base.Host
		target.Path = c.base.Path + u.Path
		if u.RawPath != "" {
			target.RawPath = c.base.Path + u.RawPath
		}
	}
	var body io.Reader
	if req.Body != nil {
		body = bytes.NewReader(req.Body)
	}
	hr, err := http.NewRequestWithContext(ctx, req.Method, target.String(), body)
	if err != nil {
		return nil, errUndeclared
	}
	hr.Host = u.Host
	for k, vs := range req.Header {
		hr.Header[k] = vs
	}
	if hr.Header.Get("User-Agent") == "" {
		hr.Header.Set("User-Agent", c.v.opts.UserAgent)
	}
	start := c.v.clock.Now()
	c.v.requests.Add(1)
	hresp, err := c.v.client.Do(hr)
	if err != nil {
		c.v.logger.Debug("verify request failed", "verifier", c.provider, "method", req.Method, "host", u.Host, "reason", reasonFor(err))
		return nil, err
	}
	defer hresp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(hresp.Body, maxBody+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxBody {
		return nil, errTooLarge
	}
	c.v.logger.Debug("verify request", "verifier", c.provider, "method", req.Method, "host", u.Host,
		"status", hresp.StatusCode, "took", c.v.clock.Now().Sub(start).Round(time.Millisecond))
	return &Response{Status: hresp.StatusCode, Header: hresp.Header, Body: data}, nil
}

// retryAfter reads a Retry-After header: seconds or an HTTP date.
func retryAfter(h string, now time.Time) (time.Duration, bool) {
	if h == "" {
		return 0, false
	}
	if n, err := strconv.Atoi(h); err == nil && n >= 0 {
		return time.Duration(n) * time.Second, true
	}
	if t, err := http.ParseTime(h); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// decode reads a JSON body into v; false when it is not JSON of that shape.
func (r *Response) decode(v any) bool {
	return json.Unmarshal(r.Body, v) == nil
}

// bearer is an Authorization: Bearer header.
func bearer(token string) http.Header {
	return http.Header{"Authorization": {"Bearer " + token}, "Accept": {"application/json"}}
}

// basic is an Authorization: Basic header.
func basic(user, pass string) http.Header {
	return http.Header{
		"Authorization": {"Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))},
		"Accept":        {"application/json"},
	}
}

// header is a one-header set (plus Accept: application/json).
func header(name, value string) http.Header {
	h := http.Header{"Accept": {"application/json"}}
	h.Set(name, value)
	return h
}

// refused classifies an answer that is not a success: statuses in
// invalid are a definitive refusal, anything else is Unknown with the
// status. done is false for a 2xx, which the caller then reads.
func refused(r *Response, invalid ...int) (v vigil.Verdict, done bool) {
	switch {
	case r.Status >= 200 && r.Status < 300:
		return vigil.Verdict{}, false
	case slices.Contains(invalid, r.Status):
		return Invalid("HTTP " + strconv.Itoa(r.Status)), true
	}
	return Unknown(statusReason(r)), true
}

// errString keeps a provider's error text short and single-line for a
// reason; only ever used on fixed error codes, never on bodies.
func errString(prefix, code string) string {
	if code == "" {
		return prefix
	}
	return fmt.Sprintf("%s %s", prefix, clip(code, 60))
}
