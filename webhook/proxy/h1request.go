package proxy

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httputil"
	"net/textproto"
	"net/url"
	"strconv"

	"golang.org/x/net/http/httpguts"
)

// requestError is a request the server answers itself, with status, and
// then closes the connection.
type requestError struct {
	status int
	msg    string
}

func (e *requestError) Error() string { return e.msg }

func badRequest(msg string) error { return &requestError{http.StatusBadRequest, msg} }

// errHeadTooLarge is a request line and headers over the server's cap.
var errHeadTooLarge = &requestError{http.StatusRequestHeaderFieldsTooLarge, "request headers too large"}

// headReader reads the lines of a request head from a buffered
// connection, at most max bytes in all.
type headReader struct {
	br   *bufio.Reader
	left int
	line []byte // a line longer than br's buffer, put together here
}

// next returns the next line without its CR LF. The slice is valid until
// the following call.
func (h *headReader) next() ([]byte, error) {
	h.line = h.line[:0]
	for {
		b, err := h.br.ReadSlice('\n')
		if h.left -= len(b); h.left < 0 {
			return nil, errHeadTooLarge
		}
		switch {
		case err == nil && len(h.line) == 0:
			return trimEOL(b), nil
		case err == nil:
			return trimEOL(append(h.line, b...)), nil
		case errors.Is(err, bufio.ErrBufferFull):
			h.line = append(h.line, b...)
		default:
			return nil, err
		}
	}
}

func trimEOL(b []byte) []byte {
	b = b[:len(b)-1]
	if n := len(b); n > 0 && b[n-1] == '\r' {
		b = b[:n-1]
	}
	return b
}

// headField is one header line, as offsets into the head's text.
type headField struct{ key, val [2]int }

// parsedHead is a request's or a response's head held in one string, so
// that the message's strings share a single allocation; the offsets say
// where its parts are.
type parsedHead struct {
	text   []byte
	method [2]int // request line
	target [2]int
	proto  [2]int // both
	fields []headField
}

// read reads a head from h: the start line, which start records, then the
// header lines, up to the empty line that ends them.
func (ph *parsedHead) read(h *headReader, start func(line []byte) error) error {
	ph.text, ph.fields = ph.text[:0], ph.fields[:0]
	line, err := h.next()
	if err != nil {
		return err
	}
	if err := start(line); err != nil {
		return err
	}
	for {
		line, err := h.next()
		if err != nil || len(line) == 0 {
			return err
		}
		if err := ph.field(line); err != nil {
			return err
		}
	}
}

// readRequest reads the head of the next request on br (the caller has
// seen its first byte) into r, a zero Request but for its context and,
// to be reused, its Header map; the body is left to read from br. A
// malformed head is a *requestError; other errors are the connection's.
func readRequest(br *bufio.Reader, maxHead int, ph *parsedHead, r *http.Request) error {
	if err := ph.read(&headReader{br: br, left: maxHead}, ph.requestLine); err != nil {
		return headErr(err)
	}
	return ph.request(br, r)
}

// headErr turns a connection that ends inside a head into a bad request.
func headErr(err error) error {
	if errors.Is(err, io.EOF) {
		return badRequest("request head cut short")
	}
	return err
}

func (ph *parsedHead) add(b []byte) [2]int {
	start := len(ph.text)
	ph.text = append(ph.text, b...)
	return [2]int{start, len(ph.text)}
}

func (ph *parsedHead) requestLine(line []byte) error {
	method, rest, ok1 := bytes.Cut(line, []byte{' '})
	target, proto, ok2 := bytes.Cut(rest, []byte{' '})
	if !ok1 || !ok2 || len(target) == 0 || bytes.IndexByte(proto, ' ') >= 0 {
		return badRequest("malformed request line")
	}
	for _, c := range target {
		if c <= ' ' || c == 0x7f {
			return badRequest("malformed request target")
		}
	}
	ph.method, ph.target, ph.proto = ph.add(method), ph.add(target), ph.add(proto)
	return nil
}

// field records a header line; header checks its name and value.
func (ph *parsedHead) field(line []byte) error {
	if line[0] == ' ' || line[0] == '\t' {
		return badRequest("obsolete line folding in headers")
	}
	key, val, ok := bytes.Cut(line, []byte{':'})
	if !ok {
		return badRequest("malformed header line")
	}
	ph.fields = append(ph.fields, headField{key: ph.add(key), val: ph.add(bytes.Trim(val, " \t"))})
	return nil
}

// request fills r from the parsed head.
func (ph *parsedHead) request(br *bufio.Reader, r *http.Request) error {
	text := string(ph.text)
	at := func(r [2]int) string { return text[r[0]:r[1]] }
	proto := at(ph.proto)
	major, minor, ok := http.ParseHTTPVersion(proto)
	if !ok || major != 1 {
		return &requestError{http.StatusHTTPVersionNotSupported, "unsupported HTTP version " + strconv.Quote(proto)}
	}
	r.Method, r.RequestURI, r.Proto, r.ProtoMajor, r.ProtoMinor = at(ph.method), at(ph.target), proto, major, minor
	if !httpguts.ValidHeaderFieldName(r.Method) { // a method is a token too
		return badRequest("malformed request line")
	}
	u, err := url.ParseRequestURI(r.RequestURI)
	if err != nil {
		return badRequest("malformed request target")
	}
	r.URL = u
	if r.Header, err = ph.header(text, r.Header); err != nil {
		return err
	}
	return framing(r, br)
}

