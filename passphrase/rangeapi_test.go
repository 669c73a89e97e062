package passphrase

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// fakeRange serves a generated hash file the way the Pwned Passwords range
// API does, padding each answer with count-0 lines, and counts requests.
type fakeRange struct {
	byPrefix map[string][]string
	requests atomic.Int64
	padded   atomic.Int64
	paths    chan string
}

func newFakeRange(t *testing.T, entries []hashEntry) (*fakeRange, *httptest.Server) {
	f := &fakeRange{byPrefix: map[string][]string{}, paths: make(chan string, 100)}
	for _, e := range entries {
		h := e.d.Hex()
		f.byPrefix[h[:5]] = append(f.byPrefix[h[:5]], fmt.Sprintf("%s:%d", h[5:], e.count))
	}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv
}

func (f *fakeRange) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.requests.Add(1)
	f.paths <- r.URL.Path
	prefix, ok := strings.CutPrefix(r.URL.Path, "/range/")
	if !ok || len(prefix) != 5 || !allHex(prefix) {
		http.Error(w, "bad range", http.StatusBadRequest)
		return
	}
	lines := append([]string{}, f.byPrefix[strings.ToUpper(prefix)]...)
	if r.Header.Get("Add-Padding") == "true" {
		f.padded.Add(1)
		for i := range 20 {
			lines = append(lines, fmt.Sprintf("%035X:0", i+1))
		}
	}
	fmt.Fprint(w, strings.Join(lines, "\r\n"))
}

func TestRangeAPI(t *testing.T) {
	entries := genEntries(2000, 1)
	f, srv := newFakeRange(t, entries)
	api := &RangeAPI{BaseURL: srv.URL + "/"}
	ctx := context.Background()
	for w, want := range breachedWords() {
		n, err := api.Count(ctx, Sum(w))
		if err != nil || n != want {
			t.Errorf("%q: %d, %v; want %d", w, n, err, want)
		}
	}
	for _, e := range entries[:50] {
		if n, err := api.Count(ctx, e.d); err != nil || n != e.count {
			t.Errorf("%s: %d, %v; want %d", e.d, n, err, e.count)
		}
	}
	if n, err := api.Count(ctx, Sum("mauve kettle orbits the quiet fjord")); err != nil || n != 0 {
		t.Errorf("absent: %d, %v", n, err)
	}
	// A padding line (count 0) that happens to match is "not found".
	pad, ok := parseHashLineString(Sum("password123").Hex()[:5] + fmt.Sprintf("%035X", 1) + ":0")
	if !ok {
		t.Fatal("bad padding digest")
	}
	if n, err := api.Count(ctx, pad); err != nil || n != 0 {
		t.Errorf("padding entry: %d, %v", n, err)
	}
	if f.padded.Load() != f.requests.Load() {
		t.Errorf("%d of %d requests asked for padding", f.padded.Load(), f.requests.Load())
	}
	// Only the five-digit prefix leaves the machine.
	close(f.paths)
	for p := range f.paths {
		if len(p) != len("/range/ABCDE") {
			t.Errorf("request path %q", p)
		}
	}
}

// The online check makes exactly one request per passphrase, whatever the
// answer.
func TestRangeAPIExactlyOneRequest(t *testing.T) {
	statuses := []int{200, 404, 429, 500, 503, 301}
	for _, code := range statuses {
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			var n atomic.Int64
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				n.Add(1)
				if code == 301 {
					http.Redirect(w, r, "/elsewhere", code)
					return
				}
				w.WriteHeader(code)
				fmt.Fprintf(w, "%035X:0\n", 1)
			}))
			defer srv.Close()
			_, err := Policy{Breaches: &RangeAPI{BaseURL: srv.URL}}.Check(context.Background(), "mauve kettle orbits the quiet fjord")
			if err != nil {
				t.Fatal(err)
			}
			if got := n.Load(); got != 1 {
				t.Errorf("%d requests, want 1", got)
			}
		})
	}
}

