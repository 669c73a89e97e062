package proxy

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vigilsec/vigil/webhook"
)

// The BenchmarkPiece benchmarks time, in one process and without the
// network, the pieces of work the proxy does for each request, to tell
// which is worth making cheaper:
//
//	go test -run - -bench Piece ./webhook/proxy

// benchHead is the bench's inbound-SMS webhook signed with tok, as the
// server receives it.
func benchHead(tok string) []byte {
	form := url.Values{}
	for _, k := range strings.Fields("ToCountry ToState SmsMessageSid NumMedia ToCity FromZip SmsSid FromState SmsStatus FromCity Body FromCountry To ToZip NumSegments MessageSid AccountSid From ApiVersion") {
		form.Set(k, "value-of-"+k)
	}
	body := form.Encode()
	return []byte("POST /sms HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: TwilioProxy/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\nX-Twilio-Signature: " +
		webhook.Sign(tok, "https://hooks.example.com/sms", form) + "\r\nI-Twilio-Idempotency-Token: bench-1\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body)
}

// requestReader returns a function that parses raw anew with net/http's
// parser each time it is called.
func requestReader(b *testing.B, raw []byte) func() *http.Request {
	rd := bytes.NewReader(raw)
	br := bufio.NewReader(rd)
	return func() *http.Request {
		rd.Reset(raw)
		br.Reset(rd)
		r, err := http.ReadRequest(br)
		if err != nil {
			b.Fatal(err)
		}
		r.RemoteAddr = "127.0.0.1:5000"
		return r
	}
}

func BenchmarkPieceReadRequest(b *testing.B) {
	next := requestReader(b, benchHead("t"))
	b.ReportAllocs()
	for b.Loop() {
		io.Copy(io.Discard, next().Body)
	}
}

func BenchmarkPieceParseVerify(b *testing.B) {
	next := requestReader(b, benchHead("tok"))
	v := &webhook.Validator{Keys: webhook.NewKeyring("tok")}
	b.ReportAllocs()
	for b.Loop() {
		req, err := v.Parse(next())
		if err != nil {
			b.Fatal(err)
		}
		if _, err := v.Verify(req, "https://hooks.example.com/sms"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPieceReplay(b *testing.B) {
	c := newReplayCache(time.Hour, 1<<20, nil)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		s := strconv.Itoa(i)
		c.reserve([]replayKey{newReplayKey("sig", "signature-"+s), newReplayKey("idem", "bench-"+s)})
	}
}

// BenchmarkPieceOutbound builds the request sent upstream.
func BenchmarkPieceOutbound(b *testing.B) {
	up, _ := url.Parse("http://127.0.0.1:3000")
	h, err := New(Config{Upstream: up, Keys: webhook.NewKeyring("tok")})
	if err != nil {
		b.Fatal(err)
	}
	r := requestReader(b, benchHead("tok"))()
	body, _ := io.ReadAll(r.Body)
	b.ReportAllocs()
	for b.Loop() {
		h.outbound(r, body, "https://hooks.example.com/sms")
	}
}

// discardWriter is a ResponseWriter that keeps nothing.
type discardWriter struct{ h http.Header }

func (d *discardWriter) Header() http.Header         { return d.h }
func (d *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (d *discardWriter) WriteHeader(int)             {}

// BenchmarkPieceRelay reads an upstream response with net/http's parser
// and relays it.
func BenchmarkPieceRelay(b *testing.B) {
	raw := []byte("HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nDate: Wed, 02 Dec 2026 03:00:00 GMT\r\nContent-Length: 11\r\n\r\n<Response/>")
	up, _ := url.Parse("http://127.0.0.1:3000")
	h, err := New(Config{Upstream: up, Keys: webhook.NewKeyring("tok")})
	if err != nil {
		b.Fatal(err)
	}
	req := &http.Request{Method: "POST"}
	rd := bytes.NewReader(raw)
	br := bufio.NewReader(rd)
	w := &discardWriter{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		rd.Reset(raw)
		br.Reset(rd)
		resp, err := http.ReadResponse(br, req)
		if err != nil {
			b.Fatal(err)
		}
		clear(w.h)
		if err := h.relay(w, resp, false); err != nil {
			b.Fatal(err)
		}
	}
}

// cannedTransport answers every request with the same small response,
// without a network.
type cannedTransport struct{}

func (cannedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	io.Copy(io.Discard, r.Body)
	return &http.Response{StatusCode: 200, ProtoMajor: 1, ProtoMinor: 1, ContentLength: 11,
		Header: http.Header{"Content-Type": {"text/xml"}, "Content-Length": {"11"}},
		Body:   io.NopCloser(strings.NewReader("<Response/>")), Request: r}, nil
}

// newPieceHandler is the Handler the piece benchmarks and the allocation
// budget measure: replay window, metrics and access log on, the upstream
// answered in memory.
func newPieceHandler(tb testing.TB) *Handler {
	tb.Helper()
	up, _ := url.Parse("http://127.0.0.1:3000")
	h, err := New(Config{Upstream: up, Keys: webhook.NewKeyring("tok"), PublicURL: "https://hooks.example.com",
		ReplayWindow: time.Hour, AccessLog: true, AccessLogTo: io.Discard, Metrics: NewMetrics(nil)})
	if err != nil {
		tb.Fatal(err)
	}
	h.transport = cannedTransport{}
	return h
}

// signedRequests returns n parsed inbound-SMS webhooks signed with "tok",
// each with its own MessageSid from first on, so that the replay window
// lets every one through.
func signedRequests(tb testing.TB, first, n int) []*http.Request {
	tb.Helper()
	form := url.Values{}
	for _, k := range strings.Fields("ToCountry ToState SmsMessageSid NumMedia ToCity FromZip SmsSid FromState SmsStatus FromCity Body FromCountry To ToZip NumSegments MessageSid AccountSid From ApiVersion") {
		form.Set(k, "value-of-"+k)
	}
	reqs := make([]*http.Request, 0, n)
	for i := range n {
		form.Set("MessageSid", strconv.Itoa(first+i))
		body := form.Encode()
		raw := "POST /sms HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nContent-Type: application/x-www-form-urlencoded\r\nX-Twilio-Signature: " +
			webhook.Sign("tok", "https://hooks.example.com/sms", form) + "\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body
		r, err := http.ReadRequest(bufio.NewReader(strings.NewReader(raw)))
		if err != nil {
			tb.Fatal(err)
		}
		r.RemoteAddr = "127.0.0.1:5000"
		reqs = append(reqs, r)
	}
	return reqs
}

// BenchmarkPieceHandler is the Handler's whole work for one webhook
// (source check, parse, verify, replay cache, outbound request, relay,
// metrics, access line) on an already parsed request, the upstream
// answered in memory. Its allocations per request are held to a budget by
// TestHandlerAllocations.
func BenchmarkPieceHandler(b *testing.B) {
	h := newPieceHandler(b)
	// The requests are parsed before the clock starts, a batch at a time.
	const batch = 1000
	var reqs []*http.Request
	next := 0
	w := &discardWriter{h: http.Header{}}
	b.ReportAllocs()
	i := batch
	for b.Loop() {
		if i == batch {
			b.StopTimer()
			reqs = signedRequests(b, next, batch)
			next += batch
			i = 0
			b.StartTimer()
		}
		clear(w.h)
		h.ServeHTTP(w, reqs[i])
		i++
	}
}
