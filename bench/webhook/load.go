package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vigilsec/vigil/webhook"
)

// publicBase is the --public-url of the bench's vigil proxy; requests are
// signed for it, whichever target they go to.
const publicBase = "http://bench.example"

// signer builds realistic signed inbound-SMS webhooks, each one unique
// (so that the proxy's replay window lets them all through).
type signer struct {
	token string
	seq   atomic.Int64
}

// form returns the parameters of webhook n: the usual fifteen or so that
// Twilio sends for an inbound SMS, with placeholder values.
func (s *signer) form(n int64) url.Values {
	id := fmt.Sprintf("%032d", n)
	return url.Values{
		"ToCountry": {"US"}, "ToState": {"CA"}, "SmsMessageSid": {"SM" + id}, "NumMedia": {"0"},
		"ToCity": {"SAN FRANCISCO"}, "FromZip": {"94105"}, "SmsSid": {"SM" + id}, "FromState": {"CA"},
		"SmsStatus": {"received"}, "FromCity": {"SAN FRANCISCO"}, "Body": {"Hello from the bench, message " + strconv.FormatInt(n, 10)},
		"FromCountry": {"US"}, "To": {"+15005550006"}, "ToZip": {"94105"}, "NumSegments": {"1"},
		"MessageSid": {"SM" + id}, "AccountSid": {"AC" + strings.Repeat("x", 32)}, "From": {"+15005550006"}, "ApiVersion": {"2010-04-01"},
	}
}

// rawRequest is an HTTP/1.1 request as bytes.
func rawRequest(method, path, host string, hdr http.Header, body []byte) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: TwilioProxy/1.1\r\n", method, path, host)
	for k, vs := range hdr {
		for _, v := range vs {
			fmt.Fprintf(&b, "%s: %s\r\n", k, v)
		}
	}
	if body != nil {
		fmt.Fprintf(&b, "Content-Length: %d\r\n", len(body))
	}
	b.WriteString("\r\n")
	b.Write(body)
	return []byte(b.String())
}

// next returns the next genuine signed webhook for host.
func (s *signer) next(host string) []byte {
	n := s.seq.Add(1)
	form := s.form(n)
	body := []byte(form.Encode())
	hdr := http.Header{
		"Content-Type":               {"application/x-www-form-urlencoded"},
		webhook.SignatureHeader:      {webhook.Sign(s.token, publicBase+"/sms", form)},
		"I-Twilio-Idempotency-Token": {"bench-" + strconv.FormatInt(n, 10)},
	}
	return rawRequest(http.MethodPost, "/sms", host, hdr, body)
}

// conn is a keep-alive client connection speaking raw HTTP/1.1, cheaper
// than net/http's client so that the load generator takes less CPU from
// what it measures.
type conn struct {
	addr string
	c    net.Conn
	br   *bufio.Reader
}

func (c *conn) do(req []byte) (int, error) {
	if c.c == nil {
		nc, err := net.Dial("tcp", c.addr)
		if err != nil {
			return 0, err
		}
		c.c, c.br = nc, bufio.NewReaderSize(nc, 16<<10)
	}
	if _, err := c.c.Write(req); err != nil {
		c.close()
		return 0, err
	}
	resp, err := http.ReadResponse(c.br, nil)
	if err != nil {
		c.close()
		return 0, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.Close {
		c.close()
	}
	return resp.StatusCode, nil
}

func (c *conn) close() {
	if c.c != nil {
		c.c.Close()
		c.c = nil
	}
}

// result is one load phase.
type result struct {
	requests, errors int64
	elapsed          time.Duration
	lat              []time.Duration
}

func (r result) rps() float64 { return float64(r.requests) / r.elapsed.Seconds() }

func (r result) pct(p float64) time.Duration {
	if len(r.lat) == 0 {
		return 0
	}
	return r.lat[min(len(r.lat)-1, int(float64(len(r.lat))*p))]
}

func (r result) String() string {
	return fmt.Sprintf("%9.0f req/s  p50 %7s  p99 %7s  p99.9 %7s  errors %d", r.rps(),
		r.pct(.50).Round(time.Microsecond), r.pct(.99).Round(time.Microsecond), r.pct(.999).Round(time.Microsecond), r.errors)
}

// load sends genuine webhooks to addr from conns connections for d. With
// rate > 0 the connections are paced to rate requests per second in all
// (latency at a moderate load); with rate 0 they send as fast as answers
// come back (throughput).
func load(addr string, s *signer, conns int, rate float64, d time.Duration) result {
	var (
		mu  sync.Mutex
		all result
		wg  sync.WaitGroup
	)
	start := time.Now()
	deadline := start.Add(d)
	for range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &conn{addr: addr}
			defer c.close()
			var lat []time.Duration
			var n, errs int64
			interval := time.Duration(0)
			if rate > 0 {
				interval = time.Duration(float64(conns) / rate * float64(time.Second))
			}
			next := time.Now()
			for {
				if interval > 0 {
					next = next.Add(interval)
					if w := time.Until(next); w > 0 {
						time.Sleep(w)
					}
				}
				t0 := time.Now()
				if t0.After(deadline) {
					break
				}
				req := s.next(addr)
				status, err := c.do(req)
				lat = append(lat, time.Since(t0))
				n++
				if err != nil || status != http.StatusOK {
					errs++
				}
			}
			mu.Lock()
			all.requests += n
			all.errors += errs
			all.lat = append(all.lat, lat...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	all.elapsed = time.Since(start)
	slices.Sort(all.lat)
	return all
}
