package passphrase

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Range API settings.
const (
	DefaultRangeURL     = "https://api.pwnedpasswords.com"
	DefaultRangeTimeout = 10 * time.Second
	maxRangeBody        = 4 << 20 // a padded range is ~40 KB
)

// RangeAPI checks passphrases against a k-anonymity range API compatible
// with Pwned Passwords: it sends GET {BaseURL}/range/{first 5 hex digits of
// the SHA-1} with Add-Padding: true, and looks for the other 35 digits in
// the SUFFIX:COUNT lines of the answer (padding lines have count 0). The
// passphrase and the rest of its hash never leave the machine. Each Count
// makes exactly one request: no retries, no redirects.
type RangeAPI struct {
	BaseURL   string        // DefaultRangeURL when empty
	Timeout   time.Duration // for the whole exchange; DefaultRangeTimeout when zero
	Client    *http.Client  // its Transport and Jar are used; http.DefaultTransport when nil
	UserAgent string        // "vigil-passphrase" when empty
	Logger    *slog.Logger  // debug messages; nil discards
}

// Count implements Breaches.
func (a *RangeAPI) Count(ctx context.Context, d Digest) (int64, error) {
	base := a.BaseURL
	if base == "" {
		base = DefaultRangeURL
	}
	u, err := url.Parse(strings.TrimRight(base, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return 0, fmt.Errorf("%w: range API URL %q is not an http(s) URL", ErrCouldNotCheck, base)
	}
	timeout := a.Timeout
	if timeout <= 0 {
		timeout = DefaultRangeTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	hexSum := d.Hex()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String()+"/range/"+hexSum[:5], nil)
	if err != nil {
		return 0, fmt.Errorf("%w: %v", ErrCouldNotCheck, err)
	}
	req.Header.Set("Add-Padding", "true")
	ua := a.UserAgent
	if ua == "" {
		ua = "vigil-passphrase"
	}
	req.Header.Set("User-Agent", ua)
	client := http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if a.Client != nil {
		client.Transport = a.Client.Transport
		client.Jar = a.Client.Jar
	}
	log := a.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		// url.Error repeats the URL, hash prefix included: keep it out of
		// messages and logs.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		if errors.Is(err, context.DeadlineExceeded) {
			return 0, fmt.Errorf("%w: range API %s did not answer within %v", ErrCouldNotCheck, u.Host, timeout)
		}
		return 0, fmt.Errorf("%w: range API %s: %v", ErrCouldNotCheck, u.Host, err)
	}
	defer resp.Body.Close()
	log.Debug("range API answered", "host", u.Host, "status", resp.StatusCode, "elapsed", time.Since(start))
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("%w: range API %s answered %s", ErrCouldNotCheck, u.Host, resp.Status)
	}
	n, err := parseRange(io.LimitReader(resp.Body, maxRangeBody+1), hexSum[5:])
	if err != nil {
		// A deadline hit mid-answer can show as a cut-off last line.
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return 0, fmt.Errorf("%w: range API %s did not finish its answer within %v", ErrCouldNotCheck, u.Host, timeout)
		}
		return 0, fmt.Errorf("%w: range API %s: %v", ErrCouldNotCheck, u.Host, err)
	}
	return n, nil
}

// parseRange reads SUFFIX:COUNT lines and returns the count for suffix (35
// upper-case hex digits), 0 when absent or a padding line. Anything that is
// not such a line, an empty answer or one over maxRangeBody is an error: a
// garbled answer must not read as "not found".
func parseRange(r io.Reader, suffix string) (int64, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 4096)
	var found int64
	lines, entries, size := 0, 0, 0
	for sc.Scan() {
		lines++
		size += len(sc.Bytes()) + 1
		if size > maxRangeBody {
			return 0, fmt.Errorf("answer is larger than %d bytes", maxRangeBody)
		}
		line := strings.TrimSuffix(sc.Text(), "\r")
		if line == "" {
			continue
		}
		entries++
		s, c, ok := strings.Cut(line, ":")
		if !ok || len(s) != 35 || !allHex(s) {
			return 0, fmt.Errorf("line %d of the answer is not SUFFIX:COUNT", lines)
		}
		n, err := strconv.ParseInt(strings.TrimSpace(c), 10, 64)
		if err != nil || n < 0 {
			return 0, fmt.Errorf("line %d of the answer has a bad count", lines)
		}
		if strings.EqualFold(s, suffix) {
			found = n
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return 0, fmt.Errorf("line %d of the answer is too long", lines+1)
		}
		return 0, fmt.Errorf("read answer: %w", err)
	}
	if entries == 0 {
		return 0, errors.New("empty answer (a padded range is never empty)")
	}
	return found, nil
}

func allHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isHexByte(s[i]) {
			return false
		}
	}
	return true
}

func isHexByte(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
