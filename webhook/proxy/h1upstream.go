package proxy

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httputil"
)

// maxResponseHead caps the status line and headers of an upstream
// response, as net/http's Transport does by default.
const maxResponseHead = 1 << 20

// errBadResponse is an upstream response that is not HTTP/1.x.
var errBadResponse = errors.New("malformed response head")

// readResponse reads the head of an upstream response to a request with
// method, and returns it with its body left to read from br, framed as
// RFC 9112 section 6.3 says. Its Header is into (emptied first), or a
// new map if into is nil.
func readResponse(br *bufio.Reader, method string, ph *parsedHead, into http.Header) (*http.Response, error) {
	var statusCode int
	var status [2]int
	statusLine := func(line []byte) error {
		proto, rest, ok := bytes.Cut(line, []byte{' '})
		code, _, _ := bytes.Cut(rest, []byte{' '})
		if !ok || len(code) != 3 || !isDigits(code) {
			return errBadResponse
		}
		statusCode = int(code[0]-'0')*100 + int(code[1]-'0')*10 + int(code[2]-'0')
		ph.proto, status = ph.add(proto), ph.add(rest)
		return nil
	}
	if err := ph.read(&headReader{br: br, left: maxResponseHead}, statusLine); err != nil {
		return nil, responseErr(err)
	}
	text := string(ph.text)
	resp := &http.Response{Proto: text[ph.proto[0]:ph.proto[1]], Status: text[status[0]:status[1]], StatusCode: statusCode}
	var ok bool
	if resp.ProtoMajor, resp.ProtoMinor, ok = http.ParseHTTPVersion(resp.Proto); !ok || resp.ProtoMajor != 1 {
		return nil, errBadResponse
	}
	var err error
	if resp.Header, err = ph.header(text, into); err != nil {
		return nil, errBadResponse
	}
	return resp, responseFraming(resp, method, br)
}

func isDigits(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// responseErr reads a connection that ends inside a head as a response
// cut short.
func responseErr(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	var re *requestError
	if errors.As(err, &re) {
		return errBadResponse
	}
	return err
}

// responseFraming sets resp's Close, ContentLength and Body.
func responseFraming(resp *http.Response, method string, br *bufio.Reader) error {
	resp.Close = closes(resp.ProtoMinor, resp.Header["Connection"])
	resp.ContentLength = -1
	te, cls := resp.Header["Transfer-Encoding"], resp.Header["Content-Length"]
	if len(cls) > 0 && len(te) == 0 {
		n, ok := contentLength(cls)
		if !ok {
			return errBadResponse
		}
		resp.ContentLength = n
	}
	code := resp.StatusCode
	switch {
	case method == http.MethodHead || code/100 == 1 || code == http.StatusNoContent || code == http.StatusNotModified:
		resp.Body = http.NoBody
	case len(te) > 0:
		delete(resp.Header, "Transfer-Encoding")
		delete(resp.Header, "Content-Length")
		if len(te) == 1 && asciiEqualFold(te[0], "chunked") {
			resp.TransferEncoding = []string{"chunked"}
			resp.Body = &chunkedBody{br: br, r: httputil.NewChunkedReader(br)}
			return nil
		}
		// Any other coding: the body ends with the connection.
		resp.Close = true
		resp.Body = io.NopCloser(br)
	case resp.ContentLength == 0:
		resp.Body = http.NoBody
	case resp.ContentLength > 0:
		resp.Body = &lengthBody{br: br, n: resp.ContentLength}
	default:
		resp.Close = true
		resp.Body = io.NopCloser(br)
	}
	return nil
}
