package twiliotest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// Twilio error codes the emulator answers with.
const (
	CodeInvalidParameter       = 20001 // 400: a parameter is missing or malformed
	CodeAuthentication         = 20003 // 401: bad, deleted or out-of-reach credentials
	CodeMethodNotAllowed       = 20004 // 405
	CodeForbidden              = 20403 // 403: account suspended or closed
	CodeNotFound               = 20404 // 404
	CodeTooManyRequests        = 20429 // 429
	CodeInternal               = 20500 // 500
	CodeUnavailable            = 20503 // 503
	CodeInvalidPageToken       = 21481 // 400
	CodeAuthorizationFailed    = 70051 // 403: a Restricted key's policy lacks the permission
	CodeClientValidationNeeded = 70052 // 401: account enforces Public Key Client Validation
)

// apiError is Twilio's error body.
type apiError struct {
	Code     int    `json:"code"`
	Message  string `json:"message"`
	MoreInfo string `json:"more_info"`
	Status   int    `json:"status"`
	Detail   string `json:"detail,omitempty"`
}

func newError(status, code int, msg string) apiError {
	return apiError{Code: code, Message: msg, MoreInfo: fmt.Sprintf("https://www.twilio.com/docs/errors/%d", code), Status: status}
}

// errNoCredentials and friends are the exact bodies of the reference.
func errNoCredentials() apiError {
	e := newError(401, CodeAuthentication, "Authentication Error - No credentials provided")
	e.Detail = "Your AccountSid or AuthToken was incorrect."
	return e
}

func errInvalidUsername() apiError {
	e := newError(401, CodeAuthentication, "Authentication Error - invalid username")
	e.Detail = "Your AccountSid or AuthToken was incorrect."
	return e
}

func errForbidden() apiError {
	return newError(403, CodeForbidden, "403 Forbidden - the account lacks permission to access the Twilio API. Typically this means the account has been suspended or closed.")
}

func errNotFound(path string) apiError {
	return newError(404, CodeNotFound, "The requested resource "+path+" was not found")
}

func errParam(format string, args ...any) apiError {
	return newError(400, CodeInvalidParameter, fmt.Sprintf(format, args...))
}

// recorder buffers a response so that an after-handling fault can replace
// it and the request log can see the status and error code.
type recorder struct {
	header http.Header
	status int
	code   int
	body   []byte
}

func (r *recorder) flush(w http.ResponseWriter) {
	for k, v := range r.header {
		w.Header()[k] = v
	}
	w.WriteHeader(r.status)
	_, _ = w.Write(r.body)
}

// writeJSON sets a JSON response.
func (r *recorder) writeJSON(status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = 500, []byte(`{"code":20500,"message":"emulator: cannot encode response","status":500}`)
	}
	r.header.Set("Content-Type", "application/json; charset=utf-8")
	r.status, r.body = status, b
}

// writeError sets an error response.
func (r *recorder) writeError(e apiError) {
	r.writeJSON(e.Status, e)
	r.code = e.Code
}

// writeXMLError answers a v2010 request that asked for XML (no .json
// suffix). The emulator speaks JSON only; the XML body says so in Twilio's
// XML error shape.
func (r *recorder) writeXMLError(path string) {
	r.header.Set("Content-Type", "application/xml")
	r.status, r.code = http.StatusNotAcceptable, CodeInvalidParameter
	r.body = []byte(`<?xml version='1.0' encoding='UTF-8'?>` + "\n" +
		`<TwilioResponse><RestException><Code>20001</Code><Message>twiliotest answers JSON only: request ` +
		xmlEscape(path) + `.json</Message><MoreInfo>https://www.twilio.com/docs/errors/20001</MoreInfo><Status>406</Status></RestException></TwilioResponse>`)
}

func xmlEscape(s string) string {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '<':
			out = append(out, "&lt;"...)
		case '>':
			out = append(out, "&gt;"...)
		case '&':
			out = append(out, "&amp;"...)
		default:
			out = append(out, s[i])
		}
	}
	return string(out)
}

// Date layouts.
const (
	// RFC2822 is how v2010 and iam v1 render dates.
	RFC2822 = "Mon, 02 Jan 2006 15:04:05 -0700"
	// ISO8601 is how accounts, monitor, voice, messaging and verify render
	// dates.
	ISO8601 = "2006-01-02T15:04:05Z"
)

// dateStyle is how an API renders dates.
type dateStyle int

const (
	rfc2822 dateStyle = iota
	iso8601
)

func (s dateStyle) format(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	if s == rfc2822 {
		return t.UTC().Format(RFC2822)
	}
	return t.UTC().Format(ISO8601)
}

// money formats an amount the way Twilio does in usage records.
func money(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
