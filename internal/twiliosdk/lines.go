package twiliosdk

import (
	"bytes"
	"regexp"
)

// lineAt returns the 1-based line of byte offset off in data.
func lineAt(data []byte, off int) int {
	if off < 0 || off > len(data) {
		return 0
	}
	return bytes.Count(data[:off], []byte("\n")) + 1
}

// lineOf returns the line of re's first match in data at or after line
// from (1-based), or 0 when there is none. Formats read by a decoder
// (JSON, TOML, XML) use it to point at the entry the decoder found.
func lineOf(data []byte, re *regexp.Regexp, from int) int {
	off := 0
	for l := 1; l < from; l++ {
		i := bytes.IndexByte(data[off:], '\n')
		if i < 0 {
			return 0
		}
		off += i + 1
	}
	loc := re.FindIndex(data[off:])
	if loc == nil {
		return 0
	}
	return lineAt(data, off+loc[0])
}

// jsonKey matches a JSON object key, quoted, followed by its colon.
func jsonKey(name string) *regexp.Regexp {
	return regexp.MustCompile(`"` + regexp.QuoteMeta(name) + `"\s*:`)
}

// splitLines splits data into lines without their line endings.
func splitLines(data []byte) []string {
	lines := bytes.Split(data, []byte("\n"))
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = string(bytes.TrimSuffix(l, []byte("\r")))
	}
	return out
}
