package main

import (
	"bytes"
	"strings"
	"sync"
)

// syncBuffer is a bytes.Buffer safe for a command writing while the test
// reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func testStdio(out, errOut *syncBuffer) stdio {
	return stdio{stdin: strings.NewReader(""), stdout: out, stderr: errOut,
		getenv: func(string) string { return "" }, isTerminal: func(any) bool { return false }}
}

// envStdio returns a stdio with the given environment and stdin, and the
// buffers that capture its output.
func envStdio(env map[string]string, stdin string) (stdio, *syncBuffer, *syncBuffer) {
	out, errb := &syncBuffer{}, &syncBuffer{}
	return stdio{
		stdin: strings.NewReader(stdin), stdout: out, stderr: errb,
		getenv:     func(k string) string { return env[k] },
		isTerminal: func(any) bool { return false },
	}, out, errb
}
