package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/vigilsec/vigil/webhook"
)

// probe is a webhook request as Twilio would send it: a form POST, a GET
// with the parameters in the query, or a JSON POST.
type probe struct {
	url    string
	params url.Values
	json   []byte // nil: not a JSON webhook
	get    bool
}

// newProbe checks the URL and the body options.
func newProbe(rawURL string, params url.Values, jsonBody string, get bool, stdin io.Reader) (*probe, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, usageError(fmt.Errorf("URL %q: want an absolute http(s) URL", rawURL))
	}
	p := &probe{url: rawURL, params: params, get: get}
	if jsonBody != "" {
		if get || len(params) > 0 {
			return nil, usageError(fmt.Errorf("--json cannot be combined with --get or --param"))
		}
		p.json = []byte(jsonBody)
		if jsonBody == "-" {
			if p.json, err = io.ReadAll(stdin); err != nil {
				return nil, fmt.Errorf("read JSON body from stdin: %w", err)
			}
		}
	}
	return p, nil
}

// finalURL is the URL requested: with the parameters in the query for GET,
// with bodySHA256 for JSON.
func (p *probe) finalURL() string {
	switch {
	case p.json != nil:
		return webhook.WithBodySHA256(p.url, p.json)
	case p.get && len(p.params) > 0:
		sep := "?"
		if strings.Contains(p.url, "?") {
			sep = "&"
		}
		return p.url + sep + p.params.Encode()
	}
	return p.url
}

// signedParams are the parameters the signature covers (none for GET and JSON).
func (p *probe) signedParams() url.Values {
	if p.get || p.json != nil {
		return nil
	}
	return p.params
}

func (p *probe) sign(token string) string {
	return webhook.Sign(token, p.finalURL(), p.signedParams())
}

func (p *probe) method() string {
	if p.get {
		return http.MethodGet
	}
	return http.MethodPost
}

func (p *probe) contentType() string {
	switch {
	case p.get:
		return ""
	case p.json != nil:
		return "application/json"
	}
	return "application/x-www-form-urlencoded"
}

func (p *probe) body() []byte {
	switch {
	case p.get:
		return nil
	case p.json != nil:
		return p.json
	}
	return []byte(p.params.Encode())
}

// request builds the HTTP request with the given X-Twilio-Signature values
// (none: unsigned).
func (p *probe) request(ctx context.Context, sigs ...string) (*http.Request, error) {
	r, err := http.NewRequestWithContext(ctx, p.method(), p.finalURL(), bytes.NewReader(p.body()))
	if err != nil {
		return nil, err
	}
	if ct := p.contentType(); ct != "" {
		r.Header.Set("Content-Type", ct)
	}
	r.Header.Set("User-Agent", "TwilioProxy/1.1 (vigil webhook check)")
	for _, s := range sigs {
		r.Header.Add(webhook.SignatureHeader, s)
	}
	return r, nil
}

// curl is a ready command line that sends the signed request.
func (p *probe) curl(sig string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "curl -sS -X %s %s \\\n  -H %s", p.method(), shellQuote(p.finalURL()), shellQuote(webhook.SignatureHeader+": "+sig))
	if ct := p.contentType(); ct != "" {
		fmt.Fprintf(&b, " \\\n  -H %s \\\n  --data-binary %s", shellQuote("Content-Type: "+ct), shellQuote(string(p.body())))
	}
	return b.String()
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
