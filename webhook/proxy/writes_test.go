package proxy

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/vigilsec/vigil/webhook"
)

// countingConn counts the Write calls made on a connection.
type countingConn struct {
	net.Conn
	writes *atomic.Int64
}

func (c countingConn) Write(p []byte) (int, error) {
	c.writes.Add(1)
	return c.Conn.Write(p)
}

// TestForwardWritesEachRequestOnce: a forwarded webhook goes to the
// upstream in one write, head and body together. A request body the
// Transport does not know to be in memory makes it flush the head alone
// first, which doubles the system calls and the upstream's wake-ups.
func TestForwardWritesEachRequestOnce(t *testing.T) {
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		io.WriteString(w, "<Response/>")
	}))
	defer app.Close()
	up, _ := url.Parse(app.URL)
	tok := newToken(t)
	h, err := New(Config{Upstream: up, Keys: webhook.NewKeyring(tok), PublicURL: "https://hooks.example.com",
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	var writes atomic.Int64
	tr := h.transport.(*http.Transport)
	dial := tr.DialContext
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return countingConn{c, &writes}, nil
	}
	const n = 5
	for i := range n {
		form := url.Values{"AccountSid": {"AC" + strings.Repeat("0", 32)}, "Body": {strings.Repeat("x", 100*i)}}
		r := httptest.NewRequest(http.MethodPost, "/sms", strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.Header.Set(webhook.SignatureHeader, webhook.Sign(tok, "https://hooks.example.com/sms", form))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			t.Fatalf("request %d: status %d", i, w.Code)
		}
	}
	if got := writes.Load(); got != n {
		t.Errorf("%d requests forwarded in %d writes, want one write each", n, got)
	}
}
