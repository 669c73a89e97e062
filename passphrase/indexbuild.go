package passphrase

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"time"
)

// BuildOptions tune BuildIndex.
type BuildOptions struct {
	// Progress, if set, is called now and then (every 2^20 lines) and once
	// at the end, on the building goroutine.
	Progress func(BuildStats)
	// Logger receives debug messages; nil discards them.
	Logger *slog.Logger
}

// BuildStats describe a build so far.
type BuildStats struct {
	Lines     int64         // input lines read
	Bytes     int64         // input bytes read
	Saturated int64         // counts above 2^32-1, stored as 2^32-1
	Elapsed   time.Duration // since the build started
}

const (
	maxLineLen    = 128 // a HASH:COUNT line is at most 61 bytes
	progressEvery = 1 << 20
)

// BuildIndex reads a Pwned Passwords SHA-1 file (HASH:COUNT lines sorted by
// hash, as the "ordered by hash" download) from src in one pass and writes
// the index to dst. Memory stays flat whatever the input size: a 1 MiB read
// buffer, a 1 MiB write buffer and the 8 MiB fan-out table. A malformed,
// unsorted, duplicated or truncated line is an error naming its number. dst
// is left incomplete on error (its header is written last).
func BuildIndex(ctx context.Context, dst io.WriteSeeker, src io.Reader, opt BuildOptions) (BuildStats, error) {
	start := time.Now()
	log := opt.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if err := ctx.Err(); err != nil {
		return BuildStats{}, err
	}
	if _, err := dst.Seek(0, io.SeekStart); err != nil {
		return BuildStats{}, fmt.Errorf("index: %w", err)
	}
	w := bufio.NewWriterSize(dst, 1<<20)
	if _, err := w.Write(make([]byte, headerSize)); err != nil { // placeholder: all zero, not an index
		return BuildStats{}, fmt.Errorf("index: %w", err)
	}
	b := builder{
		r:     bufio.NewReaderSize(src, 1<<20),
		w:     w,
		table: castagnoli(),
		fan:   make([]uint64, buckets),
		batch: make([]byte, 0, 64<<10),
	}
	for {
		more, err := b.next()
		if err != nil {
			return b.stats(start), err
		}
		if !more {
			break
		}
		if b.st.Lines%progressEvery == 0 {
			if err := ctx.Err(); err != nil {
				return b.stats(start), err
			}
			if opt.Progress != nil {
				opt.Progress(b.stats(start))
			}
		}
	}
	if b.records == 0 {
		return b.stats(start), errors.New("no hashes in the input")
	}
	if err := b.finish(dst); err != nil {
		return b.stats(start), err
	}
	st := b.stats(start)
	if opt.Progress != nil {
		opt.Progress(st)
	}
	log.Debug("index built", "records", b.records, "bytes", st.Bytes, "elapsed", st.Elapsed)
	return st, nil
}

type builder struct {
	r       *bufio.Reader
	w       *bufio.Writer
	table   *crc32.Table
	crc     uint32
	fan     []uint64 // records per bucket until finish, then cumulative
	batch   []byte
	prev    Digest
	records uint64
	st      BuildStats
}

func (b *builder) stats(start time.Time) BuildStats {
	s := b.st
	s.Elapsed = time.Since(start)
	return s
}

// next reads and stores one line; false at the end of the input.
func (b *builder) next() (bool, error) {
	line, err := b.r.ReadSlice('\n')
	if len(line) == 0 && err == io.EOF {
		return false, nil
	}
	b.st.Lines++
	b.st.Bytes += int64(len(line))
	n := b.st.Lines
	switch {
	case errors.Is(err, bufio.ErrBufferFull) || len(line) > maxLineLen:
		return false, fmt.Errorf("line %d: longer than %d bytes; not a HASH:COUNT line", n, maxLineLen)
	case err != nil && err != io.EOF:
		return false, fmt.Errorf("line %d: %w", n, err)
	}
	eof := err == io.EOF
	line = bytes.TrimSuffix(bytes.TrimSuffix(line, []byte("\n")), []byte("\r"))
	d, count, ok := parseHashLine(line)
	if !ok {
		if eof {
			return false, fmt.Errorf("line %d: truncated: the file ends in the middle of a HASH:COUNT line", n)
		}
		return false, fmt.Errorf("line %d: not a HASH:COUNT line (40 hex digits, a colon, a decimal count)", n)
	}
	if b.records > 0 {
		switch c := bytes.Compare(d[:], b.prev[:]); {
		case c == 0:
			return false, fmt.Errorf("line %d: the same hash as line %d", n, n-1)
		case c < 0:
			return false, fmt.Errorf("line %d: not sorted: its hash sorts before line %d's (use the file ordered by hash)", n, n-1)
		}
	}
	b.prev = d
	if count > math.MaxUint32 {
		count = math.MaxUint32
		b.st.Saturated++
	}
	var rec [recordSize]byte
	binary.BigEndian.PutUint64(rec[:], keyOf(&d))
	binary.BigEndian.PutUint32(rec[keyBytes:], uint32(count))
	if err := b.add(rec[:]); err != nil {
		return false, err
	}
	b.fan[bucketOf(&d)]++
	b.records++
	return !eof, nil
}

