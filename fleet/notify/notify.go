// Package notify sends fleet notifications: a generic JSON webhook signed
// with HMAC-SHA256, and a Slack-compatible incoming webhook. A payload
// never holds a secret: only the incident's redacted preview, rule and
// where it was found.
//
// A webhook request carries:
//
//	X-Vigil-Event:     incident.live
//	X-Vigil-Delivery:  a stable id of this notification (incident and event);
//	                   a receiver that sees it twice has seen a retry
//	X-Vigil-Timestamp: Unix seconds when it was signed
//	X-Vigil-Signature: sha256=HEX(HMAC-SHA256(key, timestamp + "." + body))
package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Occurrence is where an incident's secret was found.
type Occurrence struct {
	Repository string `json:"repository"`
	Commit     string `json:"commit"`
	Path       string `json:"path"`
	Line       int    `json:"line"`
}

// Message is one notification.
type Message struct {
	// Event is "incident.live" (a new live incident) or
	// "incident.live_again".
	Event    string `json:"event"`
	Delivery string `json:"delivery"`
	Incident struct {
		ID          int64        `json:"id"`
		Rule        string       `json:"rule"`
		Provider    string       `json:"provider"`
		Secret      string       `json:"secret"` // the redacted preview
		Status      string       `json:"status"`
		Verdict     string       `json:"verdict"`
		Reason      string       `json:"verdict_reason,omitempty"`
		Occurrences []Occurrence `json:"occurrences"`
	} `json:"incident"`
	At time.Time `json:"at"`
}

// Target is one configured output.
type Target struct {
	Name string
	// Type is "webhook" or "slack".
	Type string
	URL  string
	// Key signs webhook bodies.
	Key []byte
}

// Sender posts notifications, retrying failures.
type Sender struct {
	HTTP *http.Client
	// Attempts is how many times one send is tried (default 3), waiting
	// Backoff, then twice as long, between tries.
	Attempts int
	Backoff  time.Duration
	now      func() time.Time
}

// Sign returns the X-Vigil-Signature value of a body.
func Sign(key []byte, timestamp string, body []byte) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(timestamp))
	mac.Write([]byte("."))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// Verify checks a request's signature in constant time.
func Verify(key []byte, timestamp string, body []byte, signature string) bool {
	return hmac.Equal([]byte(Sign(key, timestamp, body)), []byte(signature))
}

// Send delivers m to t, retrying 5xx answers, 429 and network errors.
func (s *Sender) Send(ctx context.Context, t Target, m Message) error {
	body, ctype, err := render(t, m)
	if err != nil {
		return err
	}
	attempts := s.Attempts
	if attempts <= 0 {
		attempts = 3
	}
	backoff := s.Backoff
	if backoff <= 0 {
		backoff = time.Second
	}
	var last error
	for i := range attempts {
		if i > 0 {
			select {
			case <-time.After(backoff << (i - 1)):
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		retry, err := s.post(ctx, t, m, body, ctype)
		if err == nil {
			return nil
		}
		last = err
		if !retry {
			break
		}
	}
	return fmt.Errorf("notify %s: %w", t.Name, last)
}

func render(t Target, m Message) ([]byte, string, error) {
	switch t.Type {
	case "webhook":
		b, err := json.Marshal(m)
		return b, "application/json", err
	case "slack":
		b, err := json.Marshal(map[string]string{"text": slackText(m)})
		return b, "application/json", err
	}
	return nil, "", fmt.Errorf("output %s: unknown type %q", t.Name, t.Type)
}

func slackText(m Message) string {
	in := m.Incident
	var b strings.Builder
	what := "New live credential"
	if m.Event == "incident.live_again" {
		what = "Credential live again"
	}
	fmt.Fprintf(&b, ":rotating_light: *%s* — incident #%d: %s (%s) `%s`", what, in.ID, in.Rule, in.Provider, in.Secret)
	for i, o := range in.Occurrences {
		if i == 5 {
			fmt.Fprintf(&b, "\n… and %d more", len(in.Occurrences)-5)
			break
		}
		c := o.Commit
		if len(c) > 12 {
			c = c[:12]
		}
		fmt.Fprintf(&b, "\n• %s %s:%d @%s", o.Repository, o.Path, o.Line, c)
	}
	return b.String()
}

// post sends once; retry says whether another try may succeed.
func (s *Sender) post(ctx context.Context, t Target, m Message, body []byte, ctype string) (bool, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.URL, bytes.NewReader(body))
	if err != nil {
		return false, fmt.Errorf("request: %w", err)
	}
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("User-Agent", "vigil-fleet")
	if t.Type == "webhook" {
		now := time.Now
		if s.now != nil {
			now = s.now
		}
		ts := strconv.FormatInt(now().Unix(), 10)
		req.Header.Set("X-Vigil-Event", m.Event)
		req.Header.Set("X-Vigil-Delivery", m.Delivery)
		req.Header.Set("X-Vigil-Timestamp", ts)
		req.Header.Set("X-Vigil-Signature", Sign(t.Key, ts, body))
	}
	client := s.HTTP
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	resp, err := client.Do(req)
	if err != nil {
		// The URL may be a secret (Slack's is): say which output, not
		// where.
		return true, fmt.Errorf("post failed: %s", scrubURL(err.Error(), t.URL))
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return false, nil
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		return true, fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	return false, fmt.Errorf("HTTP %d (not retried)", resp.StatusCode)
}

func scrubURL(msg, url string) string {
	return strings.ReplaceAll(msg, url, "[output URL]")
}
