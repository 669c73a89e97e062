package proxy

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/vigilsec/vigil/webhook"
)

// BenchmarkProxy measures a signed inbound-SMS webhook through the whole
// stack on loopback (client, proxy server, upstream), for profiling with
// -cpuprofile. bench/webhook measures it against nginx.
func BenchmarkProxy(b *testing.B) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		io.WriteString(w, "<Response/>")
	}))
	defer up.Close()
	upURL, _ := url.Parse(up.URL)
	tok := "bench-token"
	reg := prometheus.NewRegistry()
	h, err := New(Config{Upstream: upURL, Keys: webhook.NewKeyring(tok), PublicURL: "https://hooks.example.com",
		ReplayWindow: 60e9, Metrics: NewMetrics(reg), AccessLog: true,
		Logger: slog.New(slog.NewJSONHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go (&Server{Handler: h}).Serve(ctx, ln)
	base := url.Values{}
	for _, k := range strings.Fields("ToCountry ToState SmsMessageSid NumMedia ToCity FromZip SmsSid FromState SmsStatus FromCity Body FromCountry To ToZip NumSegments MessageSid AccountSid From ApiVersion") {
		base.Set(k, "value-of-"+k)
	}
	var n atomic.Int64
	b.SetParallelism(16)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
		for pb.Next() {
			form := url.Values{}
			for k, v := range base {
				form[k] = v
			}
			form.Set("MessageSid", strconv.FormatInt(n.Add(1), 10))
			req, _ := http.NewRequest(http.MethodPost, "http://"+ln.Addr().String()+"/sms", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set(webhook.SignatureHeader, webhook.Sign(tok, "https://hooks.example.com/sms", form))
			resp, err := client.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				b.Fatalf("status %d", resp.StatusCode)
			}
		}
	})
}
