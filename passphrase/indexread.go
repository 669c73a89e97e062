package passphrase

import (
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"sort"
)

// maxBucketRead is the largest bucket a lookup reads at once; larger ones
// (impossible with real SHA-1s, ~1,000 records each) are searched record by
// record.
const maxBucketRead = 256 << 10

// Index answers breach checks from a file built by BuildIndex. Opening it
// reads and checks the header and the fan-out table (8 MiB); a lookup is one
// read of the hash's bucket. It is safe for concurrent use.
type Index struct {
	f    *os.File
	h    indexHeader
	fan  []uint64
	path string
}

// OpenIndex opens an index and checks its header (magic, version, layout,
// checksum), its size against the record count, and its fan-out table
// against its checksum. Verify also checks every record.
func OpenIndex(path string) (*Index, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open passphrase index: %w", err)
	}
	ix, err := openIndex(f, path)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return ix, nil
}

func openIndex(f *os.File, path string) (*Index, error) {
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	hb := make([]byte, headerSize)
	if _, err := f.ReadAt(hb, 0); err != nil && fi.Size() >= headerSize {
		return nil, err
	}
	h, err := decodeHeader(hb)
	if err != nil {
		return nil, err
	}
	want, ok := h.fileSize()
	if !ok || fi.Size() != want {
		return nil, fmt.Errorf("%w: %d bytes, but %d records need %d (truncated or padded?)", ErrIndexCorrupt, fi.Size(), h.records, want)
	}
	raw := make([]byte, fanoutSize)
	if _, err := f.ReadAt(raw, want-fanoutSize); err != nil {
		return nil, err
	}
	if crc32.Checksum(raw, castagnoli()) != h.fanoutCRC {
		return nil, fmt.Errorf("%w: fan-out table checksum mismatch", ErrIndexCorrupt)
	}
	fan := make([]uint64, buckets)
	var prev uint64
	for i := range fan {
		fan[i] = binary.BigEndian.Uint64(raw[8*i:])
		if fan[i] < prev {
			return nil, fmt.Errorf("%w: fan-out table is not ascending", ErrIndexCorrupt)
		}
		prev = fan[i]
	}
	if prev != h.records {
		return nil, fmt.Errorf("%w: fan-out table counts %d records, header %d", ErrIndexCorrupt, prev, h.records)
	}
	return &Index{f: f, h: h, fan: fan, path: path}, nil
}

// Len is the number of hashes in the index.
func (ix *Index) Len() int64 { return int64(ix.h.records) }

// Close closes the file.
func (ix *Index) Close() error { return ix.f.Close() }

// String names the index file.
func (ix *Index) String() string { return "offline index " + ix.path }

// Count implements Breaches.
func (ix *Index) Count(ctx context.Context, d Digest) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("%w: %w", ErrCouldNotCheck, err)
	}
	b := bucketOf(&d)
	lo := uint64(0)
	if b > 0 {
		lo = ix.fan[b-1]
	}
	n := int(ix.fan[b] - lo)
	if n == 0 {
		return 0, nil
	}
	key := keyOf(&d)
	off := headerSize + int64(lo)*recordSize
	if n*recordSize <= maxBucketRead {
		buf := make([]byte, n*recordSize)
		if _, err := ix.f.ReadAt(buf, off); err != nil {
			return 0, fmt.Errorf("%w: read %s: %w", ErrCouldNotCheck, ix.path, err)
		}
		i := sort.Search(n, func(i int) bool { return binary.BigEndian.Uint64(buf[i*recordSize:]) >= key })
		if i < n && binary.BigEndian.Uint64(buf[i*recordSize:]) == key {
			return int64(binary.BigEndian.Uint32(buf[i*recordSize+keyBytes:])), nil
		}
		return 0, nil
	}
	var rec [recordSize]byte
	var readErr error
	i := sort.Search(n, func(i int) bool {
		if _, err := ix.f.ReadAt(rec[:], off+int64(i)*recordSize); err != nil {
			readErr = err
			return true
		}
		return binary.BigEndian.Uint64(rec[:]) >= key
	})
	if readErr == nil && i < n {
		_, readErr = ix.f.ReadAt(rec[:], off+int64(i)*recordSize)
	}
	if readErr != nil {
		return 0, fmt.Errorf("%w: read %s: %w", ErrCouldNotCheck, ix.path, readErr)
	}
	if i < n && binary.BigEndian.Uint64(rec[:]) == key {
		return int64(binary.BigEndian.Uint32(rec[keyBytes:])), nil
	}
	return 0, nil
}

// Verify reads every record and checks it against the header's checksum:
// a full read of the file.
func (ix *Index) Verify(ctx context.Context) error {
	r := io.NewSectionReader(ix.f, headerSize, int64(ix.h.records)*recordSize)
	table := castagnoli()
	buf := make([]byte, 1<<20)
	var crc uint32
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		n, err := r.Read(buf)
		crc = crc32.Update(crc, table, buf[:n])
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("verify %s: %w", ix.path, err)
		}
	}
	if crc != ix.h.recordsCRC {
		return fmt.Errorf("%s: %w: record checksum mismatch", ix.path, ErrIndexCorrupt)
	}
	return nil
}
