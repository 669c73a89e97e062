package proxy

import (
	"bytes"
	"errors"
	"io"
	"net"
	"testing"
	"time"
)

// tcpPair returns the two ends of a loopback TCP connection.
func tcpPair(t *testing.T) (net.Conn, net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, _ := ln.Accept()
		accepted <- c
	}()
	a, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	b := <-accepted
	if b == nil {
		t.Fatal("accept failed")
	}
	t.Cleanup(func() { a.Close(); b.Close() })
	return a, b
}

func TestRawIOMovesEveryByte(t *testing.T) {
	a, b := tcpPair(t)
	_, w := newRawIO(a)
	r, _ := newRawIO(b)
	// More than the socket buffers hold: the writer must wait for room.
	want := bytes.Repeat([]byte("0123456789abcdef"), 1<<18)
	errc := make(chan error, 1)
	go func() {
		_, err := w.Write(want)
		a.Close()
		errc <- err
	}()
	got, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("read %d bytes, want %d", len(got), len(want))
	}
}

func TestRawIODeadlines(t *testing.T) {
	a, b := tcpPair(t)
	r, _ := newRawIO(b)
	b.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
	if _, err := r.Read(make([]byte, 10)); !isTimeout(err) {
		t.Errorf("read past its deadline: %v, want a timeout", err)
	}
	_, w := newRawIO(a)
	a.SetWriteDeadline(time.Now().Add(50 * time.Millisecond))
	_, err := w.Write(make([]byte, 64<<20)) // nobody reads: the buffers fill
	if !isTimeout(err) {
		t.Errorf("write past its deadline: %v, want a timeout", err)
	}
	b.SetReadDeadline(time.Time{})
	a.Close()
	if _, err := io.Copy(io.Discard, r); err != nil && !errors.Is(err, io.EOF) {
		t.Errorf("reading to the end: %v", err)
	}
}
