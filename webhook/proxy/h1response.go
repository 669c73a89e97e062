package proxy

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// h1Response is the ResponseWriter of the HTTP/1.1 server. It holds the
// body until the handler returns, so that a small response goes out in a
// single write with its Content-Length; a body past bufferedBody is
// streamed, framed by the Content-Length the handler set or else chunked.
type h1Response struct {
	c        *h1Conn
	req      *http.Request
	header   http.Header
	status   int
	body     []byte
	written  int64
	declared int64 // the Content-Length the handler set; -1: none
	// streaming: the head is sent and the body goes straight out, chunked
	// or not.
	streaming, chunked bool
	// closeAfter: the connection closes after this response.
	closeAfter bool
	err        error // the first failure to write to the client
}

// bufferedBody is how much body a response holds before streaming.
const bufferedBody = 64 << 10

// Header returns the header map to be sent.
func (w *h1Response) Header() http.Header { return w.header }

// WriteHeader sets the status code; calls after the first, and
// informational codes, are ignored.
func (w *h1Response) WriteHeader(code int) {
	if w.status != 0 || code < 200 {
		return
	}
	if code > 999 {
		panic("invalid WriteHeader code " + strconv.Itoa(code))
	}
	w.status = code
	w.declared = -1
	if cl := w.header.Get("Content-Length"); cl != "" {
		if n, err := strconv.ParseInt(cl, 10, 64); err == nil && n >= 0 {
			w.declared = n
		}
	}
}

// bodyAllowed reports whether the status and method allow a body.
func (w *h1Response) bodyAllowed() bool {
	return w.status != http.StatusNoContent && w.status != http.StatusNotModified && w.req.Method != http.MethodHead
}

// Write buffers or sends body bytes.
func (w *h1Response) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	if !w.bodyAllowed() {
		return 0, http.ErrBodyNotAllowed
	}
	if w.err != nil {
		return 0, w.err
	}
	if w.declared >= 0 && w.written+int64(len(p)) > w.declared {
		return 0, http.ErrContentLength
	}
	w.written += int64(len(p))
	if !w.streaming {
		w.body = append(w.body, p...)
		if len(w.body) > bufferedBody {
			w.startStreaming()
			w.sendBody(w.body)
			w.body = w.body[:0]
		}
	} else {
		w.sendBody(p)
	}
	if w.err != nil {
		return 0, w.err
	}
	return len(p), nil
}

// startStreaming sends the head of a response too large to hold.
func (w *h1Response) startStreaming() {
	w.streaming = true
	length := w.declared
	if length < 0 {
		if w.req.ProtoMinor >= 1 {
			w.chunked = true
		} else {
			w.closeAfter = true // the end of the body is the end of the connection
		}
	}
	w.writeHead(length)
}

func (w *h1Response) sendBody(p []byte) {
	bw := w.c.bw
	if w.chunked {
		bw.WriteString(strconv.FormatInt(int64(len(p)), 16))
		bw.WriteString("\r\n")
		bw.Write(p)
		bw.WriteString("\r\n")
	} else {
		bw.Write(p)
	}
	w.flush()
}

// finish sends what is left of the response and reports whether the
// connection may serve another request.
func (w *h1Response) finish() bool {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	if w.streaming {
		if w.chunked {
			w.c.bw.WriteString("0\r\n\r\n")
		}
		if w.bodyAllowed() && w.declared > w.written {
			w.closeAfter = true // the client sees a body cut short
		}
	} else {
		length := int64(len(w.body))
		if w.declared >= 0 {
			length = w.declared
			w.closeAfter = w.closeAfter || w.bodyAllowed() && w.declared > w.written
		}
		if !w.bodyAllowed() && w.declared < 0 && w.req.Method == http.MethodHead {
			length = -1
		}
		w.writeHead(length)
		if w.bodyAllowed() {
			w.c.bw.Write(w.body)
		}
	}
	w.flush()
	return w.err == nil && !w.closeAfter
}

func (w *h1Response) flush() {
	if err := w.c.bw.Flush(); err != nil && w.err == nil {
		w.err = err
		w.c.clientGone()
	}
}

// writeHead writes the status line and headers into the connection's
// buffer; length < 0 sends no Content-Length.
func (w *h1Response) writeHead(length int64) {
	bw := w.c.bw
	if w.req.ProtoMinor == 0 {
		bw.WriteString("HTTP/1.0 ")
	} else {
		bw.WriteString("HTTP/1.1 ")
	}
	bw.WriteString(strconv.Itoa(w.status))
	bw.WriteByte(' ')
	bw.WriteString(http.StatusText(w.status))
	bw.WriteString("\r\n")
	for k, vs := range w.header {
		switch k {
		case "Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive":
			continue
		}
		for _, v := range vs {
			bw.WriteString(k)
			bw.WriteString(": ")
			writeFieldValue(bw, v)
			bw.WriteString("\r\n")
		}
	}
	if _, ok := w.header["Date"]; !ok {
		bw.WriteString("Date: ")
		bw.WriteString(w.c.date())
		bw.WriteString("\r\n")
	}
	noLength := w.status < 200 || w.status == http.StatusNoContent || w.status == http.StatusNotModified
	switch {
	case w.chunked:
		bw.WriteString("Transfer-Encoding: chunked\r\n")
	case length >= 0 && !noLength:
		bw.WriteString("Content-Length: ")
		bw.WriteString(strconv.FormatInt(length, 10))
		bw.WriteString("\r\n")
	}
	if w.closeAfter || w.req.Close || w.c.srv.closing.Load() {
		w.closeAfter = true
		bw.WriteString("Connection: close\r\n")
	} else if w.req.ProtoMinor == 0 {
		bw.WriteString("Connection: keep-alive\r\n")
	}
	bw.WriteString("\r\n")
}

// writeFieldValue writes a header value with any line break turned into a
// space, so that no value can start a header of its own.
func writeFieldValue(w io.StringWriter, v string) {
	if !strings.ContainsAny(v, "\r\n") {
		w.WriteString(v)
		return
	}
	w.WriteString(strings.NewReplacer("\r", " ", "\n", " ").Replace(v))
}

// httpDate formats t for the Date header.
func httpDate(t time.Time) string { return t.UTC().Format(http.TimeFormat) }
