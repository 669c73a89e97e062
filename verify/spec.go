package verify

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/vigilsec/vigil"
)

// spec describes the usual verifier: one request with the secret in a
// header; a 2xx whose JSON holds Required is Valid with the Facts picked
// from it; statuses in Invalid are Invalid; anything else is Unknown.
type spec struct {
	Name    string
	Method  string // default GET
	URL     string
	Purpose string
	Auth    func(secret string) http.Header
	Body    string // JSON body of a POST
	Invalid []int  // default 401
	// Required is the JSON path a success must hold (so a 200 with some
	// other body, a captive portal's say, is not taken as an answer).
	Required string
	// Facts maps fact names to JSON paths: "user.login"; a final "#"
	// counts an array ("data.#"); arrays of strings are joined.
	Facts map[string]string
	// Judge, when set, reads a success further: it may turn it into an
	// Invalid (a token whose status is "expired") or add facts.
	Judge func(r *Response, facts map[string]string) vigil.Verdict
}

func (s spec) provider() Provider {
	if s.Method == "" {
		s.Method = http.MethodGet
	}
	if s.Invalid == nil {
		s.Invalid = []int{http.StatusUnauthorized}
	}
	return Provider{
		Name:      s.Name,
		Endpoints: []Endpoint{{s.Method, s.URL, s.Purpose}},
		Check:     s.check,
	}
}

func (s spec) check(ctx context.Context, c *Call, cred Credential) vigil.Verdict {
	req := Request{Method: s.Method, URL: s.URL, Header: s.Auth(cred.Secret.Reveal())}
	if s.Body != "" {
		req.Body = []byte(s.Body)
		req.Header.Set("Content-Type", "application/json")
	}
	r, err := c.Do(ctx, req)
	if err != nil {
		return Failed(err)
	}
	facts, v, done := success(r, s.Invalid, s.Required, s.Facts)
	if done {
		return v
	}
	if s.Judge != nil {
		return s.Judge(r, facts)
	}
	return Valid(facts)
}

// success reads an answer the usual way: a status in invalid is a
// refusal, any other failure Unknown (done is true for both); a 2xx whose
// JSON holds required yields the facts at paths.
func success(r *Response, invalid []int, required string, paths map[string]string) (facts map[string]string, v vigil.Verdict, done bool) {
	if v, done := refused(r, invalid...); done {
		return nil, v, true
	}
	facts, ok := pickFacts(r, required, paths)
	if !ok {
		return nil, Unknown(ReasonBody), true
	}
	return facts, vigil.Verdict{}, false
}

// answer is success for checks that report the facts as they are.
func answer(r *Response, invalid []int, required string, paths map[string]string) vigil.Verdict {
	facts, v, done := success(r, invalid, required, paths)
	if done {
		return v
	}
	return Valid(facts)
}

// pickFacts reads a JSON success: required must be present.
func pickFacts(r *Response, required string, paths map[string]string) (map[string]string, bool) {
	var doc any
	if !r.decode(&doc) {
		return nil, false
	}
	if _, ok := lookup(doc, required); required != "" && !ok {
		return nil, false
	}
	facts := map[string]string{}
	for name, path := range paths {
		if v, ok := lookup(doc, path); ok {
			facts[name] = render(v)
		}
	}
	return facts, true
}

// lookupBody reads one JSON path of an answer.
func lookupBody(r *Response, path string) (any, bool) {
	var doc any
	if !r.decode(&doc) {
		return nil, false
	}
	return lookup(doc, path)
}

// lookup follows a dotted path through JSON objects; a final "#" is the
// length of an array.
func lookup(doc any, path string) (any, bool) {
	cur := doc
	for _, seg := range strings.Split(path, ".") {
		if seg == "#" {
			arr, ok := cur.([]any)
			return len(arr), ok
		}
		obj, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = obj[seg]; !ok || cur == nil {
			return nil, false
		}
	}
	return cur, true
}

// render turns a JSON value into a short fact.
func render(v any) string {
	switch x := v.(type) {
	case string:
		return clip(x, 80)
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case int:
		return strconv.Itoa(x)
	case []any:
		var parts []string
		for i, e := range x {
			if i == 20 {
				parts = append(parts, "…")
				break
			}
			if s, ok := e.(string); ok {
				parts = append(parts, s)
			}
		}
		return clip(strings.Join(parts, ","), 200)
	}
	return ""
}
