package webhook

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// param is one decoded form parameter.
type param struct{ name, value string }

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
// the string to sign from it. All decoded names and values share one
// string, so a typical webhook costs a handful of allocations, not two per
// parameter.
func parseForm(body []byte, maxParams int) (formParams, error) {
	n := bytes.Count(body, []byte("&")) + 1
	if n > maxParams {
		return formParams{}, fmt.Errorf("%w: %d form parameters, at most %d allowed", ErrMalformed, n, maxParams)
	}
	// Decoding never lengthens text, so one buffer of the body's size
	// holds every name and value, each at the offsets recorded in spans.
	arena := make([]byte, 0, len(body))
	var room [64][4]int32 // on the stack for up to 64 parameters
	spans := room[:0]
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
		var sp [4]int32
		var err error
		sp[0] = int32(len(arena))
		if arena, err = appendUnescaped(arena, k); err != nil {
			return formParams{}, fmt.Errorf("%w: form body: %w", ErrMalformed, err)
		}
		sp[1], sp[2] = int32(len(arena)), int32(len(arena))
		if arena, err = appendUnescaped(arena, v); err != nil {
			return formParams{}, fmt.Errorf("%w: form body: %w", ErrMalformed, err)
		}
		sp[3] = int32(len(arena))
		spans = append(spans, sp)
	}
	text := string(arena)
	params := make([]param, len(spans))
	var fp formParams
	for i, sp := range spans {
		params[i] = param{text[sp[0]:sp[1]], text[sp[2]:sp[3]]}
		if params[i].name == "AccountSid" && fp.accountSid == "" {
			fp.accountSid = params[i].value
		}
	}
	// Sorting the pairs by name, then value, is Twilio's order: names in
	// byte order, a repeated name's values in byte order.
	slices.SortFunc(params, func(a, b param) int {
		if c := strings.Compare(a.name, b.name); c != 0 {
			return c
		}
		return strings.Compare(a.value, b.value)
	})
	fp.suffix = arena[:0] // the arena's bytes live on in text; reuse its room
	repeats := false
	for i, p := range params {
		fp.suffix = append(append(fp.suffix, p.name...), p.value...)
		repeats = repeats || i > 0 && p == params[i-1]
	}
	if repeats {
		fp.distinct = make([]byte, 0, len(fp.suffix))
		for _, p := range slices.Compact(params) {
			fp.distinct = append(append(fp.distinct, p.name...), p.value...)
		}
	}
	return fp, nil
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
