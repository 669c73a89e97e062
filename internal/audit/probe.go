package audit

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// ProbeOutcome is what a webhook endpoint did with an unsigned request.
type ProbeOutcome int

// Probe outcomes.
const (
	ProbeRefused      ProbeOutcome = iota // 4xx: the endpoint checks signatures
	ProbeAccepted                         // 2xx: it acted on a forged request
	ProbeInconclusive                     // 3xx, 5xx, no answer
	ProbeNotProbed                        // not ours to contact (Twilio-hosted, not http)
)

// ProbeResult is one endpoint's answer.
type ProbeResult struct {
	URL     string
	Outcome ProbeOutcome
	Status  int
	Detail  string // for the report, e.g. "HTTP 403"
}

// ProbeTimeout bounds one probe request.
const ProbeTimeout = 10 * time.Second

// Probe sends one unsigned POST to each distinct URL, at most concurrency
// at a time, and reports how each endpoint answered. Redirects are not
// followed. URLs on Twilio's own hosts and non-HTTP URLs are not
// contacted. account is sent as the AccountSid parameter so that the
// request looks like a webhook apart from its missing signature.
func Probe(ctx context.Context, client *http.Client, urls map[string]string, concurrency int) map[string]ProbeResult {
	if client == nil {
		client = &http.Client{Timeout: ProbeTimeout}
	}
	c := *client
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	out := make(map[string]ProbeResult, len(urls))
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, max(concurrency, 1))
	for raw, account := range urls {
		wg.Go(func() {
			select {
			case sem <- struct{}{}:
				defer func() { <-sem }()
			case <-ctx.Done():
				return
			}
			r := probeOne(ctx, &c, raw, account)
			mu.Lock()
			out[raw] = r
			mu.Unlock()
		})
	}
	wg.Wait()
	return out
}

func probeOne(ctx context.Context, c *http.Client, raw, account string) ProbeResult {
	r := ProbeResult{URL: raw, Outcome: ProbeNotProbed}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		r.Detail = "not an HTTP URL"
		return r
	}
	if h := strings.ToLower(u.Hostname()); h == "twilio.com" || strings.HasSuffix(h, ".twilio.com") {
		r.Detail = "hosted by Twilio, not probed"
		return r
	}
	form := url.Values{"AccountSid": {account}, "ApiVersion": {"2010-04-01"}, "VigilProbe": {"unsigned request from vigil twilio audit --probe-webhooks"}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, raw, strings.NewReader(form.Encode()))
	if err != nil {
		r.Outcome, r.Detail = ProbeInconclusive, "cannot build the request"
		return r
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", "vigil-webhook-probe (unsigned; expects 4xx)")
	resp, err := c.Do(req)
	if err != nil {
		r.Outcome, r.Detail = ProbeInconclusive, "no answer: "+shortError(err)
		return r
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
	r.Status = resp.StatusCode
	r.Detail = fmt.Sprintf("HTTP %d", resp.StatusCode)
	switch {
	case resp.StatusCode >= 400 && resp.StatusCode < 500:
		r.Outcome = ProbeRefused
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		r.Outcome, r.Detail = ProbeAccepted, r.Detail+": accepted without a signature"
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		r.Outcome, r.Detail = ProbeInconclusive, r.Detail+": redirected to "+redactURL(resp.Header.Get("Location"))
	default:
		r.Outcome = ProbeInconclusive
	}
	return r
}

// shortError drops the URL that net/http repeats in its errors (it may
// hold user information).
func shortError(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err.Error()
	}
	return err.Error()
}
