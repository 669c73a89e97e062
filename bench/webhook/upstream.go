package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"
)

// forgedHeader marks the requests of the forgery run; the upstream counts
// those that reach it, which must be none.
const forgedHeader = "X-Bench-Forged"

// upstream is the app behind the proxies: a small TwiML answer, a path
// that hangs, and counters read at /__stats (directly, never via a proxy).
type upstream struct {
	total, forged atomic.Int64
}

func (u *upstream) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/__stats" {
		fmt.Fprintf(w, "%d %d\n", u.total.Load(), u.forged.Load())
		return
	}
	io.Copy(io.Discard, r.Body)
	u.total.Add(1)
	if r.Header.Get(forgedHeader) != "" {
		u.forged.Add(1)
	}
	if r.URL.Path == "/hang" {
		select {
		case <-r.Context().Done():
		case <-time.After(time.Minute):
		}
		return
	}
	const body = `<?xml version="1.0" encoding="UTF-8"?><Response><Message>ok</Message></Response>`
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	io.WriteString(w, body)
}

// serveUpstream runs the upstream until ctx ends (the child-process mode).
func serveUpstream(ctx context.Context, addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: &upstream{}, ReadHeaderTimeout: 10 * time.Second}
	go func() { <-ctx.Done(); srv.Close() }()
	if err := srv.Serve(ln); err != http.ErrServerClosed {
		return err
	}
	return nil
}

// upstreamStats reads the upstream's counters.
func upstreamStats(addr string) (total, forged int64, err error) {
	resp, err := http.Get("http://" + addr + "/__stats")
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	_, err = fmt.Fscan(resp.Body, &total, &forged)
	return total, forged, err
}
