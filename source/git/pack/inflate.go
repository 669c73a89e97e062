package pack

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/klauspost/compress/zlib"
)

// maxRatio bounds how much zlib can expand: deflate's best case is about
// 1032 to 1, so data announcing more than this many times its compressed
// size is corrupt, and is refused before anything is allocated for it.
const maxRatio = 1040

// Inflater decompresses zlib streams of known size. It keeps its
// decompressor from one stream to the next; it is not safe for concurrent
// use.
type Inflater struct {
	zr  io.ReadCloser
	src bytes.Reader
}

// Inflate decompresses src, which must hold a zlib stream of exactly size
// bytes of content (its checksum is verified), into dst, grown when short,
// and returns the content.
func (z *Inflater) Inflate(src []byte, size uint64, dst []byte) ([]byte, error) {
	if size > uint64(len(src))*maxRatio+64 {
		return nil, formatErr("%d compressed bytes cannot hold %d", len(src), size)
	}
	if uint64(cap(dst)) < size {
		dst = make([]byte, size)
	}
	dst = dst[:size]
	z.src.Reset(src)
	if z.zr == nil {
		zr, err := zlib.NewReader(&z.src)
		if err != nil {
			return nil, formatErr("zlib: %v", err)
		}
		z.zr = zr
	} else if err := z.zr.(zlib.Resetter).Reset(&z.src, nil); err != nil {
		return nil, formatErr("zlib: %v", err)
	}
	if _, err := io.ReadFull(z.zr, dst); err != nil {
		return nil, formatErr("zlib: %v", noEOF(err))
	}
	// The stream must end here; reading on checks its checksum.
	var one [1]byte
	if n, err := z.zr.Read(one[:]); n != 0 || !errors.Is(err, io.EOF) {
		if err == nil || errors.Is(err, io.EOF) {
			err = fmt.Errorf("more than %d bytes", size)
		}
		return nil, formatErr("zlib: %v", err)
	}
	return dst, nil
}

// InflateHead decompresses at most len(dst) bytes from the start of src,
// for headers of loose objects; it does not check the rest of the stream.
func (z *Inflater) InflateHead(src []byte, dst []byte) (int, error) {
	z.src.Reset(src)
	if z.zr == nil {
		zr, err := zlib.NewReader(&z.src)
		if err != nil {
			return 0, formatErr("zlib: %v", err)
		}
		z.zr = zr
	} else if err := z.zr.(zlib.Resetter).Reset(&z.src, nil); err != nil {
		return 0, formatErr("zlib: %v", err)
	}
	n, err := io.ReadFull(z.zr, dst)
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		err = nil
	}
	if err != nil {
		return n, formatErr("zlib: %v", err)
	}
	return n, nil
}

func noEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}
