package audit

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/vigilsec/vigil/internal/webhookprobe"
)

// Probe sends one unsigned POST to each distinct URL, at most concurrency
// at a time, and reports how each endpoint answered, classified by
// webhookprobe (the classification `vigil webhook check` uses too).
// Redirects are not followed. URLs on Twilio's own hosts and non-HTTP URLs
// are not contacted. account is sent as the AccountSid parameter so that
// the request looks like a webhook apart from its missing signature.
func Probe(ctx context.Context, client *http.Client, urls map[string]string, concurrency int) map[string]webhookprobe.Result {
	out := make(map[string]webhookprobe.Result, len(urls))
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
			r := probeOne(ctx, client, raw, account)
			mu.Lock()
			out[raw] = r
			mu.Unlock()
		})
	}
	wg.Wait()
	return out
}

func probeOne(ctx context.Context, c *http.Client, raw, account string) webhookprobe.Result {
	if ok, why := webhookprobe.Eligible(raw); !ok {
		return webhookprobe.Result{Outcome: webhookprobe.NotProbed, Detail: why}
	}
	form := url.Values{"AccountSid": {account}, "ApiVersion": {"2010-04-01"}, "VigilProbe": {"unsigned request from vigil twilio audit --probe-webhooks"}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, raw, strings.NewReader(form.Encode()))
	if err != nil {
		return webhookprobe.Result{Outcome: webhookprobe.Inconclusive, Detail: "cannot build the request"}
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", "vigil-webhook-probe (unsigned; expects 4xx)")
	return webhookprobe.Send(c, req)
}
