package dotenv

import (
	"fmt"
	"strings"
)

// quote is how a value is written.
type quote byte

const (
	bare   quote = 0
	single quote = '\''
	double quote = '"'
)

// entry is one KEY=VALUE assignment, kept as the text around its value so
// that rewriting it changes nothing else: "export KEY = " before, the value
// in its quotes, and " # comment" after.
type entry struct {
	key    string
	prefix string // everything before the value, e.g. "export KEY="
	value  string // unquoted
	quote  quote
	suffix string // after the value: spaces and a comment
}

// line is one logical line of the file: an entry, or text kept as is
// (blank lines, comments, lines vigil does not understand).
type line struct {
	text  string // raw text, without the final newline, for non-entries
	entry *entry
}

// parse splits a dotenv file into lines. A double- or single-quoted value
// may span lines. An unterminated quote is an error naming its line.
func parse(data string) ([]line, bool, error) {
	trailingNL := strings.HasSuffix(data, "\n")
	data = strings.TrimSuffix(data, "\n")
	var out []line
	if data == "" && !trailingNL {
		return nil, false, nil
	}
	raw := strings.Split(data, "\n")
	for i := 0; i < len(raw); i++ {
		text := strings.TrimSuffix(raw[i], "\r")
		e, ok := parseKey(text)
		if !ok {
			out = append(out, line{text: raw[i]})
			continue
		}
		rest := text[len(e.prefix):]
		start := i
		if rest != "" && (rest[0] == '"' || rest[0] == '\'') {
			q := rest[0]
			body := rest[1:]
			for {
				if end := closing(body, q); end >= 0 {
					e.quote, e.suffix = quote(q), strings.TrimSuffix(body[end+1:], "\r")
					e.value = body[:end]
					if q == '"' {
						e.value = unescape(e.value)
					}
					break
				}
				if i+1 >= len(raw) {
					return nil, false, fmt.Errorf("line %d: %s: the quoted value is never closed", start+1, e.key)
				}
				i++
				body += "\n" + strings.TrimSuffix(raw[i], "\r")
			}
		} else {
			e.value, e.suffix = splitComment(rest)
		}
		if strings.HasSuffix(raw[i], "\r") {
			e.suffix += "\r" // keep CRLF line ends
		}
		out = append(out, line{entry: e})
	}
	return out, trailingNL, nil
}

// parseKey reads "[export ]KEY[ ]=[ ]" at the start of a line.
func parseKey(text string) (*entry, bool) {
	s := strings.TrimLeft(text, " \t")
	if strings.HasPrefix(s, "export ") {
		s = strings.TrimLeft(s[len("export "):], " \t")
	}
	n := 0
	for n < len(s) && (s[n] == '_' || s[n] == '.' || s[n] == '-' || s[n] >= 'A' && s[n] <= 'Z' || s[n] >= 'a' && s[n] <= 'z' || n > 0 && s[n] >= '0' && s[n] <= '9') {
		n++
	}
	if n == 0 {
		return nil, false
	}
	key := s[:n]
	after := strings.TrimLeft(s[n:], " \t")
	if !strings.HasPrefix(after, "=") {
		return nil, false
	}
	valueStart := len(text) - len(after) + 1
	for valueStart < len(text) && (text[valueStart] == ' ' || text[valueStart] == '\t') {
		valueStart++
	}
	return &entry{key: key, prefix: text[:valueStart]}, true
}

// closing finds the closing quote q in s, skipping backslash escapes in
// double quotes.
func closing(s string, q byte) int {
	for i := 0; i < len(s); i++ {
		switch {
		case q == '"' && s[i] == '\\':
			i++
		case s[i] == q:
			return i
		}
	}
	return -1
}

// splitComment separates a bare value from trailing spaces and a " #"
// comment.
func splitComment(s string) (value, suffix string) {
	end := len(s)
	for i := 0; i < len(s); i++ {
		if s[i] == '#' && i > 0 && (s[i-1] == ' ' || s[i-1] == '\t') {
			end = i
			break
		}
	}
	value = strings.TrimRight(s[:end], " \t")
	return value, s[len(value):]
}

func unescape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		i++
		switch s[i] {
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// render writes an entry back, quoting the value as before unless the new
// value needs stronger quoting.
func (e *entry) render() string {
	q := e.quote
	switch {
	case q == bare && needsQuotes(e.value):
		q = double
	case q == single && strings.ContainsAny(e.value, "'\n"):
		q = double
	}
	switch q {
	case single:
		return e.prefix + "'" + e.value + "'" + e.suffix
	case double:
		r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\r", `\r`)
		return e.prefix + `"` + r.Replace(e.value) + `"` + e.suffix
	}
	return e.prefix + e.value + e.suffix
}

func needsQuotes(v string) bool {
	return strings.ContainsAny(v, " \t\n\r#'\"\\$`") || v == ""
}

// render writes the lines back.
func render(lines []line, trailingNL bool) string {
	var b strings.Builder
	for i, l := range lines {
		if i > 0 {
			b.WriteByte('\n')
		}
		if l.entry != nil {
			b.WriteString(l.entry.render())
		} else {
			b.WriteString(l.text)
		}
	}
	if trailingNL && len(lines) > 0 {
		b.WriteByte('\n')
	}
	return b.String()
}
