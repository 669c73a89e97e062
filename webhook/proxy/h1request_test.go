package proxy

import (
	"bufio"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
)

func parse(t testing.TB, raw string, maxHead int) (*http.Request, string, error) {
	t.Helper()
	br := bufio.NewReaderSize(strings.NewReader(raw), 64)
	r := &http.Request{}
	if err := readRequest(br, maxHead, &parsedHead{}, r); err != nil {
		return nil, "", err
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return r, string(body), err
	}
	rest, _ := io.ReadAll(br)
	if len(rest) > 0 {
		return r, string(body), errors.New("left unread: " + string(rest))
	}
	return r, string(body), nil
}

func TestReadRequestAccepts(t *testing.T) {
	long := strings.Repeat("v", 300) // longer than the reader's buffer
	for _, tc := range []struct {
		name, raw string
		check     func(*http.Request, string) string
	}{
		{"form post", "POST /sms?x=1 HTTP/1.1\r\nHost: h.example\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 7\r\n\r\nBody=hi",
			func(r *http.Request, body string) string {
				if r.Method != "POST" || r.RequestURI != "/sms?x=1" || r.URL.Path != "/sms" || r.URL.RawQuery != "x=1" ||
					r.Host != "h.example" || r.ContentLength != 7 || body != "Body=hi" || r.Close || r.Header.Get("Host") != "" {
					return "wrong request"
				}
				return ""
			}},
		{"chunked with trailers", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: Chunked\r\n\r\n3\r\nabc\r\n2;ext=1\r\nde\r\n0\r\nX-Trailer: 1\r\n\r\n",
			func(r *http.Request, body string) string {
				if body != "abcde" || r.ContentLength != -1 || len(r.TransferEncoding) != 1 || r.Header.Get("Transfer-Encoding") != "" {
					return "wrong chunked body " + body
				}
				return ""
			}},
		{"keys made canonical, repeats kept in order", "GET / HTTP/1.1\r\nhost: h\r\nx-twilio-signature: a\r\nX-Multi: 1\r\nx-multi: 2\r\nLong: " + long + "\r\n\r\n",
			func(r *http.Request, _ string) string {
				if r.Header.Get("X-Twilio-Signature") != "a" || strings.Join(r.Header["X-Multi"], ",") != "1,2" || r.Header.Get("Long") != long {
					return "wrong headers"
				}
				return ""
			}},
		{"value whitespace trimmed", "GET / HTTP/1.1\r\nHost: h\r\nA: \t v w \t\r\n\r\n",
			func(r *http.Request, _ string) string {
				if r.Header.Get("A") != "v w" {
					return "value " + r.Header.Get("A")
				}
				return ""
			}},
		{"bare LF line ends", "GET /x HTTP/1.1\nHost: h\n\n",
			func(r *http.Request, _ string) string {
				if r.URL.Path != "/x" || r.Host != "h" {
					return "wrong request"
				}
				return ""
			}},
		{"HTTP/1.0 closes unless kept alive", "GET / HTTP/1.0\r\n\r\n",
			func(r *http.Request, _ string) string {
				if !r.Close || r.ProtoMinor != 0 {
					return "HTTP/1.0 without keep-alive should close"
				}
				return ""
			}},
		{"HTTP/1.0 keep-alive", "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n",
			func(r *http.Request, _ string) string {
				if r.Close {
					return "keep-alive ignored"
				}
				return ""
			}},
		{"Connection: close", "GET / HTTP/1.1\r\nHost: h\r\nConnection: foo, close\r\n\r\n",
			func(r *http.Request, _ string) string {
				if !r.Close {
					return "close ignored"
				}
				return ""
			}},
		{"absolute form", "GET http://other.example/p HTTP/1.1\r\nHost: h\r\n\r\n",
			func(r *http.Request, _ string) string {
				if r.Host != "other.example" || r.URL.Path != "/p" {
					return "absolute form host " + r.Host
				}
				return ""
			}},
		{"repeated equal Content-Length", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nab",
			func(r *http.Request, body string) string {
				if body != "ab" {
					return "body " + body
				}
				return ""
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, body, err := parse(t, tc.raw, 16<<10)
			if err != nil {
				t.Fatal(err)
			}
			if msg := tc.check(r, body); msg != "" {
				t.Error(msg)
			}
		})
	}
}

