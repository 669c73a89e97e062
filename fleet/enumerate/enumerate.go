// Package enumerate lists the repositories of a GitHub organisation or
// user and of a GitLab group through their REST APIs, following their
// documented pagination (the Link header) and rate limits
// (X-RateLimit-Remaining and X-RateLimit-Reset, Retry-After; GitLab's
// RateLimit-* too).
package enumerate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/vigilsec/vigil/internal/ctxtime"
)

// Repo is one listed repository.
type Repo struct {
	// Name is the full name: "acme/app", "acme/platform/api".
	Name string
	// CloneURL is the HTTPS URL, or the SSH one when asked for.
	CloneURL string
	Archived bool
	Fork     bool
	// PushedAt is when the repository was last pushed to, as the API
	// says: GitHub's pushed_at (every push), GitLab's last_activity_at
	// (any activity, but moved at most once an hour). Zero when the API
	// gave none or an unreadable one.
	PushedAt time.Time
}

// apiTime reads an API timestamp (RFC 3339); anything else is zero.
func apiTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}

// Errors callers tell apart.
var (
	// ErrAuth: the token was refused (401), or lacks access (403 that is
	// not a rate limit).
	ErrAuth = errors.New("bad credentials")
	// ErrNotFound: no such organisation, user or group, or the token
	// cannot see it.
	ErrNotFound = errors.New("not found")
	// ErrRateLimited: the API's limit is spent until a time further
	// than Client.MaxWait.
	ErrRateLimited = errors.New("rate limited")
)

// Client calls the APIs.
type Client struct {
	HTTP *http.Client
	// MaxWait is the longest a rate limit is waited out (default one
	// minute); a longer one fails with ErrRateLimited.
	MaxWait time.Duration
	// MaxPages bounds the pages read (default 1000).
	MaxPages int
	now      func() time.Time
	sleep    func(context.Context, time.Duration) error
}

func (c *Client) client() *http.Client {
	if c.HTTP == nil {
		return http.DefaultClient
	}
	return c.HTTP
}

func (c *Client) maxWait() time.Duration {
	if c.MaxWait <= 0 {
		return time.Minute
	}
	return c.MaxWait
}

func (c *Client) clock() time.Time {
	if c.now != nil {
		return c.now()
	}
	return time.Now()
}

func (c *Client) wait(ctx context.Context, d time.Duration) error {
	if c.sleep != nil {
		return c.sleep(ctx, d)
	}
	return ctxtime.Sleep(ctx, d)
}

// apiError is an error answer, with the API's message.
type apiError struct {
	Message string `json:"message"`
	Error   string `json:"error"`
}

// pages GETs first and every next page (Link rel="next"), decoding each
// into a fresh slice element and handing it to each.
func (c *Client) pages(ctx context.Context, first string, header http.Header, each func(body []byte) error) error {
	next := first
	maxPages := c.MaxPages
	if maxPages <= 0 {
		maxPages = 1000
	}
	for n := 0; next != ""; n++ {
		if n == maxPages {
			return fmt.Errorf("more than %d pages: stopped", maxPages)
		}
		body, resp, err := c.get(ctx, next, header)
		if err != nil {
			return err
		}
		if err := each(body); err != nil {
			return fmt.Errorf("%s: %w", redactQuery(next), err)
		}
		next = nextLink(resp.Header.Get("Link"))
		if next != "" {
			if err := sameHost(first, next); err != nil {
				return err
			}
		}
	}
	return nil
}

