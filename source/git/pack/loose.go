package pack

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
)

// ReadLoose reads the loose object file at path. Content larger than limit
// bytes is not returned (data is nil); size is the object's size either way.
func (z *Inflater) ReadLoose(path string, limit uint64) (typ Type, size uint64, data []byte, err error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return 0, 0, nil, err
	}
	var head [64]byte
	n, err := z.InflateHead(raw, head[:])
	if err != nil {
		return 0, 0, nil, fmt.Errorf("loose object %s: %w", path, err)
	}
	typ, size, hlen, err := parseLooseHeader(head[:n])
	if err != nil {
		return 0, 0, nil, fmt.Errorf("loose object %s: %w", path, err)
	}
	if size > limit {
		return typ, size, nil, nil
	}
	all, err := z.Inflate(raw, uint64(hlen)+size, nil)
	if err != nil {
		return 0, 0, nil, fmt.Errorf("loose object %s: %w", path, err)
	}
	return typ, size, all[hlen:], nil
}

// parseLooseHeader reads "<type> <size>\x00" and returns its length.
func parseLooseHeader(b []byte) (Type, uint64, int, error) {
	nul := bytes.IndexByte(b, 0)
	if nul < 0 {
		return 0, 0, 0, formatErr("no header")
	}
	name, num, ok := bytes.Cut(b[:nul], []byte(" "))
	if !ok {
		return 0, 0, 0, formatErr("bad header %q", b[:nul])
	}
	var t Type
	switch string(name) {
	case "commit":
		t = Commit
	case "tree":
		t = Tree
	case "blob":
		t = Blob
	case "tag":
		t = Tag
	default:
		return 0, 0, 0, formatErr("bad type %q", name)
	}
	size, err := strconv.ParseUint(string(num), 10, 64)
	if err != nil || size > MaxObjectSize || len(num) == 0 || num[0] == '+' {
		return 0, 0, 0, formatErr("bad size %q", num)
	}
	return t, size, nul + 1, nil
}
