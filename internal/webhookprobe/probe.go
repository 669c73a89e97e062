// Package webhookprobe sends a webhook endpoint requests that Twilio did
// not sign, and says what the endpoint did with them. It is the one home
// of that judgement: `vigil webhook check` (forged requests, and an
// optional genuine one) and `vigil twilio audit --probe-webhooks` (one
// unsigned request per configured URL) both send through Send and read
// the answer with Classify.
package webhookprobe

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Outcome is what an endpoint did with a probe.
type Outcome int

// Outcomes.
const (
	// Refused: a 4xx answer. The endpoint checks signatures (or refuses
	// everything, which only a genuine request can tell).
	Refused Outcome = iota
	// Accepted: a 2xx answer. The endpoint acted on the request.
	Accepted
	// Inconclusive: a redirect, a server error or no answer at all. The
	// request was not shown to be processed, nor refused.
	Inconclusive
	// NotProbed: the URL is not one to contact (see Eligible).
	NotProbed
)

func (o Outcome) String() string {
	switch o {
	case Refused:
		return "refused"
	case Accepted:
		return "accepted"
	case Inconclusive:
		return "inconclusive"
	case NotProbed:
		return "not probed"
	}
	return fmt.Sprintf("Outcome(%d)", int(o))
}

// Classify is the outcome of a final answer with status: 2xx accepted,
// 4xx refused, anything else (3xx, 5xx, a status outside 200–599)
// inconclusive.
func Classify(status int) Outcome {
	switch {
	case status >= 200 && status < 300:
		return Accepted
	case status >= 400 && status < 500:
		return Refused
	}
	return Inconclusive
}

// Result is an endpoint's answer to one probe.
type Result struct {
	Outcome Outcome
	// Status is the HTTP status, 0 when there was no answer.
	Status int
	// Detail says what happened, for a report: "HTTP 403", "HTTP 200:
	// accepted without a signature", "HTTP 302: redirected to …", "no
	// answer: …". It never holds the password of a URL.
	Detail string
	// Err is why there was no answer (nil when there was one).
	Err error
}

// Failed reports whether r fails the check it was sent for: a forged
// request must not be accepted, a genuine one must be.
func (r Result) Failed(genuine bool) bool {
	if genuine {
		return r.Outcome != Accepted
	}
	return r.Outcome == Accepted
}

// Timeout is a sensible bound on one probe.
const Timeout = 10 * time.Second

// Eligible reports whether rawURL may be probed, and why not: only
// absolute http(s) URLs are, and not those on Twilio's own hosts (TwiML
// Bins, Studio, Functions), which are not the account holder's to test.
func Eligible(rawURL string) (ok bool, why string) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return false, "not an HTTP URL"
	}
	if h := strings.ToLower(u.Hostname()); h == "twilio.com" || strings.HasSuffix(h, ".twilio.com") {
		return false, "hosted by Twilio, not probed"
	}
	return true, ""
}

// maxRead is how much of an answer's body is read (and dropped), so that
// the connection can be reused without reading an endless body.
const maxRead = 64 << 10

// Send sends req through client's transport (nil client: the default
// transport and Timeout) and classifies the answer. A redirect is an
// answer, not followed; only the transport is used, so that a Location
// that does not parse cannot put its text, password included, in an
// error.
func Send(client *http.Client, req *http.Request) Result {
	if client == nil {
		client = &http.Client{Timeout: Timeout}
	}
	rt := client.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	if client.Timeout > 0 {
		ctx, cancel := context.WithTimeout(req.Context(), client.Timeout)
		defer cancel()
		req = req.WithContext(ctx)
	}
	var r Result
	resp, err := rt.RoundTrip(req)
	if err != nil {
		r.Outcome, r.Err = Inconclusive, shortError(err)
		r.Detail = "no answer: " + r.Err.Error()
		return r
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxRead))
	_ = resp.Body.Close()
	r.Status, r.Outcome = resp.StatusCode, Classify(resp.StatusCode)
	r.Detail = fmt.Sprintf("HTTP %d", resp.StatusCode)
	switch {
	case r.Outcome == Accepted && req.Header.Get("X-Twilio-Signature") == "":
		r.Detail += ": accepted without a signature"
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		r.Detail += ": redirected to " + redacted(resp.Header.Get("Location"))
	}
	return r
}

// shortError drops the URL that net/http repeats in its errors (it may
// hold user information).
func shortError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// redacted is raw with any password masked; a URL that does not parse
// is not shown, since where its password is cannot be told.
func redacted(raw string) string {
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return "an unparsable URL"
	case u.User == nil:
		return raw
	}
	return u.Redacted()
}