func TestRangeAPICouldNotCheck(t *testing.T) {
	block := make(chan struct{})
	defer close(block)
	tests := []struct {
		name    string
		handler http.HandlerFunc
		want    string
	}{
		{"timeout", func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-block:
			case <-r.Context().Done():
			}
		}, "did not answer within"},
		{"slow body", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintf(w, "%035X:1\n", 1)
			w.(http.Flusher).Flush()
			select {
			case <-block:
			case <-r.Context().Done():
			}
		}, "did not finish its answer"},
		{"503", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "down", http.StatusServiceUnavailable) }, "503 Service Unavailable"},
		{"redirect", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/x", http.StatusFound) }, "302 Found"},
		{"html", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "<html>maintenance</html>") }, "line 1 of the answer is not SUFFIX:COUNT"},
		{"garbage later", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintf(w, "%035X:1\nnot a line\n", 1) }, "line 2"},
		{"bad count", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintf(w, "%035X:many\n", 1) }, "bad count"},
		{"empty", func(w http.ResponseWriter, r *http.Request) {}, "empty answer"},
		{"huge", func(w http.ResponseWriter, r *http.Request) {
			for range maxRangeBody/38 + 1000 {
				fmt.Fprintf(w, "%035X:0\n", 1)
			}
		}, "larger than"},
		{"long line", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, strings.Repeat("A", 10000)) }, "too long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(tt.handler)
			defer srv.Close()
			timeout := 30 * time.Second
			if strings.Contains(tt.want, "within") || strings.Contains(tt.want, "finish") {
				timeout = 200 * time.Millisecond
			}
			api := &RangeAPI{BaseURL: srv.URL, Timeout: timeout}
			_, err := api.Count(context.Background(), Sum("x"))
			if !errors.Is(err, ErrCouldNotCheck) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want ErrCouldNotCheck containing %q", err, tt.want)
			}
			r, cerr := Policy{Breaches: api}.Check(context.Background(), "mauve kettle orbits the quiet fjord")
			if cerr != nil || r.Verdict != Unchecked || r.Breach.Status != BreachUnchecked {
				t.Fatalf("Check: %v %s %s", cerr, r.Verdict, r.Breach.Status)
			}
		})
	}
}

func TestRangeAPIBadURL(t *testing.T) {
	for _, u := range []string{"ftp://example.org", "not a url", "http://"} {
		_, err := (&RangeAPI{BaseURL: u}).Count(context.Background(), Sum("x"))
		if !errors.Is(err, ErrCouldNotCheck) || !strings.Contains(err.Error(), "not an http(s) URL") {
			t.Errorf("%q: %v", u, err)
		}
	}
	// Nothing listens on this port: connection refused is "could not check".
	srv := httptest.NewServer(http.NotFoundHandler())
	srv.Close()
	if _, err := (&RangeAPI{BaseURL: srv.URL}).Count(context.Background(), Sum("x")); !errors.Is(err, ErrCouldNotCheck) {
		t.Errorf("closed server: %v", err)
	}
}

func FuzzParseRange(f *testing.F) {
	f.Add(fmt.Sprintf("%035X:3\r\n%035X:0", 1, 2), fmt.Sprintf("%035X", 1))
	f.Add("", "")
	f.Add(":\n:", "")
	f.Add(strings.Repeat("A", 35)+":99999999999999999999", strings.Repeat("A", 35))
	f.Fuzz(func(t *testing.T, body, suffix string) {
		n, err := parseRange(strings.NewReader(body), suffix)
		if err != nil && n != 0 {
			t.Fatal("count with an error")
		}
		if n < 0 {
			t.Fatal("negative count")
		}
	})
}

func parseHashLineString(s string) (Digest, bool) {
	d, _, ok := parseHashLine([]byte(s))
	return d, ok
}
