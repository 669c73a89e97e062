package vigil

// CharCount is the number of characters (Unicode code points) in b, counted
// as the bytes that start one: every byte but UTF-8 continuation bytes. It
// adds up across any split of b, even inside a character, so that a
// column is the same whether its line was read in one chunk or several.
// A column is 1 + CharCount of the line before it (SARIF's
// "unicodeCodePoints").
func CharCount(b []byte) int {
	n := 0
	for _, c := range b {
		if c&0xC0 != 0x80 {
			n++
		}
	}
	return n
}
