package proxy

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/vigilsec/vigil/internal/webhookvectors"
	"github.com/vigilsec/vigil/webhook"
)

// TestSDKVectors sends every assertion of the official SDKs'
// request-validator tests through the proxy, configured with the
// vector's origin (basic-auth credentials included) as its public URL and
// asked for its path and query byte for byte: the valid ones reach the
// app, the others are refused.
func TestSDKVectors(t *testing.T) {
	vectors, _, err := webhookvectors.Load()
	if err != nil {
		t.Fatal(err)
	}
	app := &recordingApp{}
	up := httptest.NewServer(app)
	defer up.Close()
	upURL, _ := url.Parse(up.URL)
	for _, v := range vectors {
		t.Run(v.Name(), func(t *testing.T) {
			scheme, rest, _ := strings.Cut(v.URL, "://")
			i := strings.IndexAny(rest, "/?")
			base, target := scheme+"://"+rest[:i], rest[i:]
			addr := serveProxy(t, Config{Upstream: upURL, Keys: webhook.NewKeyring(v.Token), PublicURL: base, UpstreamTimeout: 5 * time.Second})

			body, ctype := v.Body()
			var raw strings.Builder
			fmt.Fprintf(&raw, "POST %s HTTP/1.1\r\nHost: %s\r\n", target, addr)
			if ctype != "" {
				fmt.Fprintf(&raw, "Content-Type: %s\r\n", ctype)
			}
			switch {
			case v.SignedURL != "":
				fmt.Fprintf(&raw, "%s: %s\r\n", webhook.SignatureHeader, webhook.Sign(v.Token, v.SignedURL, v.Params()))
			case v.Signature != nil:
				fmt.Fprintf(&raw, "%s: %s\r\n", webhook.SignatureHeader, *v.Signature)
			}
			fmt.Fprintf(&raw, "Content-Length: %d\r\nConnection: close\r\n\r\n%s", len(body), body)
			status, _, _ := exchange(t, addr, raw.String())
			seen := app.take()
			if v.Valid && (status != http.StatusOK || seen == nil || seen.uri != target || seen.body != body) {
				t.Errorf("status %d, the app got %+v; the SDK accepts it", status, seen)
			}
			if !v.Valid && (status/100 != 4 || seen != nil) {
				t.Errorf("status %d, the app got %+v; the SDK refuses it", status, seen)
			}
		})
	}
}
