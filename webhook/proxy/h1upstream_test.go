package proxy

import (
	"bufio"
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestReadResponse(t *testing.T) {
	for _, tc := range []struct {
		name, method, raw string
		status            int
		length            int64
		body              string
		close             bool
	}{
		{"length", "POST", "HTTP/1.1 201 Created\r\nContent-Length: 5\r\nX-App: yes\r\n\r\nhello", 201, 5, "hello", false},
		{"chunked", "POST", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 99\r\n\r\n3\r\nabc\r\n0\r\nT: 1\r\n\r\n", 200, -1, "abc", false},
		{"HEAD keeps its length", "HEAD", "HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\n", 200, 7, "", false},
		{"204", "GET", "HTTP/1.1 204 No Content\r\n\r\n", 204, -1, "", false},
		{"to the end", "GET", "HTTP/1.1 200 OK\r\n\r\nall of it", 200, -1, "all of it", true},
		{"HTTP/1.0", "GET", "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok", 200, 2, "ok", true},
		{"HTTP/1.0 kept alive", "GET", "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok", 200, 2, "ok", false},
		{"close", "GET", "HTTP/1.1 500 Oops\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", 500, 0, "", true},
		{"no reason", "GET", "HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n", 200, 0, "", false},
		{"gzip coding", "GET", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nzz", 200, -1, "zz", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			br := bufio.NewReaderSize(strings.NewReader(tc.raw), 16)
			resp, err := readResponse(br, tc.method, &parsedHead{}, nil)
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tc.status || resp.ContentLength != tc.length || string(body) != tc.body || resp.Close != tc.close ||
				resp.Header.Get("Transfer-Encoding") != "" {
				t.Errorf("got %d %d %q close=%v %v", resp.StatusCode, resp.ContentLength, body, resp.Close, resp.Header)
			}
		})
	}
}

func TestReadResponseRefuses(t *testing.T) {
	for _, raw := range []string{
		"HTTP/1.1 20 OK\r\n\r\n",
		"HTTP/1.1 2x0 OK\r\n\r\n",
		"HTTP/2 200 OK\r\n\r\n",
		"SIP/2.0 200 OK\r\n\r\n",
		"HTTP/1.1 200 OK\r\nBad Header: x\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\n",
		"HTTP/1.1 200 OK\r\nX: 1\r\n",
	} {
		if _, err := readResponse(bufio.NewReader(strings.NewReader(raw)), "GET", &parsedHead{}, nil); err == nil {
			t.Errorf("%q accepted", raw)
		}
	}
}

func FuzzReadResponse(f *testing.F) {
	f.Add("GET", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
	f.Add("POST", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n\r\n")
	f.Add("HEAD", "HTTP/1.0 204 No Content\r\nConnection: keep-alive\r\n\r\n")
	f.Fuzz(func(t *testing.T, method, raw string) {
		resp, err := readResponse(bufio.NewReaderSize(strings.NewReader(raw), 16), method, &parsedHead{}, nil)
		if err != nil {
			return
		}
		if resp.Header == nil || resp.Body == nil || resp.StatusCode < 0 || resp.StatusCode > 999 {
			t.Fatalf("incomplete response %+v", resp)
		}
		body, err := io.ReadAll(resp.Body)
		if err == nil && resp.Body != http.NoBody && resp.ContentLength >= 0 && int64(len(body)) != resp.ContentLength {
			t.Fatalf("body of %d bytes, Content-Length %d", len(body), resp.ContentLength)
		}
	})
}
