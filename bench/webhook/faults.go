package main

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vigilsec/vigil/webhook"
)

// check is one fault-scenario verdict.
type check struct {
	name   string
	ok     bool
	detail string
}

func (c check) String() string {
	v := "ok  "
	if !c.ok {
		v = "FAIL"
	}
	return fmt.Sprintf("  [%s] %-44s %s", v, c.name, c.detail)
}

// sendRaw writes req on a fresh connection while reading the answer, so
// that a proxy that answers before reading the whole body is seen.
func sendRaw(addr string, req []byte, timeout time.Duration) (int, time.Duration, error) {
	c, err := net.DialTimeout("tcp", addr, timeout)
	if err != nil {
		return 0, 0, err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(timeout))
	t0 := time.Now()
	go c.Write(req)
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return 0, time.Since(t0), err
	}
	resp.Body.Close()
	return resp.StatusCode, time.Since(t0), nil
}

// signedTo builds a genuine webhook for path with the given body params.
func signedTo(s *signer, host, path string) []byte {
	form := s.form(s.seq.Add(1))
	hdr := http.Header{
		"Content-Type":          {"application/x-www-form-urlencoded"},
		webhook.SignatureHeader: {webhook.Sign(s.token, publicBase+path, form)},
	}
	return rawRequest(http.MethodPost, path, host, hdr, []byte(form.Encode()))
}

func statusCheck(name, addr string, req []byte, want int, timeout time.Duration) check {
	got, took, err := sendRaw(addr, req, timeout)
	detail := fmt.Sprintf("%d in %s (want %d)", got, took.Round(time.Millisecond), want)
	if err != nil {
		detail = fmt.Sprintf("error after %s: %v (want %d)", took.Round(time.Millisecond), err, want)
	}
	return check{name, err == nil && got == want, detail}
}

// faults runs the fault scenarios against the proxy at addr (whose
// upstream hangs on /hang) and the proxy at downAddr (whose upstream is
// down).
func faults(addr, downAddr string, s *signer, upstreamTimeout, readHeaderTimeout time.Duration) []check {
	var out []check
	out = append(out, statusCheck("upstream down → 502", downAddr, signedTo(s, downAddr, "/sms"), 502, 10*time.Second))
	out = append(out, statusCheck("upstream hanging → 504 after --upstream-timeout", addr, signedTo(s, addr, "/hang"), 504, upstreamTimeout+5*time.Second))

	big := []byte("Body=" + strings.Repeat("x", 2<<20))
	hdr := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, webhook.SignatureHeader: {webhook.Sign(s.token, publicBase+"/sms", nil)}}
	out = append(out, statusCheck("2 MiB body with Content-Length → 413", addr, rawRequest("POST", "/sms", addr, hdr, big), 413, 10*time.Second))
	chunked := []byte(fmt.Sprintf("POST /sms HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nX-Twilio-Signature: %s\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n%s\r\n0\r\n\r\n",
		addr, hdr.Get(webhook.SignatureHeader), len(big), big))
	out = append(out, statusCheck("2 MiB chunked body → 413", addr, chunked, 413, 10*time.Second))
	many := []byte(strings.Repeat("a=1&", 100000))
	out = append(out, statusCheck("100,000 form parameters → 400", addr, rawRequest("POST", "/sms", addr, hdr, many), 400, 10*time.Second))
	huge := http.Header{"X-Junk": {strings.Repeat("j", 64<<10)}}
	out = append(out, statusCheck("64 KiB of headers → 431", addr, rawRequest("GET", "/sms", addr, huge, nil), 431, 10*time.Second))

	out = append(out, slowloris(addr, s, readHeaderTimeout)...)
	out = append(out, statusCheck("still serving genuine webhooks afterwards", addr, signedTo(s, addr, "/sms"), 200, 5*time.Second))
	return out
}

// slowloris opens many connections that send their headers (or body) a
// byte at a time, checks that genuine webhooks are still served meanwhile,
// and that the proxy closes the slow connections.
func slowloris(addr string, s *signer, readHeaderTimeout time.Duration) []check {
	const slow = 1000
	var closed atomic.Int64
	var opened atomic.Int64
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for i := range slow {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := net.Dial("tcp", addr)
			if err != nil {
				return
			}
			defer c.Close()
			opened.Add(1)
			head := "POST /sms HTTP/1.1\r\nHost: x\r\nX-Slow: "
			if i%4 == 0 { // slow body instead of slow headers
				head = "POST /sms HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\nX-Twilio-Signature: x\r\n\r\n"
			}
			if _, err := c.Write([]byte(head)); err != nil {
				closed.Add(1)
				return
			}
			t := time.NewTicker(500 * time.Millisecond)
			defer t.Stop()
			for {
				select {
				case <-stop:
					return
				case <-t.C:
					if _, err := c.Write([]byte("a")); err != nil {
						closed.Add(1)
						return
					}
				}
			}
		}()
	}
	time.Sleep(500 * time.Millisecond)
	during := load(addr, s, 4, 400, 2*time.Second)
	// Slow headers are cut at --read-header-timeout, slow bodies when the
	// proxy gives up reading (its read timeout); wait past both.
	time.Sleep(readHeaderTimeout + 6*time.Second)
	close(stop)
	wg.Wait()
	return []check{
		{"genuine webhooks served during 1000 slow connections", during.errors == 0 && during.requests > 0,
			fmt.Sprintf("%d requests, %d errors, p99 %s", during.requests, during.errors, during.pct(.99).Round(time.Microsecond))},
		{"slow connections closed by the proxy", closed.Load() >= opened.Load()*9/10,
			fmt.Sprintf("%d of %d closed", closed.Load(), opened.Load())},
	}
}