func (b *builder) add(rec []byte) error {
	if len(b.batch)+len(rec) > cap(b.batch) {
		if err := b.flushBatch(); err != nil {
			return err
		}
	}
	b.batch = append(b.batch, rec...)
	return nil
}

func (b *builder) flushBatch() error {
	b.crc = crc32.Update(b.crc, b.table, b.batch)
	_, err := b.w.Write(b.batch)
	b.batch = b.batch[:0]
	if err != nil {
		return fmt.Errorf("write index: %w", err)
	}
	return nil
}

// finish writes the fan-out table, then the header over the placeholder.
func (b *builder) finish(dst io.WriteSeeker) error {
	if err := b.flushBatch(); err != nil {
		return err
	}
	var total uint64
	fanCRC := uint32(0)
	buf := make([]byte, 0, 64<<10)
	for i, n := range b.fan {
		total += n
		buf = binary.BigEndian.AppendUint64(buf, total)
		if len(buf) == cap(buf) || i == len(b.fan)-1 {
			fanCRC = crc32.Update(fanCRC, b.table, buf)
			if _, err := b.w.Write(buf); err != nil {
				return fmt.Errorf("write index: %w", err)
			}
			buf = buf[:0]
		}
	}
	if err := b.w.Flush(); err != nil {
		return fmt.Errorf("write index: %w", err)
	}
	h := indexHeader{version: indexVersion, prefixBits: prefixBits, keyBytes: keyBytes, countBytes: countBytes,
		records: b.records, recordsCRC: b.crc, fanoutCRC: fanCRC}
	if _, err := dst.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("write index header: %w", err)
	}
	if _, err := dst.Write(h.encode()); err != nil {
		return fmt.Errorf("write index header: %w", err)
	}
	return nil
}

// parseHashLine reads "HASH:COUNT" (40 hex digits, either case).
func parseHashLine(line []byte) (Digest, uint64, bool) {
	var d Digest
	if len(line) < 42 || line[40] != ':' || len(line) > 41+19 {
		return d, 0, false
	}
	for i := 0; i < 20; i++ {
		hi, ok1 := unhex(line[2*i])
		lo, ok2 := unhex(line[2*i+1])
		if !ok1 || !ok2 {
			return d, 0, false
		}
		d[i] = hi<<4 | lo
	}
	var n uint64
	for _, c := range line[41:] {
		if c < '0' || c > '9' {
			return d, 0, false
		}
		n = n*10 + uint64(c-'0') // 19 digits cannot overflow
	}
	return d, n, true
}

func unhex(c byte) (byte, bool) {
	v := hexValue[c]
	return v, v != 0xff
}

// hexValue maps a byte to its hex digit value, or 0xff; a constant, so
// there is no mutable table.
const hexValue = "" +
	"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff" +
	"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff" +
	"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff" +
	"\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\xff\xff\xff\xff\xff\xff" +
	"\xff\x0a\x0b\x0c\x0d\x0e\x0f\xff\xff\xff\xff\xff\xff\xff\xff\xff" +
	"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff" +
	"\xff\x0a\x0b\x0c\x0d\x0e\x0f\xff\xff\xff\xff\xff\xff\xff\xff\xff" +
	"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff" +
	"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff" +
	"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff" +
	"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff" +
	"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff" +
	"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff" +
	"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff" +
	"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff" +
	"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"

// BuildIndexFile builds the index at path through a temporary file beside
// it, renamed into place only when complete.
func BuildIndexFile(ctx context.Context, path string, src io.Reader, opt BuildOptions) (BuildStats, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return BuildStats{}, fmt.Errorf("create index: %w", err)
	}
	st, err := BuildIndex(ctx, f, src, opt)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return st, err
	}
	return st, nil
}
