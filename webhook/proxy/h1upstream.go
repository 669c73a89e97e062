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
	h := headReader{br: br, left: maxResponseHead}
	ph.text, ph.fields = ph.text[:0], ph.fields[:0]
	line, err := h.next()
	if err != nil {
		return nil, responseErr(err)
	}
	proto, status, ok := bytes.Cut(line, []byte{' '})
	code, _, _ := bytes.Cut(status, []byte{' '})
	if !ok || len(code) != 3 || !isDigits(code) {
		return nil, errBadResponse
	}
	ph.proto, ph.target = ph.add(proto), ph.add(status)
	// line is br's buffer, which the next lines overwrite.
	statusCode := int(code[0]-'0')*100 + int(code[1]-'0')*10 + int(code[2]-'0')
	for {
		line, err := h.next()
		if err != nil {
			return nil, responseErr(err)
		}
		if len(line) == 0 {
			break
		}
		if err := ph.field(line); err != nil {
			return nil, errBadResponse
		}
	}
	text := string(ph.text)
	resp := &http.Response{Proto: text[ph.proto[0]:ph.proto[1]], Status: text[ph.target[0]:ph.target[1]]}
	var okVersion bool
	if resp.ProtoMajor, resp.ProtoMinor, okVersion = http.ParseHTTPVersion(resp.Proto); !okVersion || resp.ProtoMajor != 1 {
		return nil, errBadResponse
	}
	resp.StatusCode = statusCode
	// The header's values must not share the connection's scratch: the
	// connection goes back to the pool, and to another request, before
	// this response has been written out.
	ph.values = nil
	resp.Header = ph.header(text, into)
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
	conn := resp.Header["Connection"]
	resp.Close = resp.ProtoMinor == 0 && !hasToken(conn, "keep-alive") || hasToken(conn, "close")
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
		resp.ContentLength = -1
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
