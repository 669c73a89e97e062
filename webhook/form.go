package webhook

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// formParams is a form body parsed for signing: the string appended to
// the URL, both ways, and the AccountSid parameter.
type formParams struct {
	suffix []byte // every name+value, sorted by name then value
	// distinct is suffix with each repeated name+value pair once, as the
	// Python and Node SDKs sign it; nil when no pair repeats.
	distinct   []byte
	accountSid string // the first AccountSid value, "" if none
}

// suffixes are the strings a signature may cover after the URL.
func (fp *formParams) suffixes() [][]byte {
	if fp.distinct == nil {
		return [][]byte{fp.suffix}
	}
	return [][]byte{fp.suffix, fp.distinct}
}

// parseForm decodes a form-encoded body with the rules of url.ParseQuery
// (semicolons refused, '+' is a space, strict percent-encoding) and builds
// the string to sign from it. Decoding never lengthens text, so one buffer
// twice the body's size holds every decoded name and value in its first
// half and the string to sign in its second: a typical webhook costs two
// allocations, not two per parameter.
func parseForm(body []byte, maxParams int) (formParams, error) {
	n := bytes.Count(body, []byte("&")) + 1
	if n > maxParams {
		return formParams{}, fmt.Errorf("%w: %d form parameters, at most %d allowed", ErrMalformed, n, maxParams)
	}
	buf := make([]byte, 0, 2*len(body))
	arena := buf[:0:len(body)]
	var room [64]span // on the stack for up to 64 parameters
	params := room[:0]
	for q := body; len(q) > 0; {
		var kv []byte
		kv, q, _ = bytes.Cut(q, []byte("&"))
		if bytes.IndexByte(kv, ';') >= 0 {
			return formParams{}, fmt.Errorf("%w: form body: invalid semicolon separator in query", ErrMalformed)
		}
		if len(kv) == 0 {
			continue
		}
		k, v, _ := bytes.Cut(kv, []byte("="))
		var sp span
		var err error
		sp.name = int32(len(arena))
		if arena, err = appendUnescaped(arena, k); err != nil {
			return formParams{}, fmt.Errorf("%w: form body: %w", ErrMalformed, err)
		}
		sp.value = int32(len(arena))
		if arena, err = appendUnescaped(arena, v); err != nil {
			return formParams{}, fmt.Errorf("%w: form body: %w", ErrMalformed, err)
		}
		sp.end = int32(len(arena))
		params = append(params, sp)
	}
	var fp formParams
	for _, sp := range params {
		if string(sp.nameOf(arena)) == "AccountSid" {
			fp.accountSid = string(sp.valueOf(arena))
			break
		}
	}
	// Sorting the pairs by name, then value, is Twilio's order: names in
	// byte order, a repeated name's values in byte order.
	slices.SortFunc(params, func(a, b span) int {
		if c := bytes.Compare(a.nameOf(arena), b.nameOf(arena)); c != 0 {
			return c
		}
		return bytes.Compare(a.valueOf(arena), b.valueOf(arena))
	})
	fp.suffix = buf[len(body):len(body)]
	repeats := false
	for i, sp := range params {
		fp.suffix = append(fp.suffix, arena[sp.name:sp.end]...)
		repeats = repeats || i > 0 && sp.sameAs(params[i-1], arena)
	}
	if repeats {
		fp.distinct = make([]byte, 0, len(fp.suffix))
		for i, sp := range params {
			if i == 0 || !sp.sameAs(params[i-1], arena) {
				fp.distinct = append(fp.distinct, arena[sp.name:sp.end]...)
			}
		}
	}
	return fp, nil
}

// span locates one decoded parameter in parseForm's buffer: its name at
// [name:value), its value at [value:end).
type span struct{ name, value, end int32 }

func (s span) nameOf(b []byte) []byte  { return b[s.name:s.value] }
func (s span) valueOf(b []byte) []byte { return b[s.value:s.end] }

// sameAs reports whether s and o hold the same name and value.
func (s span) sameAs(o span, b []byte) bool {
	return bytes.Equal(s.nameOf(b), o.nameOf(b)) && bytes.Equal(s.valueOf(b), o.valueOf(b))
}

// errEscape is url.QueryUnescape's complaint, without the offending text
// (which may be personal data).
var errEscape = errors.New("invalid URL escape")

// appendUnescaped appends s decoded as a query component ('+' is a space,
// %XX an escaped byte) to dst. It refuses a '%' not followed by two hex
// digits, as url.QueryUnescape does.
func appendUnescaped(dst, s []byte) ([]byte, error) {
	for {
		i := 0
		for i < len(s) && s[i] != '%' && s[i] != '+' {
			i++
		}
		if i == len(s) {
			return append(dst, s...), nil
		}
		dst = append(dst, s[:i]...)
		if s[i] == '+' {
			dst = append(dst, ' ')
			s = s[i+1:]
			continue
		}
		if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
			return dst, errEscape
		}
		dst = append(dst, unhex(s[i+1])<<4|unhex(s[i+2]))
		s = s[i+3:]
	}
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

// parseQuery is url.ParseQuery that stops at the first error, for Form.
func parseQuery(q string) (url.Values, error) {
	form := url.Values{}
	for q != "" {
		var kv string
		kv, q, _ = strings.Cut(q, "&")
		if strings.IndexByte(kv, ';') >= 0 {
			return nil, errors.New("invalid semicolon separator in query")
		}
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		k, err := url.QueryUnescape(k)
		if err != nil {
			return nil, err
		}
		if v, err = url.QueryUnescape(v); err != nil {
			return nil, err
		}
		form[k] = append(form[k], v)
	}
	return form, nil
}
