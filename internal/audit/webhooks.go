package audit

import (
	"context"
	"strings"

	"github.com/vigilsec/vigil/twilio/rest"
)

// AccountWebhooks are the webhook URLs of one account, or the gap where
// some could not be read.
type AccountWebhooks struct {
	Account  Account
	Webhooks Part[[]Webhook]
}

// Webhooks reads the webhook URLs configured on the account and each
// active subaccount (what HOOK-01 judges) without auditing anything else.
// Options are read as Run reads them (credential, concurrency, retries);
// the notices say what could not be listed.
func Webhooks(ctx context.Context, opts Options) ([]AccountWebhooks, []string, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, nil, err
	}
	main, err := rest.New(o.Twilio)
	if err != nil {
		return nil, nil, err
	}
	col := &collector{sem: make(chan struct{}, o.Concurrency), retryWait: o.RetryWait, now: o.Now().UTC(), logger: o.Logger}
	targets, _, notices, err := col.discover(ctx, o.Twilio, main, strings.HasPrefix(main.Username(), "SK"))
	if err != nil {
		return nil, nil, err
	}
	out := make([]AccountWebhooks, len(targets))
	fs := make([]func(), len(targets))
	for i, t := range targets {
		out[i].Account = t.acct
		fs[i] = func() {
			if t.acct.Status == "active" {
				out[i].Webhooks, _ = col.webhooks(ctx, t)
			}
		}
	}
	parallel(fs...)
	return out, notices, ctx.Err()
}

// Redacted is the URL with any password in its user information hidden,
// for reports and logs.
func (w Webhook) Redacted() string { return redactURL(w.URL) }
