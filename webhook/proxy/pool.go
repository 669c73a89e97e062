package proxy

import "sync"

// bufferPool recycles the buffers the reverse proxy copies responses
// through, instead of allocating 32 KiB per request.
type bufferPool struct{ p sync.Pool }

func newBufferPool() *bufferPool {
	return &bufferPool{p: sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}}
}

// Get returns a buffer; give the same pointer back to Put.
func (b *bufferPool) Get() *[]byte  { return b.p.Get().(*[]byte) }
func (b *bufferPool) Put(s *[]byte) { b.p.Put(s) }
