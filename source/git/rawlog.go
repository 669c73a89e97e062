package git

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// logFormat is the --format of the commit headers rawReader reads: the
// commit id.
const logFormat = "--format=%H"

// rawArgs are the options that make 'git log' and 'git diff' list, per
// commit, the blob each changed path now holds, without rendering diffs:
// NUL-terminated, unabbreviated, no rename detection, merges compared
// with their first parent, root commits listing every file.
var rawArgs = []string{"--raw", "-z", "--no-abbrev", "--no-renames", "--no-ext-diff", "--no-textconv"}

// Git file modes, as raw diffs print them (octal).
const (
	modeFile    = 0o100644
	modeExec    = 0o100755
	modeSymlink = 0o120000
	modeGitlink = 0o160000
)

// rawEntry is one path a commit (or the index) changed.
type rawEntry struct {
	srcMode, dstMode uint32
	src, dst         string // object ids; all zeros when absent
	status           byte   // A, M, D, T, U, …
	path             string
}

// rawCommit is one commit of a raw log, with the paths it changed. A
// plain raw diff (no headers) is one rawCommit with an empty id.
type rawCommit struct {
	id      string
	entries []rawEntry
}

// rawReader reads the output of 'git log <rawArgs> --format=%H' or
// of 'git diff --raw -z': NUL-terminated tokens, where a token starting
// with ':' describes a change and is followed by a path token, and any
// other token is the next commit's header.
type rawReader struct {
	r       *bufio.Reader
	pending []byte // a header read ahead
	started bool
	done    bool
}

func newRawReader(r io.Reader) *rawReader {
	return &rawReader{r: bufio.NewReaderSize(r, 256<<10)}
}

// token returns the next NUL-terminated token (valid until the next call).
func (p *rawReader) token() ([]byte, error) {
	tok, err := p.r.ReadSlice(0)
	if errors.Is(err, bufio.ErrBufferFull) {
		rest, err2 := p.r.ReadBytes(0)
		tok = append(append([]byte(nil), tok...), rest...)
		err = err2
	}
	if err != nil {
		if errors.Is(err, io.EOF) && len(tok) > 0 {
			return nil, fmt.Errorf("raw log: %d bytes after the last NUL", len(tok))
		}
		return nil, err
	}
	return tok[:len(tok)-1], nil
}

// next fills c with the next commit; it returns io.EOF at the end.
func (p *rawReader) next(c *rawCommit) error {
	if p.done {
		return io.EOF
	}
	c.id, c.entries = "", c.entries[:0]
	head := p.pending
	p.pending = nil
	if head == nil {
		tok, err := p.token()
		if errors.Is(err, io.EOF) {
			p.done = true
			return io.EOF
		}
		if err != nil {
			return err
		}
		head = tok
	}
	p.started = true
	for {
		if meta, ok := isChange(head); ok {
			e, err := parseChange(meta)
			if err != nil {
				return err
			}
			path, err := p.token()
			if err != nil {
				return fmt.Errorf("raw log: change without a path: %w", noEOF(err))
			}
			e.path = string(path)
			c.entries = append(c.entries, e)
		} else if c.id == "" && len(c.entries) == 0 {
			id, err := parseCommitHeader(head)
			if err != nil {
				return err
			}
			c.id = id
		} else {
			p.pending = append([]byte(nil), head...)
			return nil
		}
		tok, err := p.token()
		if errors.Is(err, io.EOF) {
			p.done = true
			return nil
		}
		if err != nil {
			return err
		}
		head = tok
	}
}

func noEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

// isChange reports whether a token describes a change (":mode mode …"),
// and returns it without the leading newline git puts after a header.
func isChange(tok []byte) ([]byte, bool) {
	tok = bytes.TrimPrefix(tok, []byte("\n"))
	if len(tok) > 0 && tok[0] == ':' {
		return tok[1:], true
	}
	return nil, false
}

// parseCommitHeader reads a commit id.
func parseCommitHeader(tok []byte) (string, error) {
	id := bytes.TrimPrefix(tok, []byte("\n"))
	if !isHex(id) {
		return "", fmt.Errorf("raw log: bad commit header %q", clip(tok))
	}
	return string(id), nil
}

// parseChange reads "<src mode> <dst mode> <src id> <dst id> <status>".
func parseChange(meta []byte) (rawEntry, error) {
	f := bytes.Split(meta, []byte(" "))
	if len(f) != 5 || len(f[4]) == 0 || !isHex(f[2]) || !isHex(f[3]) || len(f[2]) != len(f[3]) {
		return rawEntry{}, fmt.Errorf("raw log: bad change %q", clip(meta))
	}
	var e rawEntry
	for i, m := range []*uint32{&e.srcMode, &e.dstMode} {
		v, err := strconv.ParseUint(string(f[i]), 8, 32)
		if err != nil {
			return rawEntry{}, fmt.Errorf("raw log: bad mode in %q", clip(meta))
		}
		*m = uint32(v)
	}
	e.src, e.dst, e.status = string(f[2]), string(f[3]), f[4][0]
	return e, nil
}

func clip(b []byte) []byte {
	if len(b) > 120 {
		return b[:120]
	}
	return b
}

// isZero reports whether an object id is all zeros (no object).
func isZero(oid string) bool {
	for i := 0; i < len(oid); i++ {
		if oid[i] != '0' {
			return false
		}
	}
	return true
}
