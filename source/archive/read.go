package archive

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"bytes"
	"compress/bzip2"
	"errors"
	"fmt"
	"github.com/klauspost/compress/flate"
	"github.com/klauspost/compress/gzip"
	"io"
	"io/fs"
	"strings"

	"github.com/klauspost/compress/zstd"
	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/source/files"
)

// zstdMaxWindow bounds the memory a zstd stream can ask for.
const zstdMaxWindow = 128 << 20

// read reads the archive src at origin, whichever its format.
func (l level) read(src io.Reader, size int64, origin vigil.Origin) {
	ra, random := src.(io.ReaderAt)
	random = random && size >= 0
	var head []byte
	var br *bufio.Reader
	if random {
		head = make([]byte, min(size, files.HeadSize))
		n, err := ra.ReadAt(head, 0)
		if err != nil && !errors.Is(err, io.EOF) {
			l.w.fail(origin, err)
			return
		}
		head = head[:n]
	} else {
		br = bufio.NewReaderSize(src, 64<<10)
		head, _ = br.Peek(files.HeadSize)
	}
	k := detect(origin.Path, head)
	switch {
	case k == kindZip && random:
		l.readZip(ra, size, origin)
	case k == kindZip:
		l.readZipStream(br, origin)
	case k == kindTar && random:
		l.readTar(io.NewSectionReader(ra, 0, size), origin)
	case k == kindTar:
		l.readTar(br, origin)
	case k == kindNone:
		l.w.skip(origin, vigil.SkipUnsupport, errors.New("not an archive format vigil reads"))
	default:
		if br == nil {
			br = bufio.NewReaderSize(io.NewSectionReader(ra, 0, size), 64<<10)
		}
		l.readCompressed(k, br, origin)
	}
}

// readZipStream reads a zip that sits inside a stream into memory first,
// as zip needs random access.
func (l level) readZipStream(r io.Reader, origin vigil.Origin) {
	buf, err := io.ReadAll(io.LimitReader(r, maxBuffered+1))
	if err != nil {
		l.w.fail(origin, err)
		return
	}
	if len(buf) > maxBuffered {
		l.w.fail(origin, &limitError{fmt.Sprintf("zip inside another archive or stream is over %d bytes: not read into memory", maxBuffered)})
		return
	}
	l.readZip(bytes.NewReader(buf), int64(len(buf)), origin)
}

func (l level) readZip(ra io.ReaderAt, size int64, origin vigil.Origin) {
	zr, err := zip.NewReader(ra, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		l.w.fail(origin, fmt.Errorf("read zip: %w", err))
		return
	}
	zr.RegisterDecompressor(zip.Deflate, flate.NewReader)
	for _, f := range zr.File {
		if l.w.done() || !l.w.entry(origin) {
			return
		}
		mo := memberOrigin(origin, f.Name)
		mode := f.Mode()
		switch {
		case mode&fs.ModeSymlink != 0:
			l.w.skip(mo, vigil.SkipSymlink, errors.New("symbolic link in an archive: not followed"))
			continue
		case mode.IsDir() || strings.HasSuffix(f.Name, "/"):
			continue
		case f.Flags&0x1 != 0:
			l.w.skip(mo, vigil.SkipUnsupport, errors.New("encrypted zip member"))
			continue
		}
		l.zipMember(ra, f, mo)
	}
}

func (l level) zipMember(ra io.ReaderAt, f *zip.File, mo vigil.Origin) {
	rc, err := f.Open()
	if errors.Is(err, zip.ErrAlgorithm) {
		l.w.skip(mo, vigil.SkipUnsupport, fmt.Errorf("zip compression method %d", f.Method))
		return
	}
	if err != nil {
		l.w.fail(mo, err)
		return
	}
	defer rc.Close()
	var r io.Reader = l.w.meter(rc, nil, int64(f.CompressedSize64))
	if off, err := f.DataOffset(); err == nil && f.Method == zip.Store && f.CompressedSize64 < 1<<62 {
		// A stored member (a jar in a fat jar) can be read at random in
		// place, so a nested zip need not be copied into memory.
		r = struct {
			io.Reader
			io.ReaderAt
		}{r, io.NewSectionReader(ra, off, int64(f.CompressedSize64))}
	}
	if err := l.member(r, int64(min(f.UncompressedSize64, 1<<62)), mo); err != nil {
		l.w.fail(mo, err)
	}
}

func (l level) readTar(r io.Reader, origin vigil.Origin) {
	tr := tar.NewReader(r)
	for !l.w.done() {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil && !errors.Is(err, tar.ErrInsecurePath) {
			l.w.fail(origin, fmt.Errorf("read tar: %w", err))
			return
		}
		if !l.w.entry(origin) {
			return
		}
		mo := memberOrigin(origin, hdr.Name)
		switch hdr.Typeflag {
		case tar.TypeReg, tar.TypeGNUSparse:
		case tar.TypeSymlink, tar.TypeLink:
			l.w.skip(mo, vigil.SkipSymlink, fmt.Errorf("link to %s in an archive: not followed", SafeName(hdr.Linkname)))
			continue
		default:
			continue // directories, devices, fifos: no content
		}
		if err := l.member(tr, hdr.Size, mo); err != nil {
			l.w.fail(mo, err)
			return // the stream is broken, or a limit was hit
		}
	}
}

// readCompressed reads a gzip, bzip2 or zstd file: a compressed tar, or
// one compressed file.
func (l level) readCompressed(k kind, r io.Reader, origin vigil.Origin) {
	in := &countReader{r: r}
	var dec io.Reader
	var header string
	switch k {
	case kindGzip:
		gz, err := gzip.NewReader(in)
		if err != nil {
			l.w.fail(origin, fmt.Errorf("read gzip: %w", err))
			return
		}
		defer gz.Close()
		dec, header = gz, gz.Name
	case kindBzip2:
		dec = bzip2.NewReader(in)
	case kindZstd:
		zd, err := zstd.NewReader(in, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true), zstd.WithDecoderMaxWindow(zstdMaxWindow))
		if err != nil {
			l.w.fail(origin, fmt.Errorf("read zstd: %w", err))
			return
		}
		defer zd.Close()
		dec = zd
	}
	out := bufio.NewReaderSize(l.w.meter(dec, in, 0), 64<<10)
	head, err := out.Peek(files.HeadSize)
	if err != nil && !errors.Is(err, io.EOF) {
		l.w.fail(origin, err)
		return
	}
	inner := innerName(origin.Path, k, header)
	if isTar(head) || len(head) > 0 && strings.HasSuffix(strings.ToLower(inner), ".tar") {
		l.readTar(out, origin)
		return
	}
	mo := memberOrigin(origin, inner)
	if err := l.member(out, -1, mo); err != nil {
		l.w.fail(mo, err)
	}
}
