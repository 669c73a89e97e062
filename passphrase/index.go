package passphrase

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
)

// The offline index turns the Pwned Passwords SHA-1 file (sorted HASH:COUNT
// lines, ~40 GB of text) into fixed-size binary records in input order, so
// that a lookup is one read of a small bucket.
//
//	header   64 bytes  magic "VGLPWIDX", version, layout, record count,
//	                   CRC-32C of the records and of the fan-out table,
//	                   CRC-32C of the header itself
//	records  N × 12    bytes 2..9 of the SHA-1 (big-endian uint64 key),
//	                   then the count (uint32, saturated)
//	fan-out  2^20 × 8  for each 20-bit hash prefix (the five hex digits a
//	                   range API uses), the number of records up to and
//	                   including that prefix
//
// The 20-bit prefix and the 64-bit key together use 80 bits of the hash:
// with a billion hashes the chance that a given passphrase collides with a
// listed one by accident is below 10^-15. The header is written last, so a
// build that stops half way never looks like an index.
const (
	indexMagic   = "VGLPWIDX"
	indexVersion = 1
	headerSize   = 64
	prefixBits   = 20
	buckets      = 1 << prefixBits
	keyBytes     = 8
	countBytes   = 4
	recordSize   = keyBytes + countBytes
	fanoutSize   = buckets * 8
)

// Errors from OpenIndex and Index.Verify. Each returned error wraps one.
var (
	ErrNotIndex     = errors.New("not a vigil passphrase index")
	ErrIndexVersion = errors.New("passphrase index from another version")
	ErrIndexCorrupt = errors.New("passphrase index is corrupt")
)

type indexHeader struct {
	version    uint32
	prefixBits uint8
	keyBytes   uint8
	countBytes uint8
	records    uint64
	recordsCRC uint32
	fanoutCRC  uint32
}

func castagnoli() *crc32.Table { return crc32.MakeTable(crc32.Castagnoli) }

func (h indexHeader) encode() []byte {
	b := make([]byte, headerSize)
	copy(b, indexMagic)
	binary.BigEndian.PutUint32(b[8:], h.version)
	b[12], b[13], b[14] = h.prefixBits, h.keyBytes, h.countBytes
	binary.BigEndian.PutUint64(b[16:], h.records)
	binary.BigEndian.PutUint32(b[24:], h.recordsCRC)
	binary.BigEndian.PutUint32(b[28:], h.fanoutCRC)
	binary.BigEndian.PutUint32(b[60:], crc32.Checksum(b[:60], castagnoli()))
	return b
}

// decodeHeader checks magic, checksum and version, in that order, so that
// each failure is reported for what it is.
func decodeHeader(b []byte) (indexHeader, error) {
	if len(b) < headerSize || string(b[:8]) != indexMagic {
		return indexHeader{}, fmt.Errorf("%w (no %q header; build one with 'vigil passphrase index')", ErrNotIndex, indexMagic)
	}
	if got, want := crc32.Checksum(b[:60], castagnoli()), binary.BigEndian.Uint32(b[60:]); got != want {
		return indexHeader{}, fmt.Errorf("%w: header checksum mismatch", ErrIndexCorrupt)
	}
	h := indexHeader{
		version:    binary.BigEndian.Uint32(b[8:]),
		prefixBits: b[12], keyBytes: b[13], countBytes: b[14],
		records:    binary.BigEndian.Uint64(b[16:]),
		recordsCRC: binary.BigEndian.Uint32(b[24:]),
		fanoutCRC:  binary.BigEndian.Uint32(b[28:]),
	}
	if h.version != indexVersion {
		return indexHeader{}, fmt.Errorf("%w: version %d, this vigil reads version %d; rebuild it with 'vigil passphrase index'", ErrIndexVersion, h.version, indexVersion)
	}
	if h.prefixBits != prefixBits || h.keyBytes != keyBytes || h.countBytes != countBytes {
		return indexHeader{}, fmt.Errorf("%w: unexpected layout (%d/%d/%d)", ErrIndexCorrupt, h.prefixBits, h.keyBytes, h.countBytes)
	}
	return h, nil
}

func (h indexHeader) fileSize() (int64, bool) {
	if h.records > (1<<62)/recordSize {
		return 0, false
	}
	return headerSize + int64(h.records)*recordSize + fanoutSize, true
}

// bucketOf is the 20-bit prefix of a digest.
func bucketOf(d *Digest) int {
	return int(d[0])<<12 | int(d[1])<<4 | int(d[2])>>4
}

// keyOf is the part of a digest a record stores.
func keyOf(d *Digest) uint64 { return binary.BigEndian.Uint64(d[2:10]) }