// header fills h (a new map if nil; emptied first if not) with the
// fields, their strings sliced from text (the head's text), after checking
// that each name is a token and no value holds a control character.
func (ph *parsedHead) header(text string, h http.Header) (http.Header, error) {
	if h == nil {
		h = make(http.Header, len(ph.fields))
	} else {
		clear(h)
	}
	values := make([]string, len(ph.fields))
	for i, f := range ph.fields {
		k, v := text[f.key[0]:f.key[1]], text[f.val[0]:f.val[1]]
		switch {
		case !httpguts.ValidHeaderFieldName(k):
			return h, badRequest("malformed header line")
		case !httpguts.ValidHeaderFieldValue(v):
			return h, badRequest("control character in a header value")
		}
		k, values[i] = canonicalKey(k), v
		if prior, ok := h[k]; ok {
			h[k] = append(prior, v)
			continue
		}
		h[k] = values[i : i+1 : i+1]
	}
	return h, nil
}

// closes reports whether a message's sender means to close the connection
// after it, from its HTTP minor version and Connection header.
func closes(minor int, connection []string) bool {
	return minor == 0 && !httpguts.HeaderValuesContainsToken(connection, "keep-alive") ||
		httpguts.HeaderValuesContainsToken(connection, "close")
}

// framing checks Host, Connection, Content-Length and Transfer-Encoding,
// and sets the request's Host, Close, ContentLength and Body.
func framing(r *http.Request, br *bufio.Reader) error {
	hosts := r.Header["Host"]
	switch {
	case len(hosts) > 1:
		return badRequest("more than one Host header")
	case len(hosts) == 1 && !validHost(hosts[0]):
		return badRequest("malformed Host header")
	case len(hosts) == 1:
		r.Host = hosts[0]
		delete(r.Header, "Host")
	case r.ProtoMinor >= 1:
		return badRequest("missing Host header")
	}
	if r.URL.Host != "" { // absolute form
		r.Host = r.URL.Host
	}
	r.Close = closes(r.ProtoMinor, r.Header["Connection"])
	te, cls := r.Header["Transfer-Encoding"], r.Header["Content-Length"]
	switch {
	case len(te) > 0 && len(cls) > 0:
		return badRequest("both Transfer-Encoding and Content-Length")
	case len(te) > 0:
		if len(te) != 1 || !asciiEqualFold(te[0], "chunked") || r.ProtoMinor == 0 {
			return &requestError{http.StatusNotImplemented, "unsupported Transfer-Encoding"}
		}
		r.TransferEncoding, r.ContentLength = []string{"chunked"}, -1
		r.Body = &chunkedBody{br: br, r: httputil.NewChunkedReader(br)}
		delete(r.Header, "Transfer-Encoding")
		return nil
	case len(cls) > 0:
		n, ok := contentLength(cls)
		if !ok {
			return badRequest("malformed Content-Length")
		}
		r.ContentLength = n
	}
	if r.ContentLength == 0 {
		r.Body = http.NoBody
		return nil
	}
	r.Body = &lengthBody{br: br, n: r.ContentLength}
	return nil
}

// contentLength parses a message's Content-Length values: one decimal
// number, repeated identically if at all.
func contentLength(values []string) (int64, bool) {
	n, err := strconv.ParseInt(values[0], 10, 64)
	if err != nil || n < 0 || values[0][0] == '+' {
		return 0, false
	}
	for _, v := range values[1:] {
		if v != values[0] {
			return 0, false
		}
	}
	return n, true
}

// lengthBody is a body of Content-Length bytes.
type lengthBody struct {
	br *bufio.Reader
	n  int64
}

func (b *lengthBody) Read(p []byte) (int, error) {
	if b.n <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > b.n {
		p = p[:b.n]
	}
	n, err := b.br.Read(p)
	b.n -= int64(n)
	if b.n > 0 && errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	if b.n == 0 && err == nil {
		err = io.EOF
	}
	return n, err
}

func (b *lengthBody) Close() error { return nil }

// chunkedBody is a chunked body; its end consumes the trailer section,
// whose fields are dropped.
type chunkedBody struct {
	br   *bufio.Reader
	r    io.Reader
	done bool
}

func (b *chunkedBody) Read(p []byte) (int, error) {
	if b.done {
		return 0, io.EOF
	}
	n, err := b.r.Read(p)
	if errors.Is(err, io.EOF) {
		h := headReader{br: b.br, left: 16 << 10}
		for {
			line, terr := h.next()
			if terr != nil {
				return n, io.ErrUnexpectedEOF
			}
			if len(line) == 0 {
				break
			}
		}
		b.done = true
	}
	return n, err
}

func (b *chunkedBody) Close() error { return nil }

// remaining says whether a body the handler left has bytes still unread
// (unknown for chunked bodies that have not ended).
func remaining(body io.Reader) bool {
	switch b := body.(type) {
	case *lengthBody:
		return b.n > 0
	case *chunkedBody:
		return !b.done
	}
	return false
}

// canonicalKey returns the canonical form of a header name, k itself when
// it is canonical already.
func canonicalKey(k string) string {
	if isCanonical(k) {
		return k
	}
	return textproto.CanonicalMIMEHeaderKey(k)
}

func isCanonical(k string) bool {
	upper := true
	for i := 0; i < len(k); i++ {
		c := k[i]
		switch {
		case upper && 'a' <= c && c <= 'z', !upper && 'A' <= c && c <= 'Z':
			return false
		}
		upper = c == '-'
	}
	return true
}

// asciiEqualFold is strings.EqualFold for ASCII only: a transfer coding
// or expectation spelled with a Unicode letter that folds to an ASCII one
// (the Kelvin sign to k) is not the ASCII word, for the proxy as for the
// app behind it.
func asciiEqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
