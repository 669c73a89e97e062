package proxy

import (
	"io"
	"net"
	"syscall"
	"unsafe"
)

// newRawIO returns a reader and a writer for c that, when c is a TCP
// connection, move bytes with raw system calls: calls that do not tell
// Go's scheduler the thread is in the kernel. The socket is non-blocking,
// so a call never waits: it moves bytes or returns EAGAIN, upon which the
// connection's poller waits as usual, deadlines included. What that saves:
// a loopback write can take tens of microseconds, long enough for the
// runtime's monitor thread to hand the processor to another thread, and
// to keep waking every 20 µs because it did; under load that churn cost
// the proxy more than parsing its requests. Other connections (TLS) are
// returned as they are.
func newRawIO(c net.Conn) (io.Reader, io.Writer) {
	tc, ok := c.(*net.TCPConn)
	if !ok {
		return c, c
	}
	rc, err := tc.SyscallConn()
	if err != nil {
		return c, c
	}
	r, w := &rawReader{rc: rc}, &rawWriter{rc: rc}
	r.fn, w.fn = r.readFD, w.writeFD // bound once, not per call
	return r, w
}

// rawReader reads a socket; see newRawIO.
type rawReader struct {
	rc  syscall.RawConn
	fn  func(fd uintptr) bool
	p   []byte
	n   int
	err error
}

func (r *rawReader) readFD(fd uintptr) bool {
	for {
		n, _, e := syscall.RawSyscall(syscall.SYS_READ, fd, uintptr(unsafe.Pointer(&r.p[0])), uintptr(len(r.p)))
		switch e {
		case 0:
			r.n = int(n)
			if n == 0 {
				r.err = io.EOF
			}
			return true
		case syscall.EINTR:
			continue
		case syscall.EAGAIN:
			return false // the poller waits until it is readable
		}
		r.err = e
		return true
	}
}

// Read reads what the socket holds, waiting until it holds something.
func (r *rawReader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	r.p, r.n, r.err = p, 0, nil
	err := r.rc.Read(r.fn)
	r.p = nil
	if err != nil {
		return 0, err
	}
	return r.n, r.err
}

// rawWriter writes a socket; see newRawIO.
type rawWriter struct {
	rc  syscall.RawConn
	fn  func(fd uintptr) bool
	p   []byte
	n   int
	err error
}

func (w *rawWriter) writeFD(fd uintptr) bool {
	for w.n < len(w.p) {
		rest := w.p[w.n:]
		n, _, e := syscall.RawSyscall(syscall.SYS_WRITE, fd, uintptr(unsafe.Pointer(&rest[0])), uintptr(len(rest)))
		switch e {
		case 0:
			w.n += int(n)
		case syscall.EINTR:
		case syscall.EAGAIN:
			return false // the poller waits until there is room
		default:
			w.err = e
			return true
		}
	}
	return true
}

// Write writes all of p, waiting for room as needed.
func (w *rawWriter) Write(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	w.p, w.n, w.err = p, 0, nil
	err := w.rc.Write(w.fn)
	w.p = nil
	if err == nil {
		err = w.err
	}
	return w.n, err
}