func TestReadRequestRefuses(t *testing.T) {
	for _, tc := range []struct {
		name, raw string
		status    int
	}{
		{"no version", "GET /\r\n\r\n", 400},
		{"extra space", "GET  / HTTP/1.1\r\nHost: h\r\n\r\n", 400},
		{"bad method", "G(T / HTTP/1.1\r\nHost: h\r\n\r\n", 400},
		{"control in target", "GET /\x01 HTTP/1.1\r\nHost: h\r\n\r\n", 400},
		{"relative target", "GET x HTTP/1.1\r\nHost: h\r\n\r\n", 400},
		{"HTTP/2", "GET / HTTP/2.0\r\nHost: h\r\n\r\n", 505},
		{"garbage version", "GET / HTTQ/1.1\r\nHost: h\r\n\r\n", 505},
		{"no Host", "GET / HTTP/1.1\r\n\r\n", 400},
		{"two Hosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400},
		{"Host with a path", "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", 400},
		{"Host with user info", "GET / HTTP/1.1\r\nHost: u@a\r\n\r\n", 400},
		{"space before colon", "GET / HTTP/1.1\r\nHost : h\r\n\r\n", 400},
		{"no colon", "GET / HTTP/1.1\r\nHost h\r\n\r\n", 400},
		{"folded line", "GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\n 2\r\n\r\n", 400},
		{"NUL in value", "GET / HTTP/1.1\r\nHost: h\r\nA: 1\x002\r\n\r\n", 400},
		{"CR in value", "GET / HTTP/1.1\r\nHost: h\r\nA: 1\r2\r\n\r\n", 400},
		{"Content-Length and chunked", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 400},
		{"gzip coding", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501},
		{"chunked in HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 501},
		{"negative Content-Length", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n", 400},
		{"signed Content-Length", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: +1\r\n\r\nx", 400},
		{"differing Content-Length", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nxx", 400},
		{"head too large", "GET / HTTP/1.1\r\nHost: h\r\nA: " + strings.Repeat("a", 2000) + "\r\n\r\n", 431},
		{"cut short", "GET / HTTP/1.1\r\nHost: h\r\n", 400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := parse(t, tc.raw, 1024)
			var re *requestError
			if !errors.As(err, &re) || re.status != tc.status {
				t.Errorf("got %v, want status %d", err, tc.status)
			}
		})
	}
}

func TestReadRequestBodyCutShort(t *testing.T) {
	for _, raw := range []string{
		"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nabc",
		"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab",
		"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n",
	} {
		if _, _, err := parse(t, raw, 1024); err == nil {
			t.Errorf("%q: no error for a body cut short", raw)
		}
	}
}

func FuzzReadRequest(f *testing.F) {
	for _, s := range []string{
		"POST /sms HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc",
		"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
		"GET http://x/ HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n\r\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		br := bufio.NewReaderSize(strings.NewReader(raw), 16)
		r := &http.Request{}
		if err := readRequest(br, 512, &parsedHead{}, r); err != nil {
			return
		}
		if r.URL == nil || r.Header == nil || r.Body == nil || r.Header.Get("Host") != "" {
			t.Fatalf("incomplete request %+v", r)
		}
		body, err := io.ReadAll(r.Body)
		if err == nil && r.ContentLength >= 0 && int64(len(body)) != r.ContentLength {
			t.Fatalf("body of %d bytes, Content-Length %d", len(body), r.ContentLength)
		}
	})
}