// get GETs one page, waiting out rate limits up to MaxWait.
func (c *Client) get(ctx context.Context, u string, header http.Header) ([]byte, *http.Response, error) {
	for attempt := 0; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return nil, nil, err
		}
		for k, v := range header {
			req.Header[k] = v
		}
		resp, err := c.client().Do(req)
		if err != nil {
			return nil, nil, fmt.Errorf("GET %s: %w", redactQuery(u), err)
		}
		body, err := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
		resp.Body.Close()
		if err != nil {
			return nil, nil, fmt.Errorf("GET %s: %w", redactQuery(u), err)
		}
		if resp.StatusCode == http.StatusOK {
			return body, resp, nil
		}
		var ae apiError
		_ = json.Unmarshal(body, &ae)
		msg := strings.TrimSpace(ae.Message + " " + ae.Error)
		if msg == "" {
			msg = http.StatusText(resp.StatusCode)
		}
		if d, limited := c.rateLimit(resp); limited {
			if d > c.maxWait() || attempt >= 3 {
				return nil, nil, fmt.Errorf("GET %s: %w until %s (%s)", redactQuery(u), ErrRateLimited, c.clock().Add(d).UTC().Format(time.RFC3339), msg)
			}
			if err := c.wait(ctx, d); err != nil {
				return nil, nil, err
			}
			continue
		}
		switch {
		case resp.StatusCode == http.StatusUnauthorized:
			return nil, nil, fmt.Errorf("GET %s: %w (HTTP 401: %s)", redactQuery(u), ErrAuth, msg)
		case resp.StatusCode == http.StatusForbidden:
			return nil, nil, fmt.Errorf("GET %s: %w: the token lacks access (HTTP 403: %s)", redactQuery(u), ErrAuth, msg)
		case resp.StatusCode == http.StatusNotFound:
			return nil, nil, fmt.Errorf("GET %s: %w (HTTP 404: %s)", redactQuery(u), ErrNotFound, msg)
		case resp.StatusCode >= 500 && attempt < 2:
			if err := c.wait(ctx, time.Duration(attempt+1)*time.Second); err != nil {
				return nil, nil, err
			}
			continue
		}
		return nil, nil, fmt.Errorf("GET %s: HTTP %d: %s", redactQuery(u), resp.StatusCode, msg)
	}
}

// rateLimit reads whether an answer is a rate limit, and how long to
// wait: Retry-After (seconds), or until X-RateLimit-Reset (epoch seconds)
// when X-RateLimit-Remaining is 0. GitLab also sends RateLimit-Reset.
func (c *Client) rateLimit(resp *http.Response) (time.Duration, bool) {
	if resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusTooManyRequests {
		return 0, false
	}
	if s := resp.Header.Get("Retry-After"); s != "" {
		if n, err := strconv.Atoi(s); err == nil && n >= 0 {
			return time.Duration(n) * time.Second, true
		}
	}
	remaining := firstHeader(resp.Header, "X-RateLimit-Remaining", "RateLimit-Remaining")
	reset := firstHeader(resp.Header, "X-RateLimit-Reset", "RateLimit-Reset")
	if remaining == "0" && reset != "" {
		if n, err := strconv.ParseInt(reset, 10, 64); err == nil {
			return max(time.Unix(n, 0).Sub(c.clock()), 0) + time.Second, true
		}
	}
	if resp.StatusCode == http.StatusTooManyRequests {
		return time.Minute, true
	}
	return 0, false
}

func firstHeader(h http.Header, names ...string) string {
	for _, n := range names {
		if v := h.Get(n); v != "" {
			return v
		}
	}
	return ""
}

var linkNext = regexp.MustCompile(`<([^>]+)>\s*;\s*rel="?next"?`)

// nextLink reads the rel="next" URL of a Link header.
func nextLink(h string) string {
	for _, part := range strings.Split(h, ",") {
		if m := linkNext.FindStringSubmatch(part); m != nil {
			return m[1]
		}
	}
	return ""
}

// sameHost refuses a next link to another host: the token would follow.
func sameHost(first, next string) error {
	a, err1 := url.Parse(first)
	b, err2 := url.Parse(next)
	if err1 != nil || err2 != nil || a.Scheme != b.Scheme || a.Host != b.Host {
		return fmt.Errorf("pagination link to another host (%s): refused", redactQuery(next))
	}
	return nil
}

func redactQuery(u string) string {
	if i := strings.IndexByte(u, '?'); i >= 0 {
		return u[:i]
	}
	return u
}
