// Package escape makes text that vigil did not write itself — file names,
// archive members, commit authors and messages, image history, provider
// answers — safe to print on a terminal: control characters, ANSI escape
// sequences and bidirectional or invisible format marks are shown as
// escapes instead of acting on the terminal or hiding what follows. JSON
// output keeps such text exact; only text output escapes it.
package escape

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Name returns a name (a path, a member, a ref) as printed in text output:
// unchanged when every character is printable and it holds no quote or
// backslash, else between double quotes with \", \\, \t, \n, \r, \uXXXX
// and \xNN (for bytes that are not UTF-8) escapes, as git quotes paths. A
// name holding any of the characters in special is quoted too, so that a
// separator such as "!" inside a name cannot be read as a separator.
func Name(s, special string) string {
	if !needsQuote(s, special) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	write(&b, s, true)
	b.WriteByte('"')
	return b.String()
}

// Line returns free text (a message, an error, a command) as printed in
// text output: every character that is not printable is escaped (\t, \n,
// \r, \uXXXX, \xNN), so that the text stays on its line and cannot move
// the cursor, erase a line or reorder what is shown. Quotes and
// backslashes are left as they are.
func Line(s string) string {
	if !needsEscape(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	write(&b, s, false)
	return b.String()
}

// printable reports whether r prints as itself: a letter, mark, number,
// punctuation, symbol or the ASCII space. Control characters, format
// characters (bidirectional marks, zero-width spaces), line and paragraph
// separators and other spaces do not.
func printable(r rune) bool {
	return r == ' ' || unicode.IsPrint(r)
}

func needsEscape(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7f {
				return true
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 || !printable(r) {
			return true
		}
		i += n
	}
	return false
}

func needsQuote(s, special string) bool {
	return strings.ContainsAny(s, `"\`+special) || needsEscape(s)
}

const hex = "0123456789abcdef"

// write appends s with every unprintable character escaped; quoted also
// escapes double quotes and backslashes.
func write(b *strings.Builder, s string, quoted bool) {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			b.WriteString(`\x`)
			b.WriteByte(hex[s[i]>>4])
			b.WriteByte(hex[s[i]&0xf])
		case quoted && (r == '"' || r == '\\'):
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case !printable(r):
			if r > 0xffff {
				b.WriteString(`\U`)
				for shift := 28; shift >= 0; shift -= 4 {
					b.WriteByte(hex[r>>shift&0xf])
				}
			} else {
				b.WriteString(`\u`)
				for shift := 12; shift >= 0; shift -= 4 {
					b.WriteByte(hex[r>>shift&0xf])
				}
			}
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
}
